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

}  // namespace
}  // namespace mcph::proc
