#include "mcph/harness/load/load_driver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <thread>

#include "mcph/http/server.h"
#include "mcph/mcp/json.h"
#include "mcph/mcp/server.h"
#include "mcph/mcp/sse.h"

namespace mcph::harness::load {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Json = nlohmann::json;

// An MCP server whose caller is the bearer token's text; `whoami` answers it, `fail` is a tool
// error, `sleep` takes `ms` milliseconds. It serves the eras of MCP `era` names.
class EchoServer {
 public:
  explicit EchoServer(mcp::Era era = mcp::Era::dual) {
    http::ServerOptions http_options;
    http_options.access_log = false;
    http_ = std::make_unique<http::Server>(http_options);
    mcp::ServerOptions options;
    options.legacy_path = "/sse";
    options.sse_path = "/sse";  // GET: the HTTP+SSE transport's stream, beside the legacy POST
    options.era = era;
    options.authenticate = [](const http::Request& request) {
      const std::string value = request.header("Authorization");
      if (value.rfind("Bearer ", 0) != 0) return mcp::AuthResult::unauthorized("Bearer", "no token");
      mcp::Principal principal;
      principal.subject = value.substr(7);
      return mcp::AuthResult::allow(principal);
    };
    mcp_ = std::make_unique<mcp::Server>(options);
    mcp::ToolDefinition whoami;
    whoami.name = "whoami";
    mcp_->add_tool(whoami, [this](const mcp::Arguments&, mcp::ToolContext& context) {
      ++calls;
      return mcp::structured_result(Json{{"subject", context.principal().subject},
                                         {"call", context.http_request().header("X-Call")}});
    });
    mcp::ToolDefinition fail;
    fail.name = "fail";
    mcp_->add_tool(fail, [](const mcp::Arguments&, mcp::ToolContext&) -> mcp::ToolResult {
      throw mcp::ToolError("no_credentials: nothing stored");
    });
    mcp::ToolDefinition sleep;
    sleep.name = "sleep";
    sleep.input_schema = R"({"type":"object","properties":{"ms":{"type":"integer"}},"required":["ms"]})";
    mcp_->add_tool(sleep, [](const mcp::Arguments& args, mcp::ToolContext&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(*args.get_integer("ms")));
      return mcp::ToolResult::text("slept");
    });
    mcp_->mount(*http_);
    http_->start();
  }

  // The HTTP server stops (its handlers finish) before the MCP server they call goes: a test
  // may end with a `sleep` call still running (ThreadSanitizer saw the race).
  ~EchoServer() { http_->stop(); }

  std::string mcp_url() const { return http_->url() + "/mcp"; }
  std::string sse_url() const { return http_->url() + "/sse"; }
  std::atomic<int> calls{0};

 private:
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<mcp::Server> mcp_;
};

std::vector<std::string> users(std::size_t connections) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < connections; ++i) out.push_back("Bearer user" + std::to_string(i % 3));
  return out;
}

// `calls` calls of `call` on each connection, one connection per authorization.
LoadOptions load_of(std::string url, std::vector<std::string> authorizations, std::size_t calls, ToolCall call,
                    mcp::Transport transport = mcp::Transport::streamable_http) {
  LoadOptions options;
  options.endpoint_url = std::move(url);
  options.transport = transport;
  options.authorizations = std::move(authorizations);
  options.calls_per_connection = calls;
  options.next_call = [call](std::size_t, std::size_t) { return call; };
  return options;
}

// The user a call of `interleaved` acts for: six users in turn on every connection.
std::string user_of(std::size_t connection, std::size_t index) { return "u" + std::to_string((connection + index) % 6); }

// Each call acts for user_of its connection and index, and names itself in X-Call and its tag.
void interleaved(LoadOptions& options) {
  options.next_call = [](std::size_t connection, std::size_t index) {
    ToolCall call{"whoami", "{}"};
    call.authorization = "Bearer " + user_of(connection, index);
    call.headers = {{"X-Call", std::to_string(connection) + "/" + std::to_string(index)}};
    call.tag = connection * 100 + index;
    return call;
  };
}

// What a load's callbacks were given.
struct Seen {
  std::vector<CallRecord> calls;
  std::vector<SessionRecord> sessions;
};

