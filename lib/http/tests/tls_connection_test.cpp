// TLS connections as the server's reactor handles them: the handshake holds no worker while a
// client stalls it and has the request's deadline, plain HTTP on the TLS port is closed
// unanswered, the errors of plain HTTP are the same over TLS, and stop() with TLS connections
// open.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "raw_connection.h"
#include "tls_fixture.h"
#include "tls_raw_connection.h"

namespace mcph::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

bool never(const std::string&) { return false; }

// The first bytes of a TLS record holding a ClientHello of 256 bytes: the server waits for the rest.
const std::string kClientHelloStart("\x16\x03\x01\x01\x00\x01", 6);

TEST_F(TlsTest, PlainHttpOnTheTlsPortIsClosedUnansweredWithALogLine) {
  ServerOptions options = server_options();
  options.access_log = true;
  start(options);
  ::testing::internal::CaptureStderr();
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  raw.send_text("GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto begin = Clock::now();
  bool closed = false;
  const std::string received = raw.receive_until(never, 5s, &closed);
  const auto waited = Clock::now() - begin;
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(closed);
  EXPECT_LT(waited, 1s);
  EXPECT_THAT(received, Not(HasSubstr("HTTP/1.1")));
  EXPECT_THAT(log, HasSubstr("[tls] TLS handshake with 127.0.0.1:"));
  EXPECT_THAT(log, HasSubstr("failed: a plain HTTP request on the TLS port"));
}

TEST_F(TlsTest, StalledHandshakesHoldNoWorkerAndEndAtTheirDeadline) {
  ServerOptions options = server_options();
  options.threads = 2;
  options.run_slots = 2;
  options.header_timeout = 1500ms;
  options.access_log = true;
  start(options);
  ::testing::internal::CaptureStderr();
  // Four times as many stalled handshakes as workers: half never start, half stop mid-hello.
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 8; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(stalled.back()->connected());
    if (i % 2 == 0) stalled.back()->send_text(kClientHelloStart);
  }
  const auto begin = Clock::now();
  Client honest(server_->url(), client_options());
  EXPECT_EQ(honest.get("/who").status, 200);
  EXPECT_EQ(honest.get("/who").status, 200);
  EXPECT_LT(Clock::now() - begin, 1s);
  for (auto& connection : stalled) {
    bool closed = false;
    connection->receive_until(never, 5s, &closed);
    EXPECT_TRUE(closed) << "a stalled handshake outlived its deadline";
  }
  EXPECT_LT(Clock::now() - begin, 4s);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("failed: not done within 1500 ms of the connection"));
}

TEST_F(TlsTest, SameRefusalsAsPlainHttp) {
  ServerOptions options = server_options();
  options.header_timeout = 1000ms;
  options.max_body_bytes = 16;
  start(options);
  {
    TlsRawConnection malformed(server_->port(), ca_.certificate_file().string());
    ASSERT_TRUE(malformed.established());
    malformed.send_text("GET /who HTTP/1.1\r\nHost: x\r\nBad\rField: 1\r\n\r\n");
    EXPECT_THAT(malformed.receive_until_close(3s), StartsWith("HTTP/1.1 400 "));
  }
  {
    TlsRawConnection late(server_->port(), ca_.certificate_file().string());
    ASSERT_TRUE(late.established());
    late.send_text("GET /who HTTP/1.1\r\nHost: x\r\n");
    EXPECT_THAT(late.receive_until_close(4s), StartsWith("HTTP/1.1 408 "));
  }
  {
    TlsRawConnection large(server_->port(), ca_.certificate_file().string());
    ASSERT_TRUE(large.established());
    large.send_text("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + std::string(17, 'x'));
    EXPECT_THAT(large.receive_until_close(3s), StartsWith("HTTP/1.1 413 "));
  }
  {
    // Two requests sent at once on one connection are both answered, in turn.
    TlsRawConnection pipelined(server_->port(), ca_.certificate_file().string());
    ASSERT_TRUE(pipelined.established());
    pipelined.send_text("GET /who HTTP/1.1\r\nHost: x\r\n\r\nGET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string both = pipelined.receive_until_close(3s);
    EXPECT_EQ(both.find("HTTP/1.1 200 "), 0u);
    EXPECT_NE(both.find("HTTP/1.1 200 ", 1), std::string::npos);
  }
}

TEST_F(TlsTest, StopWithTlsConnectionsOpen) {
  start(server_options());
  Client kept(server_->url(), client_options());
  ASSERT_EQ(kept.get("/who").status, 200);  // its connection stays open, idle
  RawConnection mid_handshake(server_->port());
  ASSERT_TRUE(mid_handshake.connected());
  mid_handshake.send_text(kClientHelloStart);
  TlsRawConnection mid_request(server_->port(), ca_.certificate_file().string());
  ASSERT_TRUE(mid_request.established());
  ASSERT_TRUE(mid_request.send_text("GET /who HTTP/1.1\r\n"));
  const auto begin = Clock::now();
  server_->stop();
  EXPECT_LT(Clock::now() - begin, 2s);
  bool closed = false;
  mid_handshake.receive_until(never, 2s, &closed);
  EXPECT_TRUE(closed);
  closed = false;
  mid_request.receive_until_close(2s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_THROW(kept.get("/who"), TransportError);
}

}  // namespace
}  // namespace mcph::http
