// free_loopback_port: a port a program can bind next, never one from the range the kernel hands
// to outgoing connections (which could take it before the program binds it).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mcph/proc/free_port.h"

namespace mcph::proc {
namespace {

bool can_listen_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && ::listen(fd, 1) == 0;
  ::close(fd);
  return ok;
}

TEST(FreeLoopbackPort, IsOneAProgramCanListenOn) {
  for (int i = 0; i < 20; ++i) {
    const int port = free_loopback_port();
    EXPECT_GT(port, 1024);
    EXPECT_LE(port, 65535);
    EXPECT_TRUE(can_listen_on(port)) << port;
  }
}

TEST(FreeLoopbackPort, IsNeverOneTheKernelHandsToOutgoingConnections) {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  int high = 0;
  ASSERT_TRUE(in >> low >> high);
  const std::optional<PortRange> range = ports_outside_the_ephemeral_range();
  if (!range) GTEST_SKIP() << "the ephemeral range leaves no room: " << low << "-" << high;
  for (int i = 0; i < 200; ++i) {
    const int port = free_loopback_port();
    EXPECT_TRUE(port < low || port > high) << port << " is in the ephemeral range " << low << "-" << high;
    EXPECT_TRUE(port >= range->first && port <= range->last) << port;
  }
}

// A thousand independent picks from the ~22,000 ports below the usual ephemeral range would
// almost surely repeat one (the birthday bound); a program's ports must not.
TEST(FreeLoopbackPorts, AreNeverTheSameTwice) {
  const std::vector<int> ports = free_loopback_ports(1000);
  ASSERT_EQ(ports.size(), 1000U);
  EXPECT_EQ(std::set<int>(ports.begin(), ports.end()).size(), ports.size());
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(can_listen_on(ports[i])) << ports[i];
}

// A program that found a port taken is started again on new ones; any other failure is not, and
// neither is the one after the last attempt.
TEST(StartOnFreeLoopbackPorts, StartsAgainOnlyWhenAPortWasTaken) {
  std::vector<std::vector<int>> tried;
  const auto taken_once = [&](std::vector<int> ports) {
    tried.push_back(ports);
    if (tried.size() == 1) {
      throw ProcessError("nginx exited before GET / passed; last lines of nginx.log:\n"
                         "bind() to 127.0.0.1:" + std::to_string(ports[0]) + " failed (98: Address already in use)");
    }
    return ports[1];
  };
  const int second = start_on_free_loopback_ports(2, taken_once);
  ASSERT_EQ(tried.size(), 2U);
  EXPECT_EQ(second, tried[1][1]);
  EXPECT_NE(tried[0], tried[1]);  // new ports, not the same again

  int starts = 0;
  const auto other_failure = [&](const std::vector<int>&) -> int {
    ++starts;
    throw ProcessError("spire-server exited with status 1 before it was ready; last lines: bad config");
  };
  EXPECT_THROW(start_on_free_loopback_ports(4, other_failure), ProcessError);
  EXPECT_EQ(starts, 1);

  starts = 0;
  const auto always_taken = [&](const std::vector<int>&) -> int {
    ++starts;
    throw ProcessError("listen tcp 127.0.0.1:8080: bind: address already in use");
  };
  EXPECT_THROW(start_on_free_loopback_ports(1, always_taken, 3), ProcessError);
  EXPECT_EQ(starts, 3);
}

TEST(ListenOnLoopback, ListensOnThePortItSays) {
  const LoopbackListener listener = listen_on_loopback(4);
  ASSERT_GE(listener.fd, 0);
  EXPECT_FALSE(can_listen_on(listener.port)) << "the port is not held";
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(listener.port));
  EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const int accepted = ::accept(listener.fd, nullptr, nullptr);
  EXPECT_GE(accepted, 0);
  ::close(accepted);
  ::close(client);
  ::close(listener.fd);
}

TEST(SaysPortTaken, ReadsEachServersWording) {
  EXPECT_TRUE(says_port_taken("bind() to 127.0.0.1:5 failed (98: Address already in use)"));            // nginx
  EXPECT_TRUE(says_port_taken("could not bind IPv4 address \"127.0.0.1\": Address already in use"));    // PostgreSQL
  EXPECT_TRUE(says_port_taken("listen tcp 127.0.0.1:8081: bind: address already in use"));               // Go
  EXPECT_FALSE(says_port_taken("spire-server was not healthy within 60000 ms"));
}

}  // namespace
}  // namespace mcph::proc
