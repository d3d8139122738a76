// A connection holds the request it serves and at most kMaxReadAheadBytes beyond it
// (src/request_gathering.h): a client that pipelines large requests faster than they are served
// has the rest wait in the kernel's socket buffers, and every request is still answered, in
// order (ServerStats::most_buffered_bytes shows what a connection held).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcph/http/server.h"
#include "mcph/text/count.h"
#include "raw_connection.h"
#include "request_gathering.h"

namespace mcph::http {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kBody = 256 * 1024;
constexpr int kRequests = 32;  // 8 MiB: more than loopback's socket buffers take while nothing reads

std::string pipelined(int i) {
  return "POST /sum HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kBody) +
         (i + 1 == kRequests ? "\r\nConnection: close" : "") + "\r\n\r\n" +
         std::string(kBody, static_cast<char>('a' + i % 26));
}

// What the client's sends have met: the kernel's buffers full (a send would have waited), or
// the end of what it had to send.
class SendProgress {
 public:
  void mark(bool& flag) {
    {
      std::lock_guard lock(mutex_);
      flag = true;
    }
    changed_.notify_all();
  }
  void mark_full() { mark(full_); }
  void mark_done() { mark(done_); }
  bool was_full() {
    std::lock_guard lock(mutex_);
    return full_;
  }
  // The wait is bounded only so that a broken server fails the test instead of hanging it.
  void wait_full_or_done() {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 30s, [this] { return full_ || done_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool full_ = false;
  bool done_ = false;
};

// Sends all of `bytes` without letting a send wait: when the kernel takes no more, says so,
// then waits until it takes more.
void send_all(int fd, const std::string& bytes, SendProgress& progress) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      progress.mark_full();
      pollfd writable{fd, POLLOUT, 0};
      if (::poll(&writable, 1, 30000) <= 0) break;
    } else if (!(n < 0 && errno == EINTR)) {
      break;
    }
  }
  progress.mark_done();
}

// The first request's handler waits until the client has filled the kernel's buffers, so that
// the server is behind its client from then on: before it had a bound, a connection read all
// the kernel held after each request (megabytes).
TEST(ReadAhead, PipelinedLargeBodiesAreHeldNoFurtherThanTheReadAheadBeyondTheRequestServed) {
  ServerOptions options;
  options.access_log = false;
  options.max_body_bytes = kBody;
  Server server(options);
  SendProgress progress;
  std::atomic<bool> first{true};
  server.route("POST", "/sum", [&](const Request& req, Response& res) {
    if (first.exchange(false)) progress.wait_full_or_done();
    res.body = std::string(1, req.body.front()) + std::to_string(req.body.size()) + ";";
  });
  server.start();

  std::string requests;
  std::vector<std::string> expected;
  for (int i = 0; i < kRequests; ++i) {
    requests += pipelined(i);
    expected.push_back(std::string(1, static_cast<char>('a' + i % 26)) + std::to_string(kBody) + ";");
  }
  RawConnection client(server.port());
  ASSERT_TRUE(client.connected());
  std::thread sender([&] { send_all(client.fd(), requests, progress); });
  bool closed = false;
  const std::string replies = client.receive_until([](const std::string&) { return false; }, 60s, &closed);
  sender.join();

  ASSERT_TRUE(progress.was_full()) << "the kernel took all " << requests.size() << " bytes at once: nothing waited";
  EXPECT_TRUE(closed);
  EXPECT_EQ(text::count_of(replies, "HTTP/1.1 200 OK"), static_cast<std::size_t>(kRequests));
  std::size_t at = 0;
  for (const std::string& answer : expected) {
    at = replies.find("\r\n\r\n" + answer, at);
    ASSERT_NE(at, std::string::npos) << answer << ": each answer is its own request's, in order";
  }
  const std::size_t request_bytes = pipelined(0).size();
  const std::size_t held = server.stats().most_buffered_bytes;
  EXPECT_GE(held, request_bytes) << "a whole request was held";
  EXPECT_LE(held, request_bytes + detail::kMaxReadAheadBytes);
}

}  // namespace
}  // namespace mcph::http
