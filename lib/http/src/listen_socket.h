#pragma once
// The server's listening socket.
#include <string>

namespace mcph::http::detail {

struct ListeningSocket {
  int fd = -1;
  int port = 0;  // the bound port (the kernel's choice for port 0)
};

// A TCP socket bound to host:port (a name or an address; port 0 for any free one) and listening
// with `backlog`. SO_REUSEADDR only, never SO_REUSEPORT: a second server must not be able to
// bind a port in use and silently share its traffic. Throws std::runtime_error with the reason.
ListeningSocket listen_on(const std::string& host, int port, int backlog);

}  // namespace mcph::http::detail
