// Gathering a request in the reactor (src/request_gathering.h): as its bytes arrive, one at a
// time or all at once, it is whole when one look at the same bytes says so, and the reactor may
// read the request and kMaxReadAheadBytes beyond it, no further.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "request_gathering.h"

namespace mcph::http::detail {
namespace {

constexpr std::size_t kMaxBody = 64;

std::vector<std::string> requests() {
  return {"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\n",
          "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\nGET /next",
          "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
          "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n",
          "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok",
          "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: magic\r\n\r\nok",
          "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n",
          "GET /a HTTP/1.1\nHost: x\n\nGET /b",
          "GET /a HTTP/1.1\r\nHost: x\r\nX-A: b\rc\r\n\r\n"};
}

TEST(RequestGathering, ByteByByteItAnswersWhatOneLookAtTheSameBytesAnswers) {
  for (const std::string& request : requests()) {
    RequestGathering gathering(kMaxBody);
    for (std::size_t size = 1; size <= request.size(); ++size) {
      const std::string_view so_far = std::string_view(request).substr(0, size);
      const Gathering once = gathering_state(so_far, kMaxBody);
      ASSERT_EQ(gathering.advance(so_far), once) << request.substr(0, 60) << " at byte " << size;
      if (once == Gathering::whole) break;
    }
  }
}

TEST(RequestGathering, AHeadOverItsLimitIsWholeToBeRefused) {
  RequestGathering gathering(kMaxBody);
  const std::string head = "GET /a HTTP/1.1\r\nX-Long: " + std::string(kMaxHeadBytes, 'a');
  EXPECT_EQ(gathering.advance(std::string_view(head).substr(0, kMaxHeadBytes)), Gathering::need_more);
  EXPECT_EQ(gathering.advance(head), Gathering::whole);
  EXPECT_EQ(gathering.read_limit(head.size()), head.size()) << "a refused request reads no further";
}

// The reactor reads up to read_limit: the request and kMaxReadAheadBytes beyond it, whatever
// more the client has sent; while the request's end is not known, kMaxReadAheadBytes past what
// it holds, all of which may still be the request's.
TEST(RequestGathering, TheConnectionReadsTheRequestAndTheReadAheadBeyondItNoFurther) {
  const std::string head = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n";
  RequestGathering sized(kMaxBody);
  EXPECT_EQ(sized.read_limit(0), kMaxReadAheadBytes) << "nothing known yet";
  EXPECT_EQ(sized.advance(head), Gathering::need_more);
  EXPECT_EQ(sized.read_limit(head.size()), head.size() + 40 + kMaxReadAheadBytes);
  const std::string pipelined = head + std::string(40, 'b') + std::string(3 * kMaxReadAheadBytes, 'n');
  EXPECT_EQ(sized.advance(pipelined), Gathering::whole);
  EXPECT_EQ(sized.read_limit(pipelined.size()), head.size() + 40 + kMaxReadAheadBytes);

  const std::string chunked_head = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  RequestGathering chunked(kMaxBody);
  const std::string first_chunk = chunked_head + "20\r\n" + std::string(32, 'c') + "\r\n";
  EXPECT_EQ(chunked.advance(first_chunk), Gathering::need_more);
  EXPECT_EQ(chunked.read_limit(first_chunk.size()), first_chunk.size() + kMaxReadAheadBytes);
  const std::string whole = first_chunk + "0\r\n\r\n";
  EXPECT_EQ(chunked.advance(whole + "GET /next"), Gathering::whole);
  EXPECT_EQ(chunked.read_limit(whole.size() + 9), whole.size() + kMaxReadAheadBytes);

  chunked.restart();
  EXPECT_EQ(chunked.advance("GET /next"), Gathering::need_more) << "the next request starts afresh";
}

}  // namespace
}  // namespace mcph::http::detail
