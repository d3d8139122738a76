#include "sse_load.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "call_failure.h"
#include "mcph/http/client.h"
#include "mcph/sync/elapsed.h"

namespace mcph::harness::load {
namespace {

using sync::ms_between;

// The GET of the stream, initialize and notifications/initialized: what a user's limiter counts.
constexpr int kSessionRequests = 3;

class SseLoad {
 public:
  explicit SseLoad(const LoadOptions& options) : options_(options) {}

  LoadReport run() {
    report_.connections = options_.authorizations.size();
    start_ = Clock::now();
    last_answer_ = start_;
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < options_.authorizations.size(); ++c) threads.emplace_back([this, c] { connection(c); });
    for (auto& thread : threads) thread.join();
    report_.elapsed_s = std::chrono::duration<double>(last_answer_ - start_).count();
    std::sort(report_.latencies_ms.begin(), report_.latencies_ms.end());
    std::sort(report_.setup_latencies_ms.begin(), report_.setup_latencies_ms.end());
    return std::move(report_);
  }

 private:
  using Sessions = std::map<std::string, std::unique_ptr<mcp::Client>>;  // by Authorization value

  // One connection's calls, each on its user's own stream (opened at the user's first call).
  void connection(std::size_t c) {
    Sessions sessions;
    const std::string& own = options_.authorizations[c];
    const auto setup_start = Clock::now();
    if (!open(c, own, sessions).empty()) {
      const std::lock_guard hold(lock_);
      if (!enough_) report_.unfinished += options_.calls_per_connection;
      return;
    }
    note_setup(setup_start);
    for (std::size_t index = 0; index < options_.calls_per_connection; ++index) {
      if (!may_start(index)) return;
      ToolCall call = next_call(c, index);
      const std::string user = call.authorization.empty() ? own : call.authorization;
      CallRecord record;
      record.connection = c;
      record.index = index;
      record.tag = call.tag;
      if (!sessions.count(user)) {
        const auto started = Clock::now();
        if (const std::string refusal = open(c, user, sessions); !refusal.empty()) {
          record.sent = started;
          record.answered = Clock::now();
          record.latency_ms = ms_between(record.sent, record.answered);
          record.error = "no session: " + refusal;
          finish(record, false);
          wait_interval();
          continue;
        }
        note_setup(started);
      }
      call_on(*sessions[user], call, record);
      if (record.http_status == 0) sessions.erase(user);  // its stream failed: the next call opens another
      finish(record, record.http_status != 0);
      wait_interval();
    }
  }

  // A stream for `authorization`, initialized, kept in `sessions`; else why not (and a failed setup).
  std::string open(std::size_t c, const std::string& authorization, Sessions& sessions) {
    mcp::ClientOptions client_options;
    client_options.transport = mcp::Transport::sse;
    client_options.client_name = "mcph-load";
    client_options.http.read_timeout = options_.call_timeout;
    auto client = std::make_unique<mcp::Client>(options_.endpoint_url, client_options);
    client->set_header("Authorization", authorization);
    SessionRecord session;
    session.connection = c;
    session.authorization = authorization;
    session.sent = Clock::now();
    std::string refusal;
    try {
      const mcp::RpcOutcome init = client->connect();
      session.last_status = init.http_status;
      session.last_retry_after = init.header("Retry-After");
      session.ok = init.ok();
      // A refused GET is its only answer (no session id); a refused initialize comes after the GET's.
      session.requests = session.ok ? kSessionRequests : client->session_id().empty() ? 1 : 2;
      if (!session.ok) {
        refusal = (client->session_id().empty() ? "the stream's GET answered HTTP " : "initialize answered HTTP ") +
                  std::to_string(init.http_status);
      }
    } catch (const http::TransportError& e) {
      refusal = e.what();
    }
    session.answered = Clock::now();
    const std::lock_guard hold(lock_);
    if (options_.on_session) options_.on_session(session);
    if (!session.ok) {
      ++report_.setups_failed;
      report_.note_error("setup: " + refusal);
      return refusal;
    }
    sessions[authorization] = std::move(client);
    return {};
  }

  void call_on(mcp::Client& client, const ToolCall& call, CallRecord& record) {
    record.sent = Clock::now();
    try {
      mcp::ToolCallOutcome outcome = client.call_tool(call.tool, call.arguments_json, call.headers);
      record.answered = Clock::now();
      record.http_status = outcome.rpc.http_status;
      record.retry_after = outcome.rpc.header("Retry-After");
      ParsedResponse response{outcome.rpc.http_status, outcome.rpc.headers, outcome.rpc.body};
      record.error = call_failure(response);
      record.ok = record.error.empty();
      if (options_.on_call) record.body = std::move(outcome.rpc.body);
    } catch (const http::TransportError& e) {
      record.answered = Clock::now();
      record.error = e.what();
    }
    record.latency_ms = ms_between(record.sent, record.answered);
  }

  // No call starts past the time limit or once the caller has seen enough; the rest of the
  // connection's calls are unfinished, unless enough.
  bool may_start(std::size_t index) {
    const std::lock_guard hold(lock_);
    if (!enough_ && options_.enough && options_.enough()) enough_ = true;
    if (enough_) return false;
    if (Clock::now() - start_ >= options_.time_limit) {
      report_.unfinished += options_.calls_per_connection - index;
      return false;
    }
    return true;
  }

  void finish(CallRecord& record, bool answered) {
    const std::lock_guard hold(lock_);
    report_.count(record, answered, options_.slow_threshold);
    last_answer_ = std::max(last_answer_, record.answered);
    if (options_.on_call) options_.on_call(record);
  }

  // The callbacks are written for one driver thread (the HTTP driver's reactor): here each
  // connection has a thread of its own, so they are called one at a time.
  ToolCall next_call(std::size_t connection, std::size_t index) {
    const std::lock_guard hold(lock_);
    return options_.next_call(connection, index);
  }

  void wait_interval() const {
    if (options_.interval.count() > 0) std::this_thread::sleep_for(options_.interval);
  }

  void note_setup(Clock::time_point started) {
    const double ms = ms_between(started, Clock::now());
    const std::lock_guard hold(lock_);
    report_.setup_latencies_ms.push_back(ms);
    if (ms > static_cast<double>(options_.slow_threshold.count())) ++report_.slow_setups;
  }

  const LoadOptions& options_;
  std::mutex lock_;  // the report, the callbacks and what follows
  LoadReport report_;
  Clock::time_point start_{};
  Clock::time_point last_answer_{};
  bool enough_ = false;
};

}  // namespace

LoadReport run_sse_load(const LoadOptions& options) {
  if (options.authorizations.size() > kMaxSseConnections) {
    throw std::invalid_argument("load: at most " + std::to_string(kMaxSseConnections) +
                                " connections over the sse transport (one thread each), not " +
                                std::to_string(options.authorizations.size()));
  }
  SseLoad load(options);
  return load.run();
}

}  // namespace mcph::harness::load
