// Every toxic against real sockets on loopback. Timing is asserted only where the toxic is
// about time, and only as a generous bound (latency adds at least N ms), never as a speed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/harness/faults/fault_proxy.h"
#include "tcp_fixtures.h"

namespace mcph::harness::faults {
namespace {

using namespace testing;
using Mode = Upstream::Mode;

class ToxicsTest : public ::testing::Test {
 protected:
  // A proxy named "p" to `upstream`, returning its listen address.
  std::string proxy_to(const Upstream& upstream) { return proxies_.create("p", "127.0.0.1:0", upstream.address()).listen; }
  void add(ToxicAttributes attributes, Stream stream = Stream::downstream, double toxicity = 1.0) {
    proxies_.add_toxic("p", Toxic{"", attributes, stream, toxicity, std::nullopt});
  }
  FaultProxy proxies_;
};

TEST_F(ToxicsTest, WithoutToxicsBytesGoBothWaysUnchanged) {
  Upstream echo(Mode::echo);
  Client client(proxy_to(echo));
  ASSERT_TRUE(client.connected());
  const std::string message(100000, 'x');
  ASSERT_TRUE(client.send_text(message));
  std::string answer;
  EXPECT_EQ(client.receive(answer, message.size(), 5s), End::data);
  EXPECT_EQ(answer, message);
}

TEST_F(ToxicsTest, LatencyHoldsEachPieceDownstream) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(Latency{300, 0});
  Client client(address);
  const auto start = Clock::now();
  client.send_text("ping");
  std::string answer;
  ASSERT_EQ(client.receive(answer, 4, 5s), End::data);
  EXPECT_EQ(answer, "ping");
  EXPECT_GE(ms_since(start), 290);
}

TEST_F(ToxicsTest, LatencyWithJitterStaysWithinItsRangeAndUpstreamCounts) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(Latency{200, 100}, Stream::upstream);  // 100..300 ms on the way to the server
  Client client(address);
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    client.send_text("x");
    std::string answer;
    ASSERT_EQ(client.receive(answer, 1, 5s), End::data);
    EXPECT_GE(ms_since(start), 95);
  }
}

TEST_F(ToxicsTest, BandwidthLimitsTheRate) {
  Upstream blob(Mode::blob_then_close, std::string(60 * 1024, 'b'));
  const std::string address = proxy_to(blob);
  add(Bandwidth{100});  // 100 KB/s: 60 KB take 0.6 s
  Client client(address);
  const auto start = Clock::now();
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 10s), End::closed);
  EXPECT_EQ(received.size(), 60u * 1024);
  EXPECT_GE(ms_since(start), 500);
}

TEST_F(ToxicsTest, SlicerCutsDataIntoSmallDelayedPieces) {
  Upstream blob(Mode::blob_then_close, std::string(100, 's'));
  const std::string address = proxy_to(blob);
  add(Slicer{10, 5, 5000});  // 5..14 bytes, 5 ms apart
  Client client(address);
  std::string received;
  int reads = 0;
  const auto start = Clock::now();
  ASSERT_EQ(client.receive(received, 100, 10s, &reads), End::data);
  EXPECT_EQ(received, std::string(100, 's'));
  EXPECT_GE(reads, 5);
  EXPECT_GE(ms_since(start), 25);  // at least 7 pieces, 6 pauses of 5 ms
}

TEST_F(ToxicsTest, TimeoutDropsDataThenClosesTheConnection) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(Timeout{300});
  Client client(address);
  const auto start = Clock::now();
  client.send_text("anyone?");
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 5s), End::closed);
  EXPECT_EQ(received, "");
  EXPECT_GE(ms_since(start), 250);
}

TEST_F(ToxicsTest, TimeoutZeroDropsDataAndNeverCloses) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(Timeout{0});
  Client client(address);
  client.send_text("anyone?");
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 600ms), End::timeout);
  EXPECT_EQ(received, "");
}

TEST_F(ToxicsTest, ResetPeerResetsTheConnectionAfterItsTimeout) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(ResetPeer{200}, Stream::upstream);
  Client client(address);
  const auto start = Clock::now();
  client.send_text("hello");
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 5s), End::reset);
  EXPECT_GE(ms_since(start), 150);
}

