#pragma once
// The floor without the project's HTTP client: a keep-alive GET /health of the same process over
// a plain socket, the request written whole in one send and the answer read with blocking recvs
// until the load driver's parser has it all. What the client adds to a floor is HealthFloor's
// time less this one's (tool_call_bench's BM_Floor).
#include <string>

#include "mcph/bench/mcp_servers.h"
#include "mcph/harness/load/response_parser.h"

namespace mcph::bench {

class SocketFloor {
 public:
  // Connects (plain HTTP only). Throws std::runtime_error when it cannot.
  explicit SocketFloor(const Endpoint& endpoint);
  ~SocketFloor();
  SocketFloor(const SocketFloor&) = delete;
  SocketFloor& operator=(const SocketFloor&) = delete;

  // Returns "" or why the request failed; a failure closes the connection for good. A server
  // that ends the connection after answering (its keep-alive's max) is connected to again.
  std::string operator()();

 private:
  void connect();

  std::string host_;
  int port_ = 0;
  int fd_ = -1;
  std::string request_;
  harness::load::ResponseParser parser_;
};

}  // namespace mcph::bench
