#include "mcph/http/server.h"
#include "mcph/http/url.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <regex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "connection_stream.h"
#include "mcph/proc/listen_line.h"
#include "reactor.h"

namespace mcph::http {
namespace {

// Set by serve() on an error response its handler left empty on purpose; never sent.
constexpr const char* kNoBodyMarker = "X-Mcph-No-Body";
// Requests on one kept-alive connection before it is closed (cpp-httplib's default of 5 makes
// clients reconnect on every fifth call).
constexpr std::size_t kMaxRequestsPerConnection = 10000;

using Clock = std::chrono::steady_clock;
// Set when a request starts being routed on this worker thread; read by the access log.
thread_local Clock::time_point t_request_start{};

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
    case 431: return "request header fields too large";
    case 501: return "not implemented";
    default: return "HTTP " + std::to_string(status);
  }
}

void default_error_formatter(int status, std::string_view message, Response& response) {
  response.set_json(status, nlohmann::json{{"error", message}}.dump());
}

bool declares_a_body(const httplib::Request& request) {
  if (request.has_header("Transfer-Encoding")) return true;
  const std::string length = request.get_header_value("Content-Length");
  if (length.empty()) return false;
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), value);
  const bool parsed = error == std::errc{} && end == length.data() + length.size();
  return !parsed || value > 0;  // an unreadable length: assume the worst
}

// cpp-httplib parses, routes and answers requests; its I/O model (a pool thread per open
// connection, a listen queue of 5) is replaced by the Reactor's. These are the two protected
// parts of httplib::Server that this needs.
class RoutingServer : public httplib::Server {
 public:
  explicit RoutingServer(bool extension_methods) : extension_methods_(extension_methods) {}

  // One request of the connection. Returns false when the connection cannot go on.
  bool serve_request(detail::ConnectionStream& stream, bool close_connection, bool& connection_closed) {
    bool parsed = false;
    stream.begin_request(extension_methods_);
    const bool ok = process_request(stream, close_connection, connection_closed, [&](httplib::Request& request) {
      parsed = true;
      // No length and not chunked: an empty body (RFC 9112 §6.3). cpp-httplib would read a
      // POST, PUT, PATCH or DELETE like that until the client closes (`curl -X POST` sends them).
      if (!request.has_header("Content-Length") && !request.has_header("Transfer-Encoding")) {
        request.set_header("Content-Length", "0");
      }
      // cpp-httplib reads no body for GET, which an extension method is to it: a body sent with
      // one would be read as the next request, so this one is the connection's last.
      if (!detail::current_extension_method().empty() && declares_a_body(request)) {
        connection_closed = true;
        request.headers.erase("Connection");
        request.set_header("Connection", "close");
      }
    });
    const bool sent = stream.end_response();
    // Unparsed (cpp-httplib answered 400 or 414 without reading the headers): what follows on
    // the connection is not a request.
    return ok && parsed && sent;
  }
  // The bound socket, which the caller owns from now on (httplib::Server never closes it).
  int take_listening_socket() { return svr_sock_.exchange(INVALID_SOCKET); }

 private:
  bool extension_methods_;
};

}  // namespace

struct Route {
  std::string method;
  std::regex pattern;
  Handler handler;
};

// The methods cpp-httplib routes itself (HEAD goes to the GET routes).
bool standard_method(const std::string& method) {
  for (const char* known : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return true;
  }
  return false;
}

// The method the client sent: cpp-httplib sees an extension method as GET.
const std::string& method_of(const httplib::Request& in) {
  const std::string& extension = detail::current_extension_method();
  return extension.empty() ? in.method : extension;
}

struct Server::Impl {
  explicit Impl(ServerOptions opts) : options(std::move(opts)), server(!options.extension_methods.empty()) {}

  ServerOptions options;
  RoutingServer server;
  std::vector<Route> routes;
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

  void serve(const httplib::Request& in, httplib::Response& out) const {
    Request request;
    request.method = method_of(in);
    request.path = in.path;
    request.body = in.body;
    request.remote_addr = in.remote_addr;
    request.headers.assign(in.headers.begin(), in.headers.end());
    // From the raw target, each pair split at its first '=', as Go's url.ParseQuery and Jira do:
    // httplib's params lose the rest of a value with another '=' in it (jql=assignee = bob).
    if (const auto question = in.target.find('?'); question != std::string::npos) {
      request.query = parse_query(std::string_view(in.target).substr(question + 1));
    }
    Response response = handle(request);
    out.status = response.status;
    for (auto& [name, value] : response.headers) out.set_header(name, value);
    if (!response.body.empty()) {
      out.set_content(response.body, response.content_type);
    } else if (response.status >= 400) {
      // An error the handler answers without a body on purpose (a bare bearer challenge): tell
      // the error handler below not to fill one in.
      out.set_header(kNoBodyMarker, "1");
    }
  }

