#pragma once
// An HTTP client with connect/read timeouts, keep-alive and TCP_NODELAY. One Client holds one
// connection: use one per thread. https:// URLs speak TLS (1.2 or later), trusting only the CA
// file given (never the system's store) and checking that the server's certificate names the
// URL's host; a client certificate is presented when given.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mcph/http/message.h"
#include "mcph/http/trace_context.h"

namespace mcph::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds read_timeout{10000};
  bool keep_alive = true;
  // TLS, for https:// URLs (ignored for http://). ca_file: the PEM certificates trusted to sign
  // the server's certificate; required for https. client_certificate_file (a PEM chain, leaf
  // first) and client_key_file (PEM): both or neither.
  std::string ca_file;
  std::string client_certificate_file;
  std::string client_key_file;
};

struct ClientResponse {
  int status = 0;
  std::string body;
  Fields headers;
  std::string header(std::string_view name) const { return find_field(headers, name).value_or(""); }
};

// A transport failure (refused, timed out, reset, a TLS failure): no HTTP response at all. The
// message names the method and URL without its query string, and the cause; for TLS, what
// failed: "the server's certificate is not trusted (…)", "the server's certificate does not
// name <host>", "the TLS handshake failed (…)", "the server refused the client certificate
// (…)", with OpenSSL's reason and never a key.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Client {
 public:
  // base_url: scheme://host:port[/prefix]; request paths are appended to the prefix.
  // Throws std::invalid_argument for an https URL without options.ca_file, for only one of the
  // client certificate and key, or for a client certificate or key that cannot be loaded.
  explicit Client(std::string_view base_url, ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  ClientResponse request(std::string_view method, std::string_view path,
                         const Fields& headers = {}, std::string_view body = {},
                         std::string_view content_type = {});
  ClientResponse get(std::string_view path, const Fields& headers = {}) {
    return request("GET", path, headers);
  }
  ClientResponse post(std::string_view path, std::string_view body, std::string_view content_type,
                      const Fields& headers = {}) {
    return request("POST", path, headers, body, content_type);
  }

  // GET `path` with an answer read as it arrives (a text/event-stream): a 2xx answer's body
  // goes to on_bytes piece by piece until the server ends it, on_bytes returns false or stop()
  // is called; any other answer's body is read whole into the response. Returns the status and
  // headers (and that body). The read timeout bounds each wait for the next bytes. Throws
  // TransportError as request() does, except when on_bytes or stop() ended the stream.
  ClientResponse stream(std::string_view path, const Fields& headers,
                        const std::function<bool(std::string_view)>& on_bytes);
  // From another thread: ends a stream() in progress (its connection is shut down).
  void stop();

  const std::string& base_url() const;
  // Whether a kept-alive connection is held for the next request (the server may still have
  // closed it since, when the request goes on a new one).
  bool holds_connection() const;
  // Every request from now on continues `trace` (W3C Trace Context): a traceparent of its
  // trace-id with a new parent-id each, and its tracestate; a request given a traceparent of its
  // own keeps that one. nullopt: no trace headers any more.
  void continue_trace(std::optional<TraceContext> trace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::http
