#pragma once
// A cpp-httplib server that also takes request methods beyond RFC 9110's, such as Vault's LIST.
//
// cpp-httplib (Debian's 0.11) checks the method of a request line against a fixed list and
// answers anything else with 400 before reading the headers, so no handler can ever see it.
// This server reads each connection itself: when a request line starts with a method cpp-httplib
// does not know (any HTTP token), cpp-httplib is handed the same request as GET, and the handler
// asks current_extension_method() for the method the client sent. A body such a request carries
// is not read (cpp-httplib reads none for GET), so the connection is closed after the answer,
// with `Connection: close`, rather than parsing that body as the next request. A request
// cpp-httplib cannot parse at all closes the connection after its 400.
#include <httplib.h>

#include <string>

namespace mcph::http {

class ExtensionMethodServer : public httplib::Server {
 public:
  // The extension method of the request being handled on the calling thread ("" for the
  // methods cpp-httplib knows). Valid from the handler up to the access log of that request.
  static const std::string& current_extension_method();

 private:
  // cpp-httplib's per-connection loop, with a stream that rewrites the request line.
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace mcph::http
