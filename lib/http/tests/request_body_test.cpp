// A chunked request body (src/request_body.h): decoded whole, waited for while it is
// incomplete, refused when malformed or over the limit before its data arrives.
#include <gtest/gtest.h>

#include <string>
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

}  // namespace
}  // namespace mcph::http::detail
