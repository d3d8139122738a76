#pragma once
// One struct per part of a step's result (result_part.h) that holds more than one value: what
// a step kind fills and an expectation reads. StepOutcome groups them.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "limited_request.h"
#include "mcph/http/message.h"

namespace mcph::harness::scenario {

struct HttpAnswer {
  int status = 0;
  http::Fields headers;
  std::string body;
};

struct RpcAnswer {
  bool result = false;             // a JSON-RPC result came back
  std::optional<int> error;        // a JSON-RPC error code
  std::string error_message;       // and its message, when the step kept it
};

struct ToolAnswer {
  bool error = false;              // result.isError
  std::string text;
  // The stable failure kinds ("missing_credential") a failed call's message shows, by the
  // server's target profile.
  std::vector<std::string> failure_kinds;
  // A capability call's (capability_call.h): the refusal kinds its answer shows by the target's
  // tool map, and how the server refuses each kind, for the evidence.
  std::vector<std::string> refusals;
  std::map<std::string, std::string> refusal_shapes;
  int dependency_timeout_ms = 0;   // the called server's (target profile), for within_timeout_ms
  // MCP 2026-07-28: the server asked for input before it ran the tool (input_required), and
  // what it asked ("elicitation/create: Erase this issue?"); nothing ran.
  bool input_required = false;
  std::string input_asked;
  int questions_answered = 0;      // the rounds the step's `answer:` answered before the last
};

// A burst (repeat > 1): every call's HTTP status, and the first rejection's Retry-After.
struct Burst {
  std::vector<int> statuses;
  int accepted = 0;
  std::string retry_after;
  // Every tool call of the step, when it was sent and answered: whether a burst came fast
  // enough to test a rate limit at all (load_checks.h, limit_not_reached).
  std::vector<LimitedRequest> calls;
  // The limit per caller the target's stack entry states (its rate_limit; 0: none): what the
  // calls are judged against when the scenario file states no limit of its own.
  int stated_limit = 0;
  std::chrono::milliseconds stated_window{0};
  // A workload burst's: each call's answer read as the policy's decision ("granted", "denied",
  // "unavailable", "" for neither; workload_cells.h), in order.
  std::vector<std::string> decisions;
};

// The backend's ledger entries for the step.
struct LedgerView {
  bool observed = false;           // the server has a backend with a ledger
  std::string backend;             // its name in the stack file
  nlohmann::json entries = nlohmann::json::array();
  // Matched by time window, as the audit entries: the untraced entries written while the call
  // ran, and how many of other requests' traces fell into the window.
  bool by_window = false;
  std::size_t other_traces = 0;
};

// Vault's audit log entries for the step.
struct AuditView {
  bool observed = false;           // the stack names Vault's audit log
  // The step's own entries: those carrying one of the step's trace-ids when it correlates by
  // traceparent, else the untraced entries written while it ran (a time window).
  nlohmann::json entries = nlohmann::json::array();
  // Correlated by time window (no trace-ids): `entries` are the window's untraced entries, and
  // `other_traces` counts the entries of other requests' traces that fell into the window
  // (proof that something else ran meanwhile, so the window cannot tell whose the rest are).
  bool by_window = false;
  std::size_t other_traces = 0;
};

// A raw TCP connection.
struct Connection {
  std::optional<double> closed_after_ms;  // when the server closed it, in ms from connecting (none: it stayed open)
  int responses = 0;                      // the whole HTTP answers that came back on it
};

// An SSE stream watched after a POST: the messages it carried after the POST (its answer among
// them); none when no stream was watched.
struct Stream {
  std::optional<int> messages;
};

struct VaultAnswer {
  std::string entity_name;         // vault whoami
  std::vector<std::string> errors;
};

// A token got (or refused with an OAuth error) from the identity provider.
struct TokenGrant {
  bool ok = false;
  std::string oauth_error;
};

// A query's answer: the first row's first value, and how many rows.
struct Sql {
  std::optional<std::string> value;
  int rows = 0;
};

}  // namespace mcph::harness::scenario