void record_into(LoadOptions& options, Seen& seen) {
  options.on_call = [&seen](const CallRecord& record) { seen.calls.push_back(record); };
  options.on_session = [&seen](const SessionRecord& record) { seen.sessions.push_back(record); };
}

// Every call of `interleaved` was answered as its own user, with its own headers: `result_of`
// reads the JSON-RPC result from its body.
void expect_interleaved_answers(const Seen& seen, const std::function<Json(const std::string&)>& result_of) {
  for (const auto& record : seen.calls) {
    const Json answer = result_of(record.body)["structuredContent"];
    EXPECT_EQ(answer["subject"], user_of(record.connection, record.index));
    EXPECT_EQ(answer["call"], std::to_string(record.connection) + "/" + std::to_string(record.index));
    EXPECT_EQ(record.tag, record.connection * 100 + record.index);
    EXPECT_LE(record.sent, record.answered);
  }
}

Json result_in(const std::string& body) { return Json::parse(body)["result"]; }

TEST(LoadDriver, EveryConnectionMakesItsCallsAsItsOwnUser) {
  EchoServer server;
  LoadOptions options = load_of(server.mcp_url(), users(8), 25, ToolCall{"whoami", "{}"});
  std::mutex mutex;
  std::map<std::size_t, std::set<std::string>> seen;  // connection -> subjects in its answers
  options.on_call = [&](const CallRecord& record) {
    std::lock_guard lock(mutex);
    seen[record.connection].insert(Json::parse(record.body)["result"]["structuredContent"]["subject"]);
  };
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.connections, 8u);
  EXPECT_EQ(report.calls, 200u);
  EXPECT_EQ(report.ok, 200u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(report.unfinished, 0u);
  EXPECT_EQ(server.calls.load(), 200);
  EXPECT_EQ(report.latencies_ms.size(), 200u);
  EXPECT_EQ(report.setup_latencies_ms.size(), 8u);
  EXPECT_TRUE(std::is_sorted(report.latencies_ms.begin(), report.latencies_ms.end()));
  EXPECT_GT(report.calls_per_second(), 0);
  ASSERT_EQ(seen.size(), 8u);
  for (const auto& [connection, subjects] : seen) {
    EXPECT_EQ(subjects, std::set<std::string>{"user" + std::to_string(connection % 3)});
  }
}

// Calls acting for other users than their connection's: each user gets a session of its own on
// the connection, and every call is answered as its own user with its own headers.
TEST(LoadDriver, UsersInterleaveOnAConnectionEachInItsOwnSession) {
  EchoServer server;
  LoadOptions options = load_of(server.mcp_url(), users(4), 12, ToolCall{});
  interleaved(options);
  Seen seen;
  record_into(options, seen);
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.ok, 48u);
  EXPECT_EQ(report.failed, 0u);
  ASSERT_EQ(seen.calls.size(), 48u);
  expect_interleaved_answers(seen, result_in);
  // Each connection: its own user's session, then one per other user it served (6 users each).
  const auto& sessions = seen.sessions;
  std::map<std::size_t, std::set<std::string>> opened;
  for (const auto& session : sessions) {
    EXPECT_TRUE(session.ok);
    EXPECT_EQ(session.requests, 2);
    EXPECT_TRUE(opened[session.connection].insert(session.authorization).second) << "a second session for one user";
  }
  EXPECT_EQ(sessions.size(), 4u * 7u);  // "user<c % 3>" and u0…u5
  EXPECT_EQ(report.setup_latencies_ms.size(), sessions.size());
}

