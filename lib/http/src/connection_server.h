#pragma once
// The cpp-httplib server of every lib/http Server: cpp-httplib parses and routes each request,
// but the connection is read by lib/http, which fixes two things cpp-httplib (Debian's 0.11)
// gets wrong for a server that stands in for another:
//
// - A request without Content-Length or Transfer-Encoding has an empty body (RFC 9112 §6.3);
//   cpp-httplib reads a POST, PUT, PATCH or DELETE like that until the client closes, which
//   ends in a 400 after the read timeout (`curl -X POST` sends such requests).
// - With extension methods on, a request line whose method cpp-httplib does not know (Vault's
//   LIST, any HTTP token) reaches the routes: cpp-httplib is handed the same request as GET, and
//   the handler asks current_extension_method() for the method the client sent. A body such a
//   request carries is not read (cpp-httplib reads none for GET), so the connection is closed
//   after the answer, with `Connection: close`, rather than parsing that body as the next
//   request. Without them, cpp-httplib answers such a method with 400 as before.
//
// A request cpp-httplib cannot parse at all closes the connection after its 400, and a stopping
// server does not wait for a quiet client's read timeout.
#include <httplib.h>

#include <string>

namespace mcph::http {

class ConnectionServer : public httplib::Server {
 public:
  explicit ConnectionServer(bool extension_methods) : extension_methods_(extension_methods) {}

  // The extension method of the request being handled on the calling thread ("" for the
  // methods cpp-httplib knows). Valid from the handler up to the access log of that request.
  static const std::string& current_extension_method();

 private:
  // cpp-httplib's per-connection loop, with lib/http's stream.
  bool process_and_close_socket(socket_t sock) override;

  bool extension_methods_;
};

}  // namespace mcph::http
