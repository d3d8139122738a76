#include "mcph/bench/socket_floor.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "mcph/http/url.h"
#include "raw_tcp.h"

namespace mcph::bench {
namespace {

constexpr std::size_t kMaxHealthAnswer = 64 * 1024;

}  // namespace

SocketFloor::SocketFloor(const Endpoint& endpoint) : parser_(kMaxHealthAnswer) {
  const http::Url url = http::parse_url(endpoint.url);
  if (url.scheme != "http") throw std::runtime_error("the socket floor speaks plain HTTP only, not " + url.origin());
  host_ = url.host;
  port_ = url.port;
  request_ = "GET /health HTTP/1.1\r\nHost: " + url.authority() + "\r\n\r\n";
  connect();
}

void SocketFloor::connect() {
  fd_ = harness::scenario::connect_raw(host_, port_);  // its sends bounded by 10 s
  const timeval limit{10, 0};                          // and every wait for the answer
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
}

SocketFloor::~SocketFloor() {
  if (fd_ >= 0) ::close(fd_);
}

std::string SocketFloor::operator()() {
  const auto failed = [&](const std::string& why) {
    ::close(fd_);
    fd_ = -1;
    return "GET /health over a socket: " + why;
  };
  if (fd_ < 0) return "GET /health over a socket: the connection failed before";
  if (::send(fd_, request_.data(), request_.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request_.size())) {
    return failed(std::string("the request was not sent whole (") + std::strerror(errno) + ")");
  }
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got == 0) return failed("the server closed the connection");
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return failed(std::string("no answer (") + std::strerror(errno) + ")");
    const auto state = parser_.feed(std::string_view(buffer, static_cast<std::size_t>(got)));
    if (state == harness::load::ResponseParser::State::error) return failed(parser_.error());
    if (state == harness::load::ResponseParser::State::complete) break;
  }
  const harness::load::ParsedResponse answer = parser_.take();
  if (answer.close) {
    ::close(std::exchange(fd_, -1));
    try {
      connect();
    } catch (const std::runtime_error& e) {
      return std::string("GET /health over a socket: ") + e.what();
    }
  }
  return answer.status == 200 ? "" : "GET /health answered HTTP " + std::to_string(answer.status);
}

}  // namespace mcph::bench
