#include "mcph/harness/load/load_driver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <queue>
#include <stdexcept>

#include "mcph/http/url.h"
#include "mcph/mcp/modern_message.h"
#include "mcph/mcp/protocol.h"
#include "mcph/mcp/sse.h"
#include "mcph/harness/load/response_parser.h"
#include "mcph/sync/elapsed.h"
#include "call_failure.h"
#include "load_connection.h"
#include "sse_load.h"

namespace mcph::harness::load {
namespace {

using Json = nlohmann::json;
using sync::ms_between;

class Driver {
 public:
  explicit Driver(const LoadOptions& options) : options_(options) {
    if (options_.authorizations.empty()) throw std::invalid_argument("load: no connections (authorizations is empty)");
    if (!options_.next_call) throw std::invalid_argument("load: next_call is not set");
    // One socket a connection, each answer on the socket its request went on: the HTTP+SSE
    // transport, which answers on a second, long-lived stream, is sse_load's.
    const http::Url url = http::parse_url(options_.endpoint_url);
    if (url.scheme != "http") throw std::invalid_argument("load: only http:// endpoints, not " + options_.endpoint_url);
    path_ = url.path;
    host_header_ = url.authority();
    address_.sin_family = AF_INET;
    address_.sin_port = htons(static_cast<std::uint16_t>(url.port));
    const std::string host = url.host == "localhost" ? "127.0.0.1" : url.host;
    if (::inet_pton(AF_INET, host.c_str(), &address_.sin_addr) != 1) {
      throw std::invalid_argument("load: the endpoint's host must be an IPv4 address, not " + url.host);
    }
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw std::runtime_error(std::string("load: epoll_create1: ") + std::strerror(errno));
  }

  ~Driver() {
    for (auto& connection : connections_) close_socket(connection);
    if (epoll_ >= 0) ::close(epoll_);
  }

  LoadReport run() {
    const std::size_t count = options_.authorizations.size();
    report_.connections = count;
    connections_.resize(count);
    start_ = Clock::now();
    stop_starting_at_ = start_ + options_.time_limit;
    for (std::size_t i = 0; i < count; ++i) {
      connections_[i].index = i;
      connections_[i].authorization = options_.authorizations[i];
      open(connections_[i]);
    }
    std::vector<epoll_event> events(256);
    while (active_ > 0) {
      const int timeout_ms = next_timeout_ms();
      const int ready = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
      if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("load: epoll_wait: ") + std::strerror(errno));
      for (int i = 0; i < std::max(ready, 0); ++i) {
        Connection& connection = connections_[events[i].data.u64];
        if (connection.fd < 0) continue;
        handle(connection, events[i].events);
      }
      on_timers();
    }
    last_answer_ = std::max(last_answer_, start_);
    report_.elapsed_s = std::chrono::duration<double>(last_answer_ - start_).count();
    std::sort(report_.latencies_ms.begin(), report_.latencies_ms.end());
    std::sort(report_.setup_latencies_ms.begin(), report_.setup_latencies_ms.end());
    return std::move(report_);
  }

 private:
  // ---- connections ------------------------------------------------------------------------

