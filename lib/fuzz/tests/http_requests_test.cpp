#include "mcph/fuzz/http_requests.h"

#include <gtest/gtest.h>

#include "mcph/http/url.h"

namespace mcph::fuzz {
namespace {

TEST(ParseRequests, ReadsRequestLineQueryHeadersAndBody) {
  const auto requests = parse_requests(
      "POST /v1/a%2Fb?list=true&x=y%20z+w&flag\r\n"
      "X-Vault-Token:  root \r\n"
      "Content-Type: application/json\n"
      "\n"
      "{\"a\":\n1}",
      8);
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/v1/a/b");
  ASSERT_EQ(request.query.size(), 3u);
  EXPECT_EQ(request.query[1], (std::pair<std::string, std::string>{"x", "y z w"}));
  EXPECT_EQ(request.query[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(request.header("x-vault-token"), "root");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.body, "{\"a\":\n1}");
}

TEST(ParseRequests, SeveralRecordsAndTheLimit) {
  const std::string input = "GET /a\n~~~\nDELETE /b\n\nbody\n~~~\nPUT /c";
  const auto all = parse_requests(input, 8);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].method, "DELETE");
  EXPECT_EQ(all[1].body, "body");
  EXPECT_EQ(all[2].path, "/c");
  // The last record keeps the rest: "DELETE /b\n\nbody\n~~~\nPUT /c" is one request.
  const auto two = parse_requests(input, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].body, "body\n~~~\nPUT /c");
}

TEST(ParseRequests, SkipsWhatNoConnectionCouldDeliver) {
  EXPECT_TRUE(parse_requests("get /v1/secret", 4).empty()) << "methods are case-sensitive";
  EXPECT_TRUE(parse_requests("GET /a%zz", 4).empty()) << "the server refuses a path that does not decode";
  EXPECT_TRUE(parse_requests("GET /a%00b", 4).empty()) << "or decodes to a NUL";
  EXPECT_TRUE(parse_requests("GET relative", 4).empty());
  EXPECT_TRUE(parse_requests("GET", 4).empty());
  const auto requests = parse_requests("GET /x\nno colon here\n: empty name\nA: b\n", 4);
  ASSERT_EQ(requests.size(), 1u);
  ASSERT_EQ(requests[0].headers.size(), 1u);
  EXPECT_EQ(requests[0].headers[0].first, "A");
}

TEST(ParseRequests, ExtensionMethodsReachTheServersThatDeclareThem) {
  const auto requests = parse_requests("LIST /v1/secret/metadata/", 4);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "LIST") << "mock-vault's routes take Vault's list verb";
}

TEST(ParseRequests, TheQueryIsDecodedAsTheServerDecodesIt) {
  const auto requests = parse_requests("GET /a?k=%&j=%41", 4);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query, http::parse_query("k=%&j=%41"));
  EXPECT_EQ(requests[0].query, (http::Fields{{"j", "A"}})) << "a pair that does not decode is dropped";
}

}  // namespace
}  // namespace mcph::fuzz
