// The socket floor's own behaviour against a server of a few lines: one request written whole
// per floor, and a new connection when the server ends one after answering.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mcph/bench/socket_floor.h"
#include "mcph/proc/free_port.h"

namespace mcph::bench {
namespace {

// Accepts `connections` connections one after another on a loopback port and reads
// `per_connection` requests on each; it answers each (the last with Connection: close), or, when
// `answer` is false, closes the connection after reading the first without answering.
class TinyHealthServer {
 public:
  TinyHealthServer(int connections, int per_connection, bool answer = true) {
    const proc::LoopbackListener listener = proc::listen_on_loopback(4);
    listen_fd_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this, connections, per_connection, answer] {
      for (int c = 0; c < connections; ++c) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        for (int r = 1; r <= per_connection; ++r) {
          std::string request;
          char buffer[1024];
          while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
            if (got <= 0) break;
            request.append(buffer, static_cast<std::size_t>(got));
          }
          requests_.push_back(request);
          if (!answer) break;
          const std::string reply = std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: ") +
                                    (r == per_connection ? "close" : "keep-alive") + "\r\n\r\nok";
          ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
        }
        ::close(fd);
      }
    });
  }
  ~TinyHealthServer() { stop(); }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

  // Stops accepting, waits for the server's thread and returns the requests it read.
  std::vector<std::string> stop() {
    if (thread_.joinable()) {
      ::shutdown(listen_fd_, SHUT_RDWR);
      thread_.join();
      ::close(listen_fd_);
    }
    return requests_;
  }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::vector<std::string> requests_;
};

TEST(SocketFloor, SendsAHealthRequestAndReadsItsAnswerOnOneConnection) {
  TinyHealthServer server(1, 2);
  {
    SocketFloor floor(Endpoint{server.url()});
    EXPECT_EQ(floor(), "");
    EXPECT_EQ(floor(), "");
  }
  const std::string expected = "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n\r\n";
  EXPECT_EQ(server.stop(), (std::vector<std::string>{expected, expected}));
}

TEST(SocketFloor, ConnectsAgainWhenTheServerEndsTheConnectionAfterAnswering) {
  TinyHealthServer server(3, 2);  // three connections of two answers each
  SocketFloor floor(Endpoint{server.url()});
  for (int i = 0; i < 6; ++i) EXPECT_EQ(floor(), "") << "floor " << i;
  EXPECT_EQ(server.stop().size(), 6u);
}

TEST(SocketFloor, SaysWhyWhenTheServerHangsUpWithoutAnswering) {
  TinyHealthServer server(1, 1, false);
  SocketFloor floor(Endpoint{server.url()});
  EXPECT_EQ(floor(), "GET /health over a socket: the server closed the connection");
  EXPECT_EQ(floor(), "GET /health over a socket: the connection failed before");
}

TEST(SocketFloor, RefusesHttps) { EXPECT_THROW(SocketFloor(Endpoint{"https://127.0.0.1:1/mcp"}), std::runtime_error); }

}  // namespace
}  // namespace mcph::bench
