#include "mcph/http/server.h"
#include "mcph/http/url.h"

#include <nlohmann/json.hpp>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <regex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "connection_stream.h"
#include "listen_socket.h"
#include "mcph/proc/listen_line.h"
#include "mcph/sync/elapsed.h"
#include "reactor.h"
#include "request_body.h"
#include "request_head.h"
#include "response_wire.h"
#include "tls_context.h"

namespace mcph::http {
namespace {

// Requests on one kept-alive connection before it is closed.
constexpr std::size_t kMaxRequestsPerConnection = 10000;

using Clock = std::chrono::steady_clock;

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // a log that cannot be written loses the line, not the request
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

std::string default_message(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "request body too large";
    case 408: return "request timeout";
    case 414: return "request URI too long";
    case 417: return "expectation failed";
    case 431: return "request header fields too large";
    case 501: return "not implemented";
    case 505: return "HTTP version not supported";
    default: return "HTTP " + std::to_string(status);
  }
}

// A message may quote request bytes that are not UTF-8 (a path a handler names): replaced, so
// that rendering the error never throws.
void default_error_formatter(int status, std::string_view message, Response& response) {
  response.set_json(status, nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// RFC 9110 §9's methods, which every server parses; others only with extension_methods.
bool standard_method(std::string_view method) {
  for (const char* known : {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
    if (method == known) return true;
  }
  return false;
}

// "%2F" or "%2f" in a raw request path.
bool has_encoded_slash(std::string_view raw_path) {
  for (std::size_t at = raw_path.find('%'); at != std::string_view::npos && at + 2 < raw_path.size();
       at = raw_path.find('%', at + 1)) {
    if (raw_path[at + 1] == '2' && (raw_path[at + 2] == 'F' || raw_path[at + 2] == 'f')) return true;
  }
  return false;
}

// The methods a route may take besides the extension methods (HEAD goes to the GET routes).
bool routable_method(const std::string& method) {
  return method != "HEAD" && method != "CONNECT" && method != "TRACE" && standard_method(method);
}

}  // namespace

struct Route {
  std::string method;
  std::regex pattern;
  Handler handler;
};

struct Server::Impl {
  explicit Impl(ServerOptions opts) : options(std::move(opts)) {}

  ServerOptions options;
  std::vector<Route> routes;
  std::unique_ptr<detail::TlsServerContext> tls;  // outlives the reactor, which uses it
  std::unique_ptr<detail::Reactor> reactor;
  int port = 0;
  int listening = -1;  // bound by bind(), handed to the reactor by start()

  void render_error(int status, std::string_view message, Response& out) const {
    out = Response{};
    if (options.error_formatter) {
      options.error_formatter(status, message, out);
    } else {
      default_error_formatter(status, message, out);
    }
    out.status = status;
  }

  Response handle(Request& request) const {
    Response response;
    std::string allowed;
    for (const auto& route : routes) {
      std::smatch match;
      if (!std::regex_match(request.path, match, route.pattern)) continue;
      const bool head_as_get = request.method == "HEAD" && route.method == "GET";
      if (route.method != request.method && !head_as_get) {
        if (allowed.find(route.method) == std::string::npos) {
          allowed += allowed.empty() ? route.method : ", " + route.method;
        }
        continue;
      }
      for (std::size_t i = 1; i < match.size(); ++i) request.captures.push_back(match[i].str());
      try {
        route.handler(request, response);
      } catch (const HttpError& e) {
        render_error(e.status(), e.what(), response);
      } catch (const std::exception& e) {
        // The message goes to the service's own log only; the client gets a generic answer.
        std::fprintf(stderr, "[%s] error in %s %s: %s\n", options.name.c_str(),
                     request.method.c_str(), request.path.c_str(), e.what());
        render_error(500, "internal server error", response);
      }
      return response;
    }
    if (allowed.empty()) {
      render_error(404, "not found", response);
    } else {
      render_error(405, "method not allowed", response);
      response.set_header("Allow", allowed);
    }
    return response;
  }

  // The answer to a request that is not routed: the problem's status and reason in the service's
  // shape, and, on a 400, the headers the service adds to a request it cannot read.
  Response refusal(const detail::HeadProblem& problem) const {
    std::string message = default_message(problem.status);
    if (!problem.message.empty()) message += ": " + problem.message;
    Response response;
    render_error(problem.status, message, response);
    if (problem.status == 400 && options.malformed_request_headers) {
      for (auto& header : options.malformed_request_headers()) response.headers.push_back(std::move(header));
    }
    return response;
  }

  // The request of `head` (its fields moved into `request`) and its body, or why it cannot be
  // routed. Sets client_left when the client left mid-body (nothing to answer).
  std::optional<detail::HeadProblem> admit(detail::RequestHead& head, detail::ConnectionStream& stream,
                                           Request& request, bool& client_left) const {
    // An unknown method: 400 on a server without extension methods; with some, the 405 or 404
    // of routing.
    if (options.extension_methods.empty() && !standard_method(head.method)) {
      return detail::HeadProblem{400, "a method this server does not know"};
    }
    const std::string_view target = head.target;
    const std::size_t question = target.find('?');
    auto path = percent_decode(target.substr(0, question), false);
    if (!path || path->find('\0') != std::string::npos) {
      return detail::HeadProblem{400, "a malformed percent escape in the request path (RFC 3986 §2.1)"};
    }
    if (options.refuse_encoded_slash && has_encoded_slash(target.substr(0, question))) {
      return detail::HeadProblem{400, "an encoded slash (%2F) in the request path, which this server never routes as a separator"};
    }
    // RFC 9110 §10.1.1: 100-continue, answered before the body is read; no other expectation.
    if (const auto expect = find_field(head.fields, "Expect")) {
      if (!iequals(*expect, "100-continue")) return detail::HeadProblem{417, "only \"Expect: 100-continue\" is met"};
      // A length over the limit is not asked for: read_body answers it 413 without reading.
      if (head.content_length.value_or(0) <= options.max_body_bytes && head.minor_version >= 1 &&
          !stream.has_buffered_bytes()) {
        stream.send("HTTP/1.1 100 Continue\r\n\r\n");
      }
    }
    detail::BodyRead body = detail::read_body(stream, head, options.max_body_bytes);
    if (!body.complete) {
      client_left = !body.problem.has_value();
      return body.problem;
    }
    request.method = head.method;
    request.path = std::move(*path);
    request.body = std::move(body.body);
    request.remote_addr = stream.remote_ip();
    request.remote_port = stream.remote_port();
    if (const detail::TlsSession* tls = stream.tls()) {
      request.tls = true;
      request.client_certificate = tls->client_certificate();
    }
    request.headers = std::move(head.fields);
    // From the raw target, each pair split at its first '=', as Go's url.ParseQuery and Jira do.
    if (question != std::string_view::npos) request.query = parse_query(target.substr(question + 1));
    return std::nullopt;
  }

  // One request of the connection.
  detail::Served serve_request(detail::ConnectionStream& stream, bool close_connection) const {
    detail::Served served;
    const detail::ConnectionStream::HeadRead read = stream.read_head();
    if (read.outcome == detail::ConnectionStream::HeadRead::Outcome::nothing) return served;
    const auto start = Clock::now();
    detail::RequestHead head;
    std::optional<detail::HeadProblem> problem =
        read.outcome == detail::ConnectionStream::HeadRead::Outcome::refused ? std::optional(read.problem)
                                                                             : detail::parse_request_head(read.head, head);
    const bool client_keeps = head.keeps_connection();
    Request request;
    bool client_left = false;
    if (!problem) problem = admit(head, stream, request, client_left);
    if (client_left) return served;
    detail::AnswerFraming framing;
    framing.keep_alive_timeout = options.keep_alive_timeout;
    framing.keep_alive_max = kMaxRequestsPerConnection;
    framing.with_body = head.method != "HEAD";
    Response response;
    if (problem) {
      response = refusal(*problem);
      framing.close = true;  // what follows on the connection is not known to be a request
    } else {
      response = handle(request);
      served.client_closes = !client_keeps;
      framing.close = close_connection || served.client_closes;
    }
    if (response.stream) {
      // The head alone; the body is the stream's chunks (none for HEAD), and the connection
      // carries nothing else.
      const bool sent = stream.send(detail::wire_stream_head(response));
      served.keep = sent && framing.with_body;
      served.stream = std::move(response.stream);
      response.body.clear();
      log_access(head.method, request.path, response, start);
      return served;
    }
    const bool sent = stream.send(detail::wire_response(response, framing));
    // A client whose request was refused may still be sending it: what it sent is drained a
    // moment, so that it reads the answer instead of a reset. Not a late one's: what it sent so
    // far was taken in as it came, and a worker waits for no slow client.
    if (problem && sent && problem->status != 408) stream.linger();
    // A refused request is logged with its raw path when its request line was readable.
    log_access(head.method, problem ? head.target.substr(0, head.target.find('?')) : request.path, response, start);
    served.keep = sent && !problem;
    return served;
  }

  // A TLS connection closed before any request: one line, saying why (OpenSSL's reason or the
  // deadline), with the client's address, as the access log shows no request for it.
  void log_handshake_failure(const detail::ConnectionStream& stream, const std::string& why) const {
    if (!options.access_log) return;
    const std::string line = "[" + options.name + "] TLS handshake with " + stream.remote_ip() + ":" +
                              std::to_string(stream.remote_port()) + " failed: " + why + "\n";
    write_all(STDERR_FILENO, line.data(), line.size());
  }

  void log_access(const std::string& method, const std::string& path, const Response& response,
                  Clock::time_point start) const {
    if (!options.access_log) return;
    const double ms = sync::ms_since(start);
    // Path only: query strings, headers and bodies may carry tokens or passwords.
    constexpr const char* kFormat = "[%s] %s %s %d %zuB %.2fms\n";
    const char* shown_method = method.empty() ? "-" : method.c_str();
    const char* shown_path = path.empty() ? "-" : path.c_str();
    auto format = [&](char* into, std::size_t size) {
      return std::snprintf(into, size, kFormat, options.name.c_str(), shown_method, shown_path, response.status,
                           response.body.size(), ms);
    };
    // One write(2) a line, without stdio's lock on stderr, which the busy servers' workers
    // queued for (measured: 2.5 % of postgres-mcp's CPU at 256 connections in that wait). The
    // log is opened O_APPEND, so each line lands whole.
    char line[256];
    const int size = format(line, sizeof line);
    if (size < 0) return;
    if (static_cast<std::size_t>(size) < sizeof line) {
      write_all(STDERR_FILENO, line, static_cast<std::size_t>(size));
      return;
    }
    std::string longer(static_cast<std::size_t>(size) + 1, '\0');  // a long path
    format(longer.data(), longer.size());
    write_all(STDERR_FILENO, longer.data(), static_cast<std::size_t>(size));
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { stop(); }

void Server::route(std::string method, std::string pattern, Handler handler) {
  const auto& extensions = impl_->options.extension_methods;
  if (!routable_method(method) && std::find(extensions.begin(), extensions.end(), method) == extensions.end()) {
    throw std::invalid_argument(impl_->options.name + ": cannot route method " + method +
                                " (not in ServerOptions::extension_methods)");
  }
  impl_->routes.push_back(Route{std::move(method), std::regex(pattern, std::regex::ECMAScript),
                                std::move(handler)});
}

int Server::bind() {
  if (impl_->listening >= 0 || impl_->reactor) return impl_->port;
  // A client that hangs up mid-response must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  const auto& options = impl_->options;
  // Before the socket: a server whose certificate cannot be loaded never listens.
  if (options.tls && !impl_->tls) {
    try {
      impl_->tls = std::make_unique<detail::TlsServerContext>(*options.tls);
    } catch (const std::exception& e) {
      throw std::runtime_error(options.name + ": " + e.what());
    }
  }
  try {
    const detail::ListeningSocket bound = detail::listen_on(options.host, options.port, options.listen_backlog);
    impl_->port = bound.port;
    impl_->listening = bound.fd;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(options.name + ": " + e.what());
  }
  return impl_->port;
}

int Server::start() {
  bind();
  if (impl_->reactor) return impl_->port;
  const auto& options = impl_->options;
  detail::ReactorOptions reactor;
  reactor.workers = options.threads;
  reactor.runners = options.run_slots > 0 ? options.run_slots
                                          : std::max<std::size_t>(2, std::thread::hardware_concurrency());
  reactor.max_connections = options.max_connections;
  reactor.idle_timeout = options.keep_alive_timeout;
  reactor.read_timeout = options.read_timeout;
  reactor.write_timeout = options.read_timeout;
  reactor.head_timeout = options.header_timeout;
  reactor.max_requests_per_connection = kMaxRequestsPerConnection;
  reactor.max_body_bytes = options.max_body_bytes;
  reactor.gather_requests = options.gather_requests;
  const Impl* impl = impl_.get();
  reactor.tls = impl_->tls.get();
  reactor.on_handshake_failed = [impl](const detail::ConnectionStream& stream, const std::string& why) {
    impl->log_handshake_failure(stream, why);
  };
  impl_->reactor = std::make_unique<detail::Reactor>(
      std::exchange(impl_->listening, -1), reactor,
      [impl](detail::ConnectionStream& stream, bool close_connection) {
        return impl->serve_request(stream, close_connection);
      });
  impl_->reactor->start();
  return impl_->port;
}

void Server::stop() {
  if (!impl_) return;
  if (impl_->listening >= 0) ::close(std::exchange(impl_->listening, -1));  // bound, never served
  if (impl_->reactor) impl_->reactor->stop();
}

Response Server::dispatch(Request request) const { return impl_->handle(request); }

ServerStats Server::stats() const {
  ServerStats stats;
  if (impl_->reactor) stats.most_buffered_bytes = impl_->reactor->most_buffered_bytes();
  return stats;
}

int Server::port() const { return impl_->port; }

std::string Server::url() const {
  return (impl_->options.tls ? "https://" : "http://") + impl_->options.host + ":" + std::to_string(impl_->port);
}

int serve_until_signal(Server& server, const std::function<void()>& on_started) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Bound first, so that on_started knows the URL; served after, so that no handler runs before
  // what on_started set up (a client that connects meanwhile waits in the listen queue).
  server.bind();
  if (on_started) on_started();
  server.start();
  std::printf("%s\n", proc::listen_line(server.url()).c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return 0;
}

}  // namespace mcph::http
