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

TEST(RequestHead, PercentSignsInFieldValuesAreEscapedForTheParser) {
  EXPECT_EQ(keep_field_values_verbatim("GET /a%20b HTTP/1.1\r\nX-Text: a%0D%0Ab: 100%\r\nX%: y\r\n\r\n"),
            "GET /a%20b HTTP/1.1\r\nX-Text: a%250D%250Ab: 100%25\r\nX%: y\r\n\r\n")
      << "the request line and field names stay as they are";
}

}  // namespace
}  // namespace mcph::http::detail
