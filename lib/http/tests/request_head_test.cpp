// The request-head check (src/request_head.h): what RFC 9112 says a server must refuse, refused
// with the right status, and ordinary heads let through.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "request_head.h"

namespace mcph::http::detail {
namespace {

using ::testing::HasSubstr;

std::string head(const std::string& fields) { return "POST /mcp HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n"; }

std::optional<HeadProblem> head_problem(std::string_view text) {
  RequestHead ignored;
  return parse_request_head(text, ignored);
}

int status_of(const std::string& text) {
  const auto problem = head_problem(text);
  return problem ? problem->status : 0;
}

TEST(RequestHead, ItsEndIsTheFirstEmptyLine) {
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\nHost: x\r\n"), std::string::npos);
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), 27u);
  EXPECT_EQ(head_end("GET / HTTP/1.1\nHost: x\n\nbody"), 24u);
}

TEST(RequestHead, OrdinaryHeadsPass) {
  EXPECT_EQ(head_problem(head("")), std::nullopt);
  EXPECT_EQ(head_problem(head("Content-Type: application/json\r\nContent-Length: 42\r\nX-Empty:\r\n")), std::nullopt);
  EXPECT_EQ(head_problem(head("Transfer-Encoding: chunked\r\n")), std::nullopt);
  EXPECT_EQ(head_problem(head("Content-Length: 5\r\ncontent-length: 5\r\n")), std::nullopt) << "the same length twice";
  EXPECT_EQ(head_problem(head("Authorization: Bearer a.b.c\r\nX-Text: a \"quoted\" %0d%0a value\t\r\n")), std::nullopt);
}

TEST(RequestHead, CrLfOrNulInsideAValueIsRefused) {
  EXPECT_EQ(status_of(head("X-Note: a\rAuthorization: Bearer x\r\n")), 400);
  EXPECT_EQ(status_of(head("X-Note: a\nAuthorization: Bearer x\r\n")), 400);
  EXPECT_EQ(status_of(head(std::string("X-Note: a\0b\r\n", 13))), 400);
  EXPECT_EQ(status_of("GET /\r HTTP/1.1\r\nHost: x\r\n\r\n"), 400) << "in the request line too";
  EXPECT_THAT(head_problem(head("X-Note: a\rb\r\n"))->message, HasSubstr("bare CR"));
}

TEST(RequestHead, FoldedLinesAndMalformedFieldNamesAreRefused) {
  EXPECT_EQ(status_of(head("X-Note: a\r\n Authorization: Bearer x\r\n")), 400);
  EXPECT_EQ(status_of(head("X-Note: a\r\n\tb\r\n")), 400);
  EXPECT_EQ(status_of(head("Content-Length : 5\r\n")), 400) << "whitespace before the colon (RFC 9112 §5.1)";
  EXPECT_EQ(status_of(head("no colon here\r\n")), 400);
  EXPECT_EQ(status_of(head(": no name\r\n")), 400);
}

TEST(RequestHead, AmbiguousFramingIsRefused) {
  EXPECT_EQ(status_of(head("Content-Length: 5\r\nContent-Length: 50\r\n")), 400);
  EXPECT_EQ(status_of(head("Content-Length: 5, 5\r\n")), 400);
  EXPECT_EQ(status_of(head("Content-Length: -1\r\n")), 400);
  EXPECT_EQ(status_of(head("Content-Length: 99999999999999999999\r\n")), 400);
  EXPECT_EQ(status_of(head("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")), 400);
  EXPECT_EQ(status_of(head("Transfer-Encoding: gzip, chunked\r\n")), 501);
  EXPECT_EQ(status_of(head("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")), 501);
}

