#include "mcph/harness/load/response_parser.h"

#include <gtest/gtest.h>

namespace mcph::harness::load {
namespace {

using State = ResponseParser::State;

TEST(ResponseParser, ContentLengthBodyArrivingInPieces) {
  ResponseParser parser;
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":[1,2]}";
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
    ASSERT_EQ(parser.feed(wire.substr(i, 1)), State::incomplete) << "byte " << i;
  }
  ASSERT_EQ(parser.feed(wire.substr(wire.size() - 1)), State::complete);
  const ParsedResponse response = parser.take();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"a\":[1,2]}");
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_FALSE(response.close);
}

TEST(ResponseParser, TwoResponsesInOneReadAreTakenOneAfterTheOther) {
  ResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            State::complete);
  EXPECT_EQ(parser.take().status, 202);
  ASSERT_EQ(parser.feed(""), State::complete);
  const ParsedResponse second = parser.take();
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "ok");
}

TEST(ResponseParser, ChunkedBodyWithExtensionsAndTrailers) {
  ResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5;name=x\r\nhello\r\n"
                        "7\r\n, world\r\n"),
            State::incomplete);
  ASSERT_EQ(parser.feed("0\r\nX-Trailer: 1\r\n"), State::incomplete);
  ASSERT_EQ(parser.feed("\r\n"), State::complete);
  EXPECT_EQ(parser.take().body, "hello, world");
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  ResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx"),
            State::complete);
  EXPECT_EQ(parser.take().status, 201);
}

TEST(ResponseParser, NoFramingMeansTheBodyEndsWithTheConnection) {
  ResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.0 200 OK\r\n\r\npart one, "), State::incomplete);
  ASSERT_EQ(parser.feed("part two"), State::incomplete);
  ASSERT_EQ(parser.finish(), State::complete);
  const ParsedResponse response = parser.take();
  EXPECT_EQ(response.body, "part one, part two");
  EXPECT_TRUE(response.close);  // HTTP/1.0 without keep-alive
}

TEST(ResponseParser, NoBodyForHeadAnd204) {
  ResponseParser head;
  head.expect_no_body();
  ASSERT_EQ(head.feed("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"), State::complete);
  EXPECT_EQ(head.take().body, "");
  ResponseParser no_content;
  ASSERT_EQ(no_content.feed("HTTP/1.1 204 No Content\r\n\r\n"), State::complete);
}

TEST(ResponseParser, ConnectionCloseIsReported) {
  ResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 503 Unavailable\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n"),
            State::complete);
  EXPECT_TRUE(parser.take().close);
}

TEST(ResponseParser, MalformedInputIsAnErrorWithAReason) {
  for (const std::string wire : {"HTTP/2 200\r\n\r\n", "HTTP/1.1 20x OK\r\n\r\n", "HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
                                 "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc"}) {
    ResponseParser parser;
    EXPECT_EQ(parser.feed(wire), State::error) << wire;
    EXPECT_FALSE(parser.error().empty());
  }
}

TEST(ResponseParser, OversizedHeadOrBodyIsRefusedNotBuffered) {
  ResponseParser parser(1024);
  EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n"), State::error);
  EXPECT_EQ(parser.error(), "response body over the limit");
  ResponseParser chunked(1024);
  EXPECT_EQ(chunked.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n"), State::error);
  ResponseParser head;
  EXPECT_EQ(head.feed("HTTP/1.1 200 OK\r\nX: " + std::string(70 * 1024, 'a')), State::error);
}

TEST(ResponseParser, ConnectionClosedMidResponseIsAnError) {
  ResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), State::incomplete);
  EXPECT_EQ(parser.finish(), State::error);
  EXPECT_EQ(parser.error(), "connection closed in the middle of a response");
}

}  // namespace
}  // namespace mcph::harness::load