TEST_F(ToxicsTest, ResetPeerWithoutTimeoutResetsAtOnce) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(ResetPeer{0}, Stream::upstream);
  Client client(address);
  client.send_text("hello");
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 5s), End::reset);
}

TEST_F(ToxicsTest, SlowCloseDelaysTheCloseNotTheData) {
  Upstream blob(Mode::blob_then_close, "the answer");
  const std::string address = proxy_to(blob);
  add(SlowClose{400});
  Client client(address);
  const auto start = Clock::now();
  std::string received;
  ASSERT_EQ(client.receive(received, 10, 5s), End::data);
  EXPECT_EQ(received, "the answer");
  EXPECT_EQ(client.receive_to_end(received, 5s), End::closed);
  EXPECT_GE(ms_since(start), 350);
}

TEST_F(ToxicsTest, LimitDataClosesAfterThatManyBytes) {
  Upstream blob(Mode::blob_then_close, std::string(1000, 'd'));
  const std::string address = proxy_to(blob);
  add(LimitData{100});
  Client client(address);
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 5s), End::closed);
  EXPECT_EQ(received, std::string(100, 'd'));
}

TEST_F(ToxicsTest, DownRefusesNewConnectionsClosesOpenOnesAndComesBack) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  Client open(address);
  open.send_text("a");
  std::string received;
  ASSERT_EQ(open.receive(received, 1, 5s), End::data);
  proxies_.update("p", std::nullopt, std::nullopt, false);
  EXPECT_EQ(open.receive_to_end(received, 5s), End::closed);
  Client refused(address);
  EXPECT_FALSE(refused.connected());
  EXPECT_EQ(refused.connect_errno(), ECONNREFUSED);
  EXPECT_EQ(proxies_.update("p", std::nullopt, std::nullopt, true).listen, address);  // the same port again
  Client back(address);
  back.send_text("b");
  std::string again;
  EXPECT_EQ(back.receive(again, 1, 5s), End::data);
}

TEST_F(ToxicsTest, AToxicityOfZeroNeverApplies) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(Timeout{0}, Stream::downstream, 0.0);
  Client client(address);
  client.send_text("through");
  std::string received;
  EXPECT_EQ(client.receive(received, 7, 5s), End::data);
}

TEST_F(ToxicsTest, RemovingAToxicLetsTheDataItHoldsGoOn) {
  Upstream echo(Mode::echo);
  const std::string address = proxy_to(echo);
  add(Latency{5000, 0});
  Client client(address);
  const auto start = Clock::now();
  client.send_text("held");
  std::this_thread::sleep_for(200ms);
  proxies_.remove_toxic("p", "latency_downstream");
  std::string received;
  ASSERT_EQ(client.receive(received, 4, 5s), End::data);
  EXPECT_LT(ms_since(start), 4000);
}

TEST_F(ToxicsTest, ToxicsChainInTheOrderAdded) {
  Upstream blob(Mode::blob_then_close, std::string(1000, 'c'));
  const std::string address = proxy_to(blob);
  add(LimitData{300});
  proxies_.add_toxic("p", Toxic{"late", Latency{200, 0}, Stream::downstream, 1.0, std::nullopt});
  Client client(address);
  const auto start = Clock::now();
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 5s), End::closed);
  EXPECT_EQ(received.size(), 300u);
  EXPECT_GE(ms_since(start), 190);
}

TEST_F(ToxicsTest, AnUnreachableUpstreamClosesTheClient) {
  int port = 0;
  {
    Upstream gone(Mode::echo);
    port = std::stoi(gone.address().substr(10));
  }
  Client client(proxies_.create("p", "127.0.0.1:0", "127.0.0.1:" + std::to_string(port)).listen);
  ASSERT_TRUE(client.connected());
  std::string received;
  EXPECT_EQ(client.receive_to_end(received, 5s), End::closed);
}

}  // namespace
}  // namespace mcph::harness::faults
