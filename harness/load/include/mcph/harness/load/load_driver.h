#pragma once
// A bounded keep-alive load on one MCP endpoint: N connections on loopback, each acting for the
// user whose Authorization it carries, each making up to `calls_per_connection` tool calls
// (back to back, or one every `interval`), all driven by one epoll thread so the driver costs
// little CPU next to the servers it measures. Every tool call is timed from the moment its
// request is written to the moment its whole response is in; the setup of a connection (TCP
// connect, and for Streamable HTTP the initialize exchange) is timed apart.
//
// A call may act for another user than its connection's (ToolCall::authorization): with
// Streamable HTTP the connection then opens a session for that user too (initialize and
// notifications/initialized, timed as a setup), and each of its users keeps its own session, so
// several users' calls interleave on one kept-alive connection as they do behind a proxy.
//
// Bounded everywhere: the number of calls, a time limit after which no call is started, a
// deadline for each call, bounded response sizes. It stops by itself and closes everything.
//
// Over the HTTP+SSE transport (2024-11-05) each connection is a thread instead, with a stream
// per user it acts for (src/sse_load.h); the callbacks are then called one at a time, from
// those threads.
//
// A server of MCP 2026-07-28 alone (LoadOptions::era modern) has no initialize and no session:
// each call is a self-contained request of that revision (params._meta, MCP-Protocol-Version,
// Mcp-Method, Mcp-Name, as lib/mcp's client sends them) carrying its own Authorization, and a
// connection's setup is its TCP connect alone.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "mcph/http/message.h"
#include "mcph/mcp/client.h"

namespace mcph::harness::load {

using Clock = std::chrono::steady_clock;

struct ToolCall {
  ToolCall() = default;
  ToolCall(std::string tool_name, std::string arguments = "{}")
      : tool(std::move(tool_name)), arguments_json(std::move(arguments)) {}

  std::string tool;
  std::string arguments_json = "{}";
  // The call's Authorization header value; empty: its connection's.
  std::string authorization;
  // Further request headers of this call only (e.g. its own W3C traceparent).
  http::Fields headers;
  // The caller's own number for the call, given back in its CallRecord.
  std::uint64_t tag = 0;
};

// One finished (or failed) tool call, for callers that check each answer (e.g. that it was
// served with the caller's own credential).
struct CallRecord {
  std::size_t connection = 0;
  std::size_t index = 0;          // the call's number on its connection, from 0
  std::uint64_t tag = 0;          // the ToolCall's
  double latency_ms = 0;
  Clock::time_point sent{};       // when its request started to be written
  Clock::time_point answered{};   // when its answer was in (or it failed)
  int http_status = 0;            // 0: no HTTP response (transport failure or timeout)
  bool ok = false;                // 2xx, a JSON-RPC result, and not isError
  std::string body;               // the response body ("" for transport failures)
  std::string retry_after;        // the answer's Retry-After header, "" when none
  std::string error;              // why it is not ok
};

// One MCP session set up on a connection (Streamable HTTP of the legacy era: initialize, then
// notifications/initialized), for callers that account for every request a user made.
struct SessionRecord {
  std::size_t connection = 0;
  std::string authorization;
  Clock::time_point sent{};       // initialize written
  Clock::time_point answered{};   // the last answer in (or the failure)
  int requests = 0;               // requests the server answered (0 to 2)
  bool ok = false;
  int last_status = 0;            // the HTTP status of the last answer (a refused one's: 429, …)
  std::string last_retry_after;   // and its Retry-After, if any
};

struct LoadOptions {
  std::string endpoint_url;       // http://127.0.0.1:PORT/mcp, or …/sse for the legacy and sse transports
  mcp::Transport transport = mcp::Transport::streamable_http;
  // Streamable HTTP only: modern sends every call as a self-contained 2026-07-28 request, with no
  // session; legacy and dual open a session per user (a dual server serves them).
  mcp::Era era = mcp::Era::legacy;
  // One value per connection (its Authorization header, e.g. "Bearer <jwt>"); the number of
  // connections is the size of this list.
  std::vector<std::string> authorizations;
  // Each call's tool, arguments and caller. Like the other callbacks it is never called by two
  // threads at once, whichever transport's driver runs.
  std::function<ToolCall(std::size_t connection, std::size_t index)> next_call;
  std::size_t calls_per_connection = 100;
  // Pause between the end of one call and the start of the next on a connection; 0 = back to
  // back (a closed loop: each connection always has one call in flight).
  std::chrono::microseconds interval{0};
  // No call starts after this; calls in flight get until their own deadline.
  std::chrono::milliseconds time_limit{60000};
  std::chrono::milliseconds call_timeout{10000};
  std::chrono::milliseconds slow_threshold{900};  // calls slower than this are counted apart
  // Optional: every call, as it finishes (runs on the driver thread; keep it short).
  std::function<void(const CallRecord&)> on_call;
  // Optional: asked before each call starts (on the driver thread); once it says true, no more
  // calls start and those not made are not counted unfinished: the load has shown what it was for.
  std::function<bool()> enough;
  // Optional: every session setup, as it finishes (Streamable HTTP and HTTP+SSE; same thread).
  std::function<void(const SessionRecord&)> on_session;
};

struct LoadReport {
  std::size_t connections = 0;
  std::size_t calls = 0;            // tool calls answered or failed
  std::size_t ok = 0;
  std::size_t failed = 0;           // answered but not ok, or transport failures, or timeouts
  std::size_t unfinished = 0;       // never started because of a dead connection or the time limit
  std::size_t slow = 0;             // calls over slow_threshold
  std::size_t setups_failed = 0;
  std::size_t slow_setups = 0;      // connection setups over slow_threshold
  double elapsed_s = 0;             // from the first connect to the last answer
  std::vector<double> latencies_ms;        // every answered call, sorted
  std::vector<double> setup_latencies_ms;  // every connection set up, sorted
  std::vector<std::string> sample_errors;  // the first few distinct failure reasons

  double calls_per_second() const { return elapsed_s > 0 ? static_cast<double>(calls) / elapsed_s : 0; }
  // Nearest-rank percentile of the call latencies (q in [0,1]); 0 when there are none.
  double percentile_ms(double q) const;
  double max_ms() const { return latencies_ms.empty() ? 0 : latencies_ms.back(); }

  // A finished call counted, whichever transport made it: `answered` keeps its latency.
  void count(const CallRecord& record, bool answered, std::chrono::milliseconds slow_threshold);
  // A failure reason kept when it is new and fewer than a few are kept.
  void note_error(const std::string& why);
};

// Throws std::invalid_argument for unusable options (no connections, not an http:// URL, …).
// Transport failures are counted in the report, never thrown.
LoadReport run_load(const LoadOptions& options);

// Nearest-rank percentile of sorted values (q in [0,1]); 0 for an empty list.
double percentile_of_sorted(const std::vector<double>& sorted, double q);

}  // namespace mcph::harness::load