TEST(LoadDriver, ACallWhoseSessionIsRefusedFailsAndTheConnectionGoesOn) {
  EchoServer server;
  LoadOptions options = load_of(server.mcp_url(), {"Bearer a"}, 3, ToolCall{});
  options.next_call = [](std::size_t, std::size_t index) {
    ToolCall call{"whoami", "{}"};
    if (index == 1) call.authorization = "Basic nope";
    return call;
  };
  std::vector<SessionRecord> sessions;
  options.on_session = [&](const SessionRecord& record) { sessions.push_back(record); };
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.calls, 3u);
  EXPECT_EQ(report.ok, 2u);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_EQ(report.unfinished, 0u);
  EXPECT_THAT(report.sample_errors, ::testing::Contains("no session: initialize answered HTTP 401"));
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_TRUE(sessions[0].ok);
  EXPECT_EQ(sessions[0].last_status, 202);  // notifications/initialized
  EXPECT_FALSE(sessions[1].ok);
  EXPECT_EQ(sessions[1].requests, 1);
  EXPECT_EQ(sessions[1].last_status, 401);  // what refused it, for a rate limit's count
  EXPECT_EQ(sessions[1].last_retry_after, "");
}

// MCP 2026-07-28 at a server of that era alone: no session, each call a self-contained request
// (the server refuses one without its _meta and Mcp-* headers) with its own user's token, so
// users interleave on a connection with nothing set up but the connection itself.
TEST(LoadDriver, OverTheModernEraEachCallIsSelfContainedAndAnsweredAsItsOwnUser) {
  EchoServer server(mcp::Era::modern);
  LoadOptions options = load_of(server.mcp_url(), users(4), 12, ToolCall{});
  options.era = mcp::Era::modern;
  interleaved(options);
  Seen seen;
  record_into(options, seen);
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.ok, 48u) << (report.sample_errors.empty() ? "" : report.sample_errors.front());
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(server.calls.load(), 48);
  ASSERT_EQ(seen.calls.size(), 48u);
  expect_interleaved_answers(seen, result_in);
  for (const auto& record : seen.calls) EXPECT_EQ(result_in(record.body)["resultType"], "complete");
  EXPECT_TRUE(seen.sessions.empty()) << "a session was set up at a server without sessions";
  EXPECT_EQ(report.setup_latencies_ms.size(), 4u);  // each connection's connect, nothing more
}

// The same load in the legacy era is refused there whole: what makes the test above pass is the
// modern era's form of each call.
TEST(LoadDriver, TheLegacyEraIsRefusedByAServerOfTheModernEraAlone) {
  EchoServer server(mcp::Era::modern);
  const LoadReport report = run_load(load_of(server.mcp_url(), users(2), 3, ToolCall{"whoami", "{}"}));
  EXPECT_EQ(report.ok, 0u);
  EXPECT_EQ(report.setups_failed, 2u);
  EXPECT_EQ(server.calls.load(), 0);
}

TEST(LoadDriver, LegacyTransportNeedsNoSession) {
  EchoServer server;
  LoadOptions options = load_of(server.sse_url(), users(4), 10, ToolCall{"whoami", ""}, mcp::Transport::legacy_sse_post);
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.ok, 40u);
  EXPECT_EQ(report.failed, 0u);
}

TEST(LoadDriver, ToolErrorsAndRefusalsAreFailuresWithTheirReason) {
  EchoServer server;
  LoadOptions options = load_of(server.sse_url(), {"Bearer a", "Basic nope"}, 3, ToolCall{"fail", "{}"},
                                mcp::Transport::legacy_sse_post);
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.calls, 6u);
  EXPECT_EQ(report.ok, 0u);
  EXPECT_EQ(report.failed, 6u);
  EXPECT_THAT(report.sample_errors, ::testing::Contains(HasSubstr("tool error: no_credentials")));
  EXPECT_THAT(report.sample_errors, ::testing::Contains("HTTP 401"));
}

TEST(LoadDriver, PacedCallsKeepTheirInterval) {
  EchoServer server;
  LoadOptions options;
  options.endpoint_url = server.mcp_url();
  options.authorizations = users(2);
  options.calls_per_connection = 6;
  options.interval = 40ms;
  options.next_call = [](std::size_t, std::size_t) { return ToolCall{"whoami", "{}"}; };
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.ok, 12u);
  // Five pauses of 40 ms between six calls on each connection.
  EXPECT_GE(report.elapsed_s, 0.2);
}