  void open(Connection& connection) {
    connection.phase = Phase::connecting;
    connection.set_up = false;
    connection.sessions.clear();
    connection.has_pending = false;
    connection.parser = ResponseParser(kMaxResponseBytes);
    connection.setup_start = Clock::now();
    connection.deadline = connection.setup_start + options_.call_timeout;
    ++active_;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      setup_failed(connection, std::string("socket: ") + std::strerror(errno));
      return;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connection.fd = fd;
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = connection.index;
    connection.watching_write = true;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address_), sizeof address_) == 0) {
      connected(connection);
    } else if (errno != EINPROGRESS) {
      setup_failed(connection, std::string("connect: ") + std::strerror(errno));
    }
  }

  void close_socket(Connection& connection) {
    if (connection.fd < 0) return;
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, connection.fd, nullptr);
    ::close(connection.fd);
    connection.fd = -1;
  }

  // The connection is finished with: no more calls on it.
  void retire(Connection& connection) {
    close_socket(connection);
    if (connection.phase != Phase::done) {
      connection.phase = Phase::done;
      --active_;
      if (!enough_) {
        report_.unfinished += options_.calls_per_connection - std::min(options_.calls_per_connection, connection.calls_done);
      }
    }
  }

  void setup_failed(Connection& connection, const std::string& why) {
    ++report_.setups_failed;
    report_.note_error("setup: " + why);
    retire(connection);
  }

  bool streamable() const { return options_.transport == mcp::Transport::streamable_http; }
  // Streamable HTTP of the legacy era: each user's calls go in a session of its own.
  bool in_sessions() const { return streamable() && options_.era != mcp::Era::modern; }
  bool modern() const { return streamable() && options_.era == mcp::Era::modern; }

  void connected(Connection& connection) {
    if (in_sessions()) {
      begin_session(connection, connection.authorization);
    } else {
      setup_done(connection);
    }
  }

  // initialize for the user of `authorization` on this connection; notifications/initialized
  // follows when it is answered.
  void begin_session(Connection& connection, const std::string& authorization) {
    connection.phase = Phase::initializing;
    connection.active = authorization;
    connection.call_headers.clear();
    connection.session_start = Clock::now();
    connection.session_answers = 0;
    connection.session_status = 0;
    connection.session_retry_after.clear();
    connection.deadline = connection.session_start + options_.call_timeout;
    const Json initialize = {{"jsonrpc", "2.0"},
                             {"id", connection.rpc_id++},
                             {"method", "initialize"},
                             {"params",
                              {{"protocolVersion", mcp::latest_protocol_version()},
                               {"capabilities", Json::object()},
                               {"clientInfo", {{"name", "mcph-load"}, {"version", "0.1.0"}}}}}};
    send(connection, initialize.dump());
  }

  void session_finished(Connection& connection, bool ok) {
    if (!options_.on_session) return;
    SessionRecord record;
    record.connection = connection.index;
    record.authorization = connection.active;
    record.sent = connection.session_start;
    record.answered = Clock::now();
    record.requests = connection.session_answers;
    record.ok = ok;
    record.last_status = connection.session_status;
    record.last_retry_after = connection.session_retry_after;
    options_.on_session(record);
  }

  // The session is ready: the connection's first (its setup is done) or a call's.
  void session_ready(Connection& connection) {
    session_finished(connection, true);
    if (!connection.set_up) {
      setup_done(connection);
      return;
    }
    note_setup(ms_between(connection.session_start, Clock::now()));
    connection.has_pending = false;
    send_call(connection, connection.pending);
  }

  // A call's session could not be set up: the call fails without being sent; the connection
  // goes on (or is replaced when the failure was its transport's).
  void session_failed(Connection& connection, const std::string& why) {
    session_finished(connection, false);
    ++report_.setups_failed;
    connection.has_pending = false;
    CallRecord record;
    record.connection = connection.index;
    record.index = connection.calls_done;
    record.tag = connection.pending.tag;
    record.sent = connection.session_start;
    record.answered = Clock::now();
    record.latency_ms = ms_between(record.sent, record.answered);
    record.error = "no session: " + why;
    finish_call(connection, record, record.answered);
    start_call(connection);
  }

  void note_setup(double ms) {
    report_.setup_latencies_ms.push_back(ms);
    if (ms > static_cast<double>(options_.slow_threshold.count())) ++report_.slow_setups;
  }

  void setup_done(Connection& connection) {
    const auto now = Clock::now();
    note_setup(ms_between(connection.setup_start, now));
    connection.set_up = true;
    connection.phase = Phase::ready;
    connection.next_due = now;
    connection.deadline = Clock::time_point::max();
    start_call(connection);
  }

  // ---- requests ---------------------------------------------------------------------------

  void send(Connection& connection, const std::string& body) {
    std::string& out = connection.out;
    out.clear();
    out.reserve(body.size() + 512);
    out += "POST " + path_ + " HTTP/1.1\r\nHost: " + host_header_ + "\r\n";
    out += "Authorization: " + connection.active + "\r\n";
    out += "Content-Type: application/json\r\n";
    for (const auto& [name, value] : connection.call_headers) out += name + ": " + value + "\r\n";
    if (streamable()) {
      out += "Accept: application/json, text/event-stream\r\n";
      if (const auto session = connection.sessions.find(connection.active); session != connection.sessions.end()) {
        out += std::string(mcp::kSessionIdHeader) + ": " + session->second.id + "\r\n";
        if (!session->second.protocol_version.empty()) {
          out += std::string(mcp::kProtocolVersionHeader) + ": " + session->second.protocol_version + "\r\n";
        }
      }
    } else {
      out += "Accept: application/json\r\n";
    }
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    out += body;
    connection.out_offset = 0;
    connection.request_start = Clock::now();
    if (connection.phase == Phase::in_call) connection.deadline = connection.request_start + options_.call_timeout;
    flush(connection);
  }

  void start_call(Connection& connection) {
    if (!enough_ && options_.enough && options_.enough()) enough_ = true;
    if (enough_ || connection.calls_done >= options_.calls_per_connection || Clock::now() >= stop_starting_at_) {
      retire(connection);
      return;
    }
    if (connection.fd < 0) {  // the server closed it between calls: set up a new one
      --active_;
      open(connection);
      return;
    }
    const auto now = Clock::now();
    if (connection.next_due > now) {
      timers_.push({connection.next_due, connection.index});
      return;
    }
    ToolCall call = options_.next_call(connection.index, connection.calls_done);
    if (call.authorization.empty()) call.authorization = connection.authorization;
    if (in_sessions() && !connection.sessions.count(call.authorization)) {
      connection.pending = std::move(call);
      connection.has_pending = true;
      begin_session(connection, connection.pending.authorization);
      return;
    }
    send_call(connection, call);
  }

  void send_call(Connection& connection, const ToolCall& call) {
    connection.phase = Phase::in_call;
    connection.active = call.authorization;
    connection.call_headers = call.headers;
    connection.call_tag = call.tag;
    std::string body = R"({"jsonrpc":"2.0","id":)" + std::to_string(connection.rpc_id++) +
                       R"(,"method":"tools/call","params":{"name":)" + Json(call.tool).dump() +
                       R"(,"arguments":)" + (call.arguments_json.empty() ? "{}" : call.arguments_json) + "}}";
    if (modern()) body = as_modern_request(std::move(body), connection.call_headers);
    send(connection, body);
  }

  // A tools/call of the legacy era's form as the modern era's client sends it: its _meta added,
  // the standard headers before the call's own. Arguments that are not JSON go as they are, for
  // the server to refuse.
  std::string as_modern_request(std::string body, http::Fields& headers) const {
    Json message = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) return body;
    message = mcp::with_modern_meta(std::move(message), client_.modern_protocol_version, client_);
    http::Fields standard = mcp::modern_headers(message, client_.modern_protocol_version);
    headers.insert(headers.begin(), standard.begin(), standard.end());
    return message.dump();
  }

  void flush(Connection& connection) {
    while (connection.out_offset < connection.out.size()) {
      const ssize_t n = ::send(connection.fd, connection.out.data() + connection.out_offset,
                               connection.out.size() - connection.out_offset, MSG_NOSIGNAL);
      if (n > 0) {
        connection.out_offset += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      failed(connection, std::string("send: ") + std::strerror(errno));
      return;
    }
    watch(connection, connection.out_offset < connection.out.size());
  }

  void watch(Connection& connection, bool write) {
    if (connection.fd < 0 || connection.watching_write == write) return;
    epoll_event event{};
    event.events = EPOLLIN | (write ? EPOLLOUT : 0u);
    event.data.u64 = connection.index;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, connection.fd, &event);
    connection.watching_write = write;
  }

  // ---- events -----------------------------------------------------------------------------

  void handle(Connection& connection, std::uint32_t events) {
    if (connection.phase == Phase::connecting) {
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0) {
        setup_failed(connection, std::string("connect: ") + std::strerror(error));
        return;
      }
      if (events & (EPOLLOUT | EPOLLIN)) {
        watch(connection, false);
        connected(connection);
      }
      return;
    }
    if ((events & EPOLLOUT) && connection.fd >= 0) flush(connection);
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && connection.fd >= 0) receive(connection);
  }

  void receive(Connection& connection) {
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::recv(connection.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        if (connection.phase == Phase::ready) {
          failed(connection, "the server sent bytes nobody asked for");
          return;
        }
        const auto state = connection.parser.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
        if (state == ResponseParser::State::error) {
          failed(connection, connection.parser.error());
          return;
        }
        if (state == ResponseParser::State::complete) {
          answered(connection, connection.parser.take());
          if (connection.fd < 0) return;
        }
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n < 0 && errno == EINTR) continue;
      // The server closed the connection (n == 0) or reset it.
      if (connection.phase == Phase::ready) {  // between calls: the next call reconnects
        close_socket(connection);
        timers_.push({Clock::now(), connection.index});
        return;
      }
      if (n == 0 && connection.parser.finish() == ResponseParser::State::complete) {
        ParsedResponse response = connection.parser.take();
        response.close = true;
        answered(connection, std::move(response));
        return;
      }
      failed(connection, n == 0 ? "connection closed by the server" : std::string("recv: ") + std::strerror(errno));
      return;
    }
  }

  // One of a session's set-up requests was answered (a rate limit counts it like any other).
  static void session_answer(Connection& connection, const ParsedResponse& response) {
    ++connection.session_answers;
    connection.session_status = response.status;
    connection.session_retry_after = response.header("Retry-After");
  }

  void answered(Connection& connection, ParsedResponse response) {
    const auto now = Clock::now();
    switch (connection.phase) {
      case Phase::initializing: {
        session_answer(connection, response);
        if (response.close) {
          setup_step_failed(connection, "the server closes the connection after initialize", true);
          return;
        }
        const std::string session_id = response.header(std::string(mcp::kSessionIdHeader));
        const Json json = Json::parse(response.body, nullptr, false);
        if (response.status != 200 || session_id.empty() || !json.is_object() || !json.contains("result")) {
          setup_step_failed(connection, "initialize answered HTTP " + std::to_string(response.status), false);
          return;
        }
        connection.sessions[connection.active] =
            Session{session_id, json["result"].value("protocolVersion", mcp::latest_protocol_version())};
        connection.phase = Phase::notifying;
        send(connection, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
        return;
      }
      case Phase::notifying:
        session_answer(connection, response);
        if (response.close) {
          setup_step_failed(connection, "the server closes the connection after notifications/initialized", true);
          return;
        }
        if (response.status < 200 || response.status >= 300) {
          setup_step_failed(connection, "notifications/initialized answered HTTP " + std::to_string(response.status),
                            false);
          return;
        }
        session_ready(connection);
        return;
      case Phase::in_call: {
        CallRecord record;
        record.connection = connection.index;
        record.index = connection.calls_done;
        record.tag = connection.call_tag;
        record.sent = connection.request_start;
        record.answered = now;
        record.latency_ms = ms_between(connection.request_start, now);
        record.http_status = response.status;
        record.retry_after = response.header("Retry-After");
        record.error = call_failure(response);
        record.ok = record.error.empty();
        if (options_.on_call) record.body = std::move(response.body);
        finish_call(connection, record, now);
        if (response.close) close_socket(connection);
        start_call(connection);
        return;
      }
      default:
        return;
    }
  }

  void finish_call(Connection& connection, CallRecord& record, Clock::time_point now) {
    report_.count(record, record.http_status != 0, options_.slow_threshold);
    last_answer_ = now;
    if (options_.on_call) options_.on_call(record);
    ++connection.calls_done;
    connection.phase = Phase::ready;
    connection.deadline = Clock::time_point::max();
    connection.next_due = now + options_.interval;
  }

  // A step of a session's setup failed: the connection's first session ends the connection
  // (setup_failed); a call's session fails that call. `broken`: the connection cannot go on.
  void setup_step_failed(Connection& connection, const std::string& why, bool broken) {
    if (!connection.set_up) {
      session_finished(connection, false);
      setup_failed(connection, why);
      return;
    }
    connection.sessions.erase(connection.active);
    if (broken) close_socket(connection);
    connection.phase = Phase::ready;
    connection.deadline = Clock::time_point::max();
    session_failed(connection, why);
  }

  // A transport failure: the call in flight (if any) fails and the connection is replaced.
  void failed(Connection& connection, const std::string& why) {
    if (connection.phase == Phase::initializing || connection.phase == Phase::notifying) {
      setup_step_failed(connection, why, true);
      return;
    }
    if (connection.phase == Phase::connecting) {
      setup_failed(connection, why);
      return;
    }
    close_socket(connection);
    if (connection.phase == Phase::ready) timers_.push({Clock::now(), connection.index});
    if (connection.phase == Phase::in_call) {
      CallRecord record;
      record.connection = connection.index;
      record.index = connection.calls_done;
      record.tag = connection.call_tag;
      record.sent = connection.request_start;
      record.answered = Clock::now();
      record.latency_ms = ms_between(record.sent, record.answered);
      record.error = why;
      finish_call(connection, record, record.answered);
      start_call(connection);
    }
  }

  // ---- time -------------------------------------------------------------------------------

  int next_timeout_ms() const {
    // Wake at least every 50 ms to check call deadlines; sooner for a paced call that is due.
    auto wake = Clock::now() + std::chrono::milliseconds(50);
    if (!timers_.empty()) wake = std::min(wake, timers_.top().due);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(wait, 0, 50));
  }

  void on_timers() {
    const auto now = Clock::now();
    while (!timers_.empty() && timers_.top().due <= now) {
      Connection& connection = connections_[timers_.top().connection];
      timers_.pop();
      if (connection.phase == Phase::ready) start_call(connection);
    }
    if (now < next_deadline_check_) return;
    next_deadline_check_ = now + std::chrono::milliseconds(50);
    for (auto& connection : connections_) {
      if (connection.phase == Phase::done || connection.deadline > now) continue;
      failed(connection, "no answer within " + std::to_string(options_.call_timeout.count()) + " ms");
    }
  }

  struct Timer {
    Clock::time_point due;
    std::size_t connection;
    bool operator>(const Timer& other) const { return due > other.due; }
  };

  const LoadOptions& options_;
  const mcp::ClientOptions client_{};  // the modern era's version and the client's name, as lib/mcp's client sends them
  std::string path_;
  std::string host_header_;
  sockaddr_in address_{};
  int epoll_ = -1;
  std::vector<Connection> connections_;
  std::size_t active_ = 0;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  Clock::time_point start_{};
  Clock::time_point stop_starting_at_{};
  bool enough_ = false;  // options_.enough said so: no call starts any more
  Clock::time_point last_answer_{};
  Clock::time_point next_deadline_check_{};
  LoadReport report_;
};

}  // namespace

LoadReport run_load(const LoadOptions& options) {
  if (options.transport == mcp::Transport::sse) {
    if (options.authorizations.empty()) throw std::invalid_argument("load: no connections (authorizations is empty)");
    if (!options.next_call) throw std::invalid_argument("load: next_call is not set");
    return run_sse_load(options);
  }
  Driver driver(options);
  return driver.run();
}

}  // namespace mcph::harness::load
