// Gathering a request in the reactor (src/request_gathering.h): as its bytes arrive, one at a
// time or all at once, it is whole when one look at the same bytes says so.
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
}

}  // namespace
}  // namespace mcph::http::detail