TEST(LoadDriver, TimeLimitStopsStartingCallsAndTheRunEndsByItself) {
  EchoServer server;
  LoadOptions options;
  options.endpoint_url = server.mcp_url();
  options.authorizations = users(2);
  options.calls_per_connection = 1000;
  options.time_limit = 300ms;
  options.next_call = [](std::size_t, std::size_t) { return ToolCall{"sleep", R"({"ms":50})"}; };
  const auto started = std::chrono::steady_clock::now();
  const LoadReport report = run_load(options);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_GT(report.ok, 0u);
  EXPECT_GT(report.unfinished, 0u);
  EXPECT_EQ(report.ok + report.failed + report.unfinished, 2000u);
}

// Once `enough` says so, no call starts on any connection, and the calls not made are not
// unfinished: the load ended because it had shown what it was for.
TEST(LoadDriver, EnoughStopsStartingCallsWithoutCountingTheRestUnfinished) {
  EchoServer server;
  LoadOptions options = load_of(server.mcp_url(), users(4), 1000, ToolCall{"whoami", "{}"});
  std::size_t answered = 0;
  options.on_call = [&](const CallRecord&) { ++answered; };
  options.enough = [&] { return answered >= 10; };
  const LoadReport report = run_load(options);
  // Ten answered, and at most one more call already in flight on each of the other connections.
  EXPECT_GE(report.ok, 10u);
  EXPECT_LE(report.ok, 13u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(report.unfinished, 0u);
}

TEST(LoadDriver, ACallPastItsDeadlineFailsAndTheConnectionIsReplaced) {
  EchoServer server;
  LoadOptions options;
  options.endpoint_url = server.mcp_url();
  options.authorizations = users(1);
  options.calls_per_connection = 2;
  // Room for the second call's new connection and session under a sanitizer on a busy machine.
  options.call_timeout = 1000ms;
  options.slow_threshold = 500ms;
  options.next_call = [](std::size_t, std::size_t index) {
    return index == 0 ? ToolCall{"sleep", R"({"ms":2000})"} : ToolCall{"whoami", "{}"};
  };
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.calls, 2u);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_EQ(report.ok, 1u);
  EXPECT_EQ(report.slow, 1u);
  EXPECT_EQ(report.setup_latencies_ms.size(), 2u);  // the second call came on a new connection
  EXPECT_THAT(report.sample_errors, ::testing::Contains("no answer within 1000 ms"));
}

TEST(LoadDriver, RefusedConnectionsAreCountedAndTheRunEnds) {
  int port = 0;
  {
    http::Server closed;
    port = closed.start();
  }
  LoadOptions options = load_of("http://127.0.0.1:" + std::to_string(port) + "/mcp", users(3), 5, ToolCall{"whoami", "{}"});
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.setups_failed, 3u);
  EXPECT_EQ(report.calls, 0u);
  EXPECT_EQ(report.unfinished, 15u);
  EXPECT_THAT(report.sample_errors, ::testing::Contains(HasSubstr("Connection refused")));
}

TEST(LoadDriver, UnusableOptionsAreRefused) {
  LoadOptions options;
  options.endpoint_url = "http://127.0.0.1:1/mcp";
  options.next_call = [](std::size_t, std::size_t) { return ToolCall{"x", "{}"}; };
  EXPECT_THROW(run_load(options), std::invalid_argument);  // no connections
  options.authorizations = {"Bearer a"};
  options.endpoint_url = "https://127.0.0.1:1/mcp";
  EXPECT_THROW(run_load(options), std::invalid_argument);
  options.endpoint_url = "http://example.com/mcp";
  EXPECT_THROW(run_load(options), std::invalid_argument);
  // Over HTTP+SSE each connection is a thread: bounded.
  options.endpoint_url = "http://127.0.0.1:1/sse";
  options.transport = mcp::Transport::sse;
  options.authorizations.assign(257, "Bearer a");
  try {
    run_load(options);
    ADD_FAILURE() << "257 connections over sse were accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("at most 256 connections over the sse transport"));
  }
}

// The response of an HTTP+SSE call: the last event of what its stream carried up to it.
Json sse_answer(const std::string& body) {
  const auto events = mcp::parse_sse(body);
  return events.empty() ? Json() : Json::parse(events.back().data, nullptr, false);
}