TEST(RequestHead, AnHttp11RequestNamesExactlyOneWellFormedHost) {
  const auto problem = head_problem("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 400);
  EXPECT_THAT(problem->message, HasSubstr("without a Host header"));
  EXPECT_EQ(status_of("GET / HTTP/1.0\r\n\r\n"), 0) << "HTTP/1.0 has no Host requirement";
  EXPECT_EQ(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"), 400) << "but never two";
  EXPECT_THAT(head_problem(head("host: x\r\n"))->message, HasSubstr("more than one Host"));
  for (const char* value : {"127.0.0.1:8080", "[::1]:80", "localhost", "my-host.example", ""}) {
    EXPECT_EQ(status_of(std::string("GET / HTTP/1.1\r\nHost: ") + value + "\r\n\r\n"), 0) << value;
  }
  for (const char* value : {"a b", "a/b", "user@host", "a\"b", "h\x80st"}) {
    EXPECT_EQ(status_of(std::string("GET / HTTP/1.1\r\nHost: ") + value + "\r\n\r\n"), 400) << value;
  }
}

TEST(RequestHead, ItsPartsAreReadAsSent) {
  RequestHead parsed;
  ASSERT_EQ(parse_request_head("PUT /v1/a%20b?x=1 HTTP/1.0\r\nX-Text:  a%0D%0Ab \t\r\nContent-Length: 12\r\nX-Empty:\r\n\r\n", parsed),
            std::nullopt);
  EXPECT_EQ(parsed.method, "PUT");
  EXPECT_EQ(parsed.target, "/v1/a%20b?x=1");
  EXPECT_EQ(parsed.minor_version, 0);
  EXPECT_EQ(parsed.fields, (Fields{{"X-Text", "a%0D%0Ab"}, {"Content-Length", "12"}, {"X-Empty", ""}}))
      << "values without their surrounding whitespace, never percent-decoded";
  EXPECT_EQ(parsed.content_length, 12u);
  EXPECT_FALSE(parsed.chunked);
  ASSERT_EQ(parse_request_head(head("Transfer-Encoding: Chunked\r\n"), parsed), std::nullopt);
  EXPECT_TRUE(parsed.chunked);
  EXPECT_EQ(parsed.content_length, std::nullopt);
}

TEST(RequestHead, MalformedRequestLinesAndVersionsAreRefused) {
  for (const char* line : {"GET /\r\n", "GET  / HTTP/1.1\r\n", "GET / HTTP/1.1 \r\n", "GET / http/1.1\r\n",
                           "GET / HTTP/1.10\r\n", "G@T / HTTP/1.1\r\n", " GET / HTTP/1.1\r\n", "GET /a\tb HTTP/1.1\r\n",
                           "GET /\x7f HTTP/1.1\r\n"}) {
    EXPECT_EQ(status_of(std::string(line) + "Host: x\r\n\r\n"), 400) << line;
  }
  EXPECT_EQ(status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
  EXPECT_EQ(status_of("GET /" + std::string(kMaxTargetBytes, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  EXPECT_EQ(status_of(head("X-Long: " + std::string(kMaxFieldLineBytes, 'a') + "\r\n")), 400);
  RequestHead parsed;
  ASSERT_TRUE(parse_request_head("LIST /x HTTP/3.0\r\n\r\n", parsed));
  EXPECT_EQ(parsed.method, "LIST") << "what was read before the problem, for the log";
}

TEST(RequestHead, TheConnectionIsKeptAsTheVersionAndConnectionFieldSay) {
  auto keeps = [](const std::string& version, const std::string& fields) {
    RequestHead parsed;
    EXPECT_EQ(parse_request_head("GET / " + version + "\r\nHost: x\r\n" + fields + "\r\n", parsed), std::nullopt);
    return parsed.keeps_connection();
  };
  EXPECT_TRUE(keeps("HTTP/1.1", ""));
  EXPECT_FALSE(keeps("HTTP/1.1", "Connection: Close\r\n"));
  EXPECT_FALSE(keeps("HTTP/1.1", "Connection: upgrade, close\r\n"));
  EXPECT_FALSE(keeps("HTTP/1.0", ""));
  EXPECT_TRUE(keeps("HTTP/1.0", "Connection: Keep-Alive\r\n"));
  EXPECT_FALSE(keeps("HTTP/1.0", "Connection: keep-alive\r\nConnection: close\r\n"));
}

}  // namespace
}  // namespace mcph::http::detail
