#include "mcph/http/url.h"

#include <gtest/gtest.h>

namespace mcph::http {
namespace {

TEST(ParseUrl, SplitsSchemeHostPortAndPath) {
  const Url url = parse_url("http://127.0.0.1:8200/v1/sys/health?standbyok=true");
  EXPECT_EQ(url.scheme, "http");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8200);
  EXPECT_EQ(url.path, "/v1/sys/health?standbyok=true");
  EXPECT_EQ(url.origin(), "http://127.0.0.1:8200");
}

TEST(ParseUrl, DefaultsPortAndPathFromScheme) {
  EXPECT_EQ(parse_url("http://localhost").port, 80);
  EXPECT_EQ(parse_url("https://localhost").port, 443);
  EXPECT_EQ(parse_url("http://localhost").path, "/");
}

TEST(ParseUrl, AcceptsBracketedIpv6) {
  const Url url = parse_url("http://[::1]:3001/mcp");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 3001);
  EXPECT_EQ(url.path, "/mcp");
}

TEST(ParseUrl, RejectsWhatIsNotAnHttpUrl) {
  EXPECT_THROW(parse_url("127.0.0.1:80"), std::invalid_argument);
  EXPECT_THROW(parse_url("ftp://host/x"), std::invalid_argument);
  EXPECT_THROW(parse_url("http://:80/"), std::invalid_argument);
  EXPECT_THROW(parse_url("http://host:99999/"), std::invalid_argument);
  EXPECT_THROW(parse_url("http://host:12ab/"), std::invalid_argument);
  EXPECT_THROW(parse_url("http://user:pw@host/"), std::invalid_argument);
}

TEST(FormEncoding, RoundTripsReservedCharacters) {
  const Fields fields = {{"grant_type", "password"}, {"username", "alice"}, {"password", "a&b=c d+e%"}};
  const std::string body = form_encode(fields);
  EXPECT_EQ(body, "grant_type=password&username=alice&password=a%26b%3Dc%20d%2Be%25");
  EXPECT_EQ(parse_form(body), fields);
}

TEST(FormEncoding, DecodesPlusAsSpaceAndKeysWithoutValue) {
  const Fields fields = parse_form("scope=openid+profile&flag&&x=");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"scope", "openid profile"}));
  EXPECT_EQ(fields[1], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(fields[2], (std::pair<std::string, std::string>{"x", ""}));
}

TEST(FormEncoding, MalformedEscapeIsA400) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%g1=x"}) {
    try {
      parse_form(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const HttpError& e) {
      EXPECT_EQ(e.status(), 400) << bad;
    }
  }
}

TEST(PathSegments, EncodesEachSegmentAndKeepsTheSlashes) {
  EXPECT_EQ(percent_encode_segments("/a b/c?d"), "/a%20b/c%3Fd");
  EXPECT_EQ(percent_encode_segments("app/%2e%2e/x#y"), "app/%252e%252e/x%23y");
  EXPECT_EQ(percent_encode_segments("/"), "/");
  EXPECT_EQ(percent_encode_segments("a//b/"), "a//b/");
  EXPECT_EQ(percent_encode_segments(""), "");
}

TEST(LoopbackAddress, OnlyDottedIpv4In127Slash8) {
  for (const char* yes : {"127.0.0.1", "127.0.0.2", "127.255.255.254"}) EXPECT_TRUE(is_loopback_ipv4(yes)) << yes;
  for (const char* no : {"10.0.0.2", "128.0.0.1", "127.0.0", "127.0.0.256", "127.0.0.2; evil", "localhost", "::1", ""}) {
    EXPECT_FALSE(is_loopback_ipv4(no)) << no;
  }
}

TEST(Fields, LookupIgnoresCase) {
  const Fields headers = {{"Content-Type", "application/json"}, {"X-Vault-Token", "t"}};
  EXPECT_EQ(find_field(headers, "content-type"), "application/json");
  EXPECT_EQ(find_field(headers, "X-VAULT-TOKEN"), "t");
  EXPECT_FALSE(find_field(headers, "Authorization").has_value());
}

// A field sent twice under two spellings is two fields: a proof or credential header that must come
// once is refused when it does not.
TEST(Fields, CountsEverySpellingOfAName) {
  const Fields headers = {{"DPoP", "a"}, {"Authorization", "DPoP t"}, {"dpop", "b"}};
  EXPECT_EQ(count_fields(headers, "DPoP"), 2u);
  EXPECT_EQ(count_fields(headers, "authorization"), 1u);
  EXPECT_EQ(count_fields(headers, "Cookie"), 0u);
}

}  // namespace
}  // namespace mcph::http