  void log_access(const httplib::Request& in, const httplib::Response& out) const {
    if (!options.access_log) return;
    double ms = -1;
    if (t_request_start != Clock::time_point{}) {
      ms = std::chrono::duration<double, std::milli>(Clock::now() - t_request_start).count();
      t_request_start = {};
    }
    // Path only: query strings, headers and bodies may carry tokens or passwords.
    constexpr const char* kFormat = "[%s] %s %s %d %zuB %.2fms\n";
    const std::string method = method_of(in);
    auto format = [&](char* into, std::size_t size) {
      return std::snprintf(into, size, kFormat, options.name.c_str(), method.c_str(), in.path.c_str(), out.status,
                           out.body.size(), ms);
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

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  auto& server = impl_->server;
  Impl* impl = impl_.get();
  server.set_tcp_nodelay(true);
  server.set_payload_max_length(impl->options.max_body_bytes);
  // What the Keep-Alive response header announces; the Reactor enforces both.
  server.set_keep_alive_timeout(impl->options.keep_alive_timeout.count());
  server.set_keep_alive_max_count(kMaxRequestsPerConnection);

  // Every routed request passes here first: note its start for the access log.
  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_request_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // cpp-httplib's default adds SO_REUSEPORT, which would let a second server bind a port that
  // is in use and silently share its traffic; a busy port must be an error instead.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  auto serve = [impl](const httplib::Request& in, httplib::Response& out) { impl->serve(in, out); };
  server.Get(".*", serve);
  server.Post(".*", serve);
  server.Put(".*", serve);
  server.Patch(".*", serve);
  server.Delete(".*", serve);
  server.Options(".*", serve);
  // Errors cpp-httplib answers itself (413, malformed request line, …) get the service's shape.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [impl](const httplib::Request&, httplib::Response& out) {
    if (!out.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (out.has_header(kNoBodyMarker)) {
      out.headers.erase(kNoBodyMarker);
      return httplib::Server::HandlerResponse::Handled;
    }
    std::string message = default_message(out.status);
    if (out.status == 413) {
      message += " (limit " + std::to_string(impl->options.max_body_bytes) + " bytes)";
    }
    // A head the stream refused (request_head.h) or that came too late: its own status and reason.
    if (const auto& problem = detail::current_head_problem()) {
      out.status = problem->status;
      message = default_message(problem->status) + ": " + problem->message;
    }
    Response response;
    impl->render_error(out.status, message, response);
    if (out.status == 400 && impl->options.malformed_request_headers) {
      for (auto& header : impl->options.malformed_request_headers()) response.headers.push_back(std::move(header));
    }
    for (auto& [name, value] : response.headers) out.set_header(name, value);
    out.set_content(response.body, response.content_type);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_logger([impl](const httplib::Request& in, const httplib::Response& out) {
    impl->log_access(in, out);
  });
}

Server::~Server() { stop(); }

void Server::route(std::string method, std::string pattern, Handler handler) {
  const auto& extensions = impl_->options.extension_methods;
  if (!standard_method(method) && std::find(extensions.begin(), extensions.end(), method) == extensions.end()) {
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
  auto& options = impl_->options;
  int port = options.port == 0 ? impl_->server.bind_to_any_port(options.host)
                               : (impl_->server.bind_to_port(options.host, options.port) ? options.port : -1);
  const int listening = impl_->server.take_listening_socket();
  if (port <= 0) {
    if (listening >= 0) ::close(listening);
    throw std::runtime_error(options.name + ": cannot bind " + options.host + ":" +
                             std::to_string(options.port) + " (address in use or not local)");
  }
  // cpp-httplib listened with a queue of 5; listen() again on Linux sets the longer one.
  ::listen(listening, options.listen_backlog);
  impl_->port = port;
  impl_->listening = listening;
  return port;
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
  RoutingServer* routing = &impl_->server;
  impl_->reactor = std::make_unique<detail::Reactor>(
      std::exchange(impl_->listening, -1), reactor, [routing](detail::ConnectionStream& stream, bool close_connection, bool& connection_closed) {
        return routing->serve_request(stream, close_connection, connection_closed);
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

int Server::port() const { return impl_->port; }

std::string Server::url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
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
