// A chunked request body (src/request_body.h): decoded whole, waited for while it is
// incomplete, refused when malformed or over the limit before its data arrives; decoded as it
// trickles in, resuming where it stopped, with the answers of one call on the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "request_body.h"

namespace mcph::http::detail {
namespace {

using State = ChunkedBody::State;

TEST(ChunkedBody, ChunksExtensionsAndTrailersAreReadToTheEmptyLine) {
  const std::string body = "4\r\nWiki\r\n7;name=\"v\"\r\npedia i\r\nB \r\nn chunks.\r\n\r\n0\r\nX-Trailer: 1\r\n\r\nGET /next";
  const ChunkedBody decoded = parse_chunked(body, 1024);
  ASSERT_EQ(decoded.state, State::complete);
  EXPECT_EQ(decoded.body, "Wikipedia in chunks.\r\n");
  EXPECT_EQ(body.substr(decoded.consumed), "GET /next") << "the next request stays unread";
}

TEST(ChunkedBody, AnIncompleteBodyIsWaitedForAtEveryCut) {
  const std::string body = "5\r\nhello\r\n0\r\n\r\n";
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    EXPECT_EQ(parse_chunked(body.substr(0, cut), 1024).state, State::incomplete) << cut;
  }
  EXPECT_EQ(parse_chunked(body, 1024).state, State::complete);
}

TEST(ChunkedBody, MalformedFramingIsRefused) {
  for (const std::string& body : std::vector<std::string>{"x\r\n", "5\r\nhelloX\r\n0\r\n\r\n", "-5\r\nhello\r\n", "5 x\r\nhello\r\n",
                                 "0\r\nno colon\r\n\r\n", "10000000000000000\r\n", "5\nhello\r\n",
                                 std::string(5000, '1')}) {
    EXPECT_EQ(parse_chunked(body, 1 << 20).state, State::malformed) << body.substr(0, 40);
  }
}

TEST(ChunkedBody, TheLimitHoldsOverAllChunksBeforeTheirDataArrives) {
  EXPECT_EQ(parse_chunked("400\r\n", 1024).state, State::incomplete) << "exactly the limit";
  EXPECT_EQ(parse_chunked("401\r\n", 1024).state, State::too_large);
  EXPECT_EQ(parse_chunked("200\r\n" + std::string(512, 'a') + "\r\n201\r\n", 1024).state, State::too_large);
  EXPECT_EQ(parse_chunked("fffffffffffffff\r\n", 1024).state, State::too_large);
}

// Bodies that cover every way a chunked body ends: whole (extensions, trailers, a request after
// it), malformed (a bad size, a missing CRLF, a line too long, a bad trailer), over the limit.
std::vector<std::string> chunked_cases() {
  return {"4\r\nWiki\r\n7;name=\"v\"\r\npedia i\r\nB \r\nn chunks.\r\n\r\n0\r\nX-Trailer: 1\r\n\r\nGET /next",
          "5\r\nhello\r\n0\r\n\r\n",
          "x\r\n",
          "5\r\nhelloX\r\n0\r\n\r\n",
          "5 x\r\nhello\r\n",
          "0\r\nno colon\r\n\r\n",
          "10000000000000000\r\n",
          "5\nhello\r\n",
          std::string(5000, '1'),
          "1;" + std::string(4200, 'e') + "\r\na\r\n0\r\n\r\n",
          "200\r\n" + std::string(512, 'a') + "\r\n201\r\n",
          "400\r\n" + std::string(1024, 'b') + "\r\n0\r\n\r\n",
          "fffffffffffffff\r\n"};
}

// A body that trickles in one byte at a time is answered, at every byte, what one call on the
// bytes so far answers: the same body, the same extent, the same refusals at the same byte.
TEST(ChunkedDecoder, OneByteAtATimeAnswersWhatOneCallAnswersAtEveryByte) {
  for (const std::string& body : chunked_cases()) {
    ChunkedDecoder decoder(1024);
    for (std::size_t size = 1; size <= body.size(); ++size) {
      const std::string_view so_far = std::string_view(body).substr(0, size);
      const ChunkedBody whole = parse_chunked(so_far, 1024);
      ASSERT_EQ(decoder.feed(so_far), whole.state) << body.substr(0, 40) << " at byte " << size;
      if (whole.state != State::incomplete) {
        EXPECT_EQ(decoder.consumed(), whole.consumed) << body.substr(0, 40);
        EXPECT_EQ(decoder.take_body(), whole.body) << body.substr(0, 40);
        break;
      }
    }
  }
}

// Resuming, never starting over: the bytes before where the decoder stopped are overwritten
// with bytes that are no chunked framing after each call, and the body still decodes. A
// decoder that parsed from the first byte again (time quadratic in a trickled body) reads them.
TEST(ChunkedDecoder, NeverReadsAgainTheBytesBeforeWhereItStopped) {
  const std::string sent = "4\r\nWiki\r\n7;name=\"v\"\r\npedia i\r\nB;" + std::string(100, 'e') + "\r\nn chunks.\r\n\r\n"
                           "0\r\nX-Trailer: 1\r\n\r\nGET /next";
  ChunkedDecoder decoder(1024);
  std::string arrived;
  State state = State::incomplete;
  for (const char byte : sent) {
    arrived += byte;
    state = decoder.feed(arrived);
    if (state != State::incomplete) break;
    std::fill_n(arrived.begin(), decoder.parsed(), 'Z');
  }
  ASSERT_EQ(state, State::complete);
  EXPECT_EQ(decoder.take_body(), "Wikipedia in chunks.\r\n");
  EXPECT_EQ(sent.substr(decoder.consumed()), "GET /next");
}

TEST(ChunkedDecoder, ChecksWithoutKeepingTheBodyWhenToldTo) {
  ChunkedDecoder checking(1024, false);
  EXPECT_EQ(checking.feed("5\r\nhello\r\n0\r\n\r\n"), State::complete);
  EXPECT_EQ(checking.consumed(), 15u);
  EXPECT_EQ(checking.take_body(), "");
  EXPECT_EQ(ChunkedDecoder(8, false).feed("5\r\nhello\r\n4\r\n"), State::too_large) << "counted all the same";
}

}  // namespace
}  // namespace mcph::http::detail
