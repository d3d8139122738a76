#pragma once
// An HTTP/1.1 server on loopback with the project's conventions: one machine-readable
// "listening" line, JSON errors, a body size limit (413), a deadline for each request's head
// (408), request heads parsed as RFC 9112 says and refused where it says so (400: a bare CR, LF
// or NUL, folded lines, conflicting lengths), bodies framed by length or chunked, one access-log
// line per request that never shows headers, query strings or bodies, TCP_NODELAY, and a clean
// stop.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/http/message.h"

namespace mcph::http {

using Handler = std::function<void(const Request&, Response&)>;
// Renders an error (status, message) into the response; each service chooses its own shape
// (Keycloak {"error":…}, Vault {"errors":[…]}). The default writes {"error":"<message>"}.
using ErrorFormatter = std::function<void(int status, std::string_view message, Response&)>;

// Whether a TLS server asks for client certificates and what it does with them. optional: a
// connection without one, or with one that does not verify, is served, and the handler reads
// why on Request::client_certificate; required: the handshake fails without a verified one.
enum class ClientVerification { none, optional, required };

struct TlsOptions {
  std::string certificate_chain_file;  // PEM: the server's certificate, then its intermediates
  std::string private_key_file;        // PEM
  // PEM: the CAs a client certificate must chain to; needed unless client_verification is none.
  std::string client_ca_file;
  ClientVerification client_verification = ClientVerification::none;
};

struct ServerOptions {
  std::string name = "http";          // service name used in log lines
  std::string host = "127.0.0.1";
  int port = 0;                       // 0 = any free port
  // A request's body at most (413 beyond). A connection holds at most the request it is
  // reading or serving (its head, its body, a chunked body's framing) and 64 KiB beyond it, the
  // start of the requests a client pipelines after it; the rest waits in the kernel's socket
  // buffer until a request has been served (back-pressure).
  std::size_t max_body_bytes = 1024 * 1024;
  // Worker threads: how many requests can be in progress at once. An open connection holds
  // none while it waits for its next request (the workers share one epoll set).
  std::size_t threads = 64;
  // Of those, how many serve requests at once; a worker beyond them takes over when a handler
  // gives its slot up to wait (mcph/http/run_slot.h). 0 = the machine's cores, at least 2.
  std::size_t run_slots = 0;
  // Open connections at most; beyond, new ones wait in the listen queue until one closes.
  std::size_t max_connections = 4096;
  // The listen queue (the kernel caps it at net.core.somaxconn). A short one (cpp-httplib's is 5)
  // drops the SYNs of a burst of new connections, which clients retry only after a second.
  int listen_backlog = 4096;
  // An idle keep-alive connection is closed after this. It costs no thread meanwhile, and
  // stop() closes idle connections at once.
  std::chrono::seconds keep_alive_timeout{60};
  std::chrono::seconds read_timeout{10};  // for each read and write of a request in progress
  // A request's head and body must arrive whole within this of its first bytes, however they
  // trickle in (else 408 and the connection is closed). Until then the request holds no worker
  // thread: they serve whole requests only, so slow clients cannot take them all.
  std::chrono::milliseconds header_timeout{10000};
  // UNSAFE when false, for the harness's sabotage tests: a worker takes a request at its first
  // bytes and waits for the rest, as servers without a reactor do, so that slow clients can
  // hold every worker.
  bool gather_requests = true;
  // Whether a percent-encoded slash (%2F) in a request path is refused with 400 rather than
  // decoded into a "/" before routing: a server behind a proxy that allows or denies by path
  // prefix must not route "/a%2Fb" as "/a/b", which the proxy saw as one segment. Go's and
  // Vault's servers decode it (the stand-ins keep that); the MCP servers refuse it.
  bool refuse_encoded_slash = false;
  bool access_log = true;             // to stderr
  ErrorFormatter error_formatter;     // empty = default JSON shape
  // Headers added to the 400 the server answers by itself to a request it cannot read (a header
  // line over the 8 KiB limit, a broken request line): e.g. the MCP servers' bearer challenge.
  std::function<Fields()> malformed_request_headers;
  // Request methods beyond RFC 9110's that the service routes (Vault's LIST). Without any, a
  // method outside RFC 9110 is refused with 400 before routing; with some given, these reach
  // their routes and any other unknown method gets the 405 of a method no route takes.
  std::vector<std::string> extension_methods;
  // HTTPS (TLS 1.2 or later) instead of HTTP. Each connection's handshake is done in the reactor
  // without waiting, as requests are gathered: a client that stalls it holds no worker, and it
  // must be done within header_timeout of the connection. A failed handshake is one log line
  // saying why; a plain HTTP request on the port is closed unanswered.
  std::optional<TlsOptions> tls;
};

// What a server has done, for tests and diagnostics.
struct ServerStats {
  // The most bytes one connection has held received and not yet used, at any moment since
  // start(): at most a request (see ServerOptions::max_body_bytes) and 64 KiB beyond it.
  std::size_t most_buffered_bytes = 0;
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // pattern is an ECMAScript regex matched against the whole path; its groups become
  // Request::captures. Methods: GET (also serves HEAD), POST, PUT, PATCH, DELETE, OPTIONS and
  // the options' extension_methods; any other throws std::invalid_argument (no request could
  // reach it).
  // A path that matches no route gets 404; one that matches under another method gets 405.
  void route(std::string method, std::string pattern, Handler handler);

  // Binds host:port and listens, serving nothing yet: clients wait in the listen queue. Returns
  // the bound port (port() and url() are valid from here). Idempotent.
  // Throws std::runtime_error when the address cannot be bound or TLS's files cannot be loaded.
  int bind();
  // Binds (unless bind() did) and serves on background threads. Returns the bound port.
  int start();
  void stop();  // idempotent; returns once the serving thread has ended

  // Routes one request in process as a connection's request is routed (the route's handler,
  // errors through the error formatter, 404/405), with no socket and no start() needed: the
  // fuzz targets drive the services' handlers through it.
  Response dispatch(Request request) const;

  int port() const;
  std::string url() const;  // http://host:port, or https://host:port with TLS
  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// For main(): blocks SIGTERM and SIGINT, starts the server, prints the listening line
// (mcph/proc/listen_line.h), waits
// for one of those signals, stops the server. Returns the process exit code (0).
// Call before starting any other thread so that every thread inherits the blocked signals.
// `on_started` runs once the port is bound and before any request is served (a client that
// connects meanwhile waits in the listen queue) or the listening line is printed: the place for
// set-up that needs the bound URL. The serving threads start after it, so what it writes is
// ordered before every handler.
int serve_until_signal(Server& server, const std::function<void()>& on_started = {});

}  // namespace mcph::http