// Isolation under load over HTTP+SSE: calls of six users interleave on eight connections at
// once, each user's on that user's own stream, and every answer is its own call's, as its user.
TEST(LoadDriver, OverSseEveryAnswerIsItsOwnCallsOnItsUsersStream) {
  EchoServer server;
  LoadOptions options = load_of(server.sse_url(), users(8), 25, ToolCall{}, mcp::Transport::sse);
  interleaved(options);
  Seen seen;
  record_into(options, seen);
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.calls, 200u);
  EXPECT_EQ(report.ok, 200u) << (report.sample_errors.empty() ? "" : report.sample_errors.front());
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(server.calls.load(), 200);
  ASSERT_EQ(seen.calls.size(), 200u);
  for (const auto& record : seen.calls) EXPECT_EQ(record.http_status, 202);
  expect_interleaved_answers(seen, [](const std::string& body) { return sse_answer(body)["result"]; });
  // Each connection: its own user's stream, then one per other user it served; three requests each.
  const auto& sessions = seen.sessions;
  std::map<std::size_t, std::set<std::string>> opened;
  for (const auto& session : sessions) {
    EXPECT_TRUE(session.ok);
    EXPECT_EQ(session.requests, 3);
    EXPECT_TRUE(opened[session.connection].insert(session.authorization).second) << "a second stream for one user";
  }
  EXPECT_EQ(sessions.size(), 8u * 7u);  // "user<c % 3>" and u0…u5
  EXPECT_EQ(report.setup_latencies_ms.size(), sessions.size());
}

// The callbacks are written for one thread, as the HTTP driver's reactor calls them; the SSE
// driver, a thread per connection, must never run two at once (a step's next_call appends to
// the list of its calls).
TEST(LoadDriver, OverSseNoTwoCallbacksRunAtOnce) {
  EchoServer server;
  LoadOptions options = load_of(server.sse_url(), users(8), 10, ToolCall{"whoami", "{}"}, mcp::Transport::sse);
  std::atomic<int> inside{0}, most{0}, entered{0};
  const auto enter = [&] {
    const int now = ++inside;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    ++entered;
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // long enough for another thread to come in
    --inside;
  };
  options.next_call = [&](std::size_t, std::size_t) {
    enter();
    return ToolCall{"whoami", "{}"};
  };
  options.on_call = [&](const CallRecord&) { enter(); };
  options.on_session = [&](const SessionRecord&) { enter(); };
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.ok, 80u);
  EXPECT_EQ(entered.load(), 80 + 80 + 8);  // each call's next_call and on_call, each stream's on_session
  EXPECT_EQ(most.load(), 1) << "callbacks ran on several threads at once";
}

TEST(LoadDriver, OverSseARefusedStreamFailsItsCallAndTheConnectionGoesOn) {
  EchoServer server;
  LoadOptions options = load_of(server.sse_url(), {"Bearer a"}, 3, ToolCall{}, mcp::Transport::sse);
  options.next_call = [](std::size_t, std::size_t index) {
    ToolCall call{"whoami", "{}"};
    if (index == 1) call.authorization = "Basic nope";
    return call;
  };
  std::vector<SessionRecord> sessions;
  options.on_session = [&](const SessionRecord& record) { sessions.push_back(record); };
  const LoadReport report = run_load(options);
  EXPECT_EQ(report.calls, 3u);
  EXPECT_EQ(report.ok, 2u);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_THAT(report.sample_errors, ::testing::Contains("no session: the stream's GET answered HTTP 401"));
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_TRUE(sessions[0].ok);
  EXPECT_FALSE(sessions[1].ok);
  EXPECT_EQ(sessions[1].requests, 1);
  EXPECT_EQ(sessions[1].last_status, 401);
}

TEST(Percentile, NearestRankOfSortedValues) {
  const std::vector<double> values{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(percentile_of_sorted(values, 0.0), 1);
  EXPECT_EQ(percentile_of_sorted(values, 0.5), 5);
  EXPECT_EQ(percentile_of_sorted(values, 0.99), 9);
  EXPECT_EQ(percentile_of_sorted(values, 1.0), 10);
  EXPECT_EQ(percentile_of_sorted({}, 0.5), 0);
}

}  // namespace
}  // namespace mcph::harness::load
