#pragma once
// What one step of a scenario did and saw: the answer it got, what the backends' ledgers and
// Vault's audit log recorded for it, and the exchanges for the trace. Expectations are checked
// against this, and replay compares it.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "limited_request.h"
#include "load_outcome.h"
#include "oauth_outcome.h"
#include "mcph/harness/provision/secret_layout.h"
#include "mcph/http/message.h"

namespace mcph::harness {

struct StepOutcome {
  std::string title;    // "3: alice calls jira.get_issue"
  std::string caller;   // the acting user, "" when none
  bool agent = false;   // the caller is an agent of the target's `auth`, not a Keycloak user
  // An agent's: where the target keeps each agent's secrets, whose folder an audited path is in.
  SecretLayout secret_layout;
  std::string server;   // the stack's service the step addressed ("jira-mcp", "vault"), "" when none

  // The answer (the first call's, in a burst).
  int http_status = 0;
  http::Fields headers;
  std::string body;
  bool rpc_result = false;          // a JSON-RPC result came back
  std::optional<int> rpc_error;     // a JSON-RPC error code
  std::string rpc_error_message;    // and its message, when the step kept it
  bool tool_error = false;          // result.isError
  std::string tool_text;
  // Structured content, else text content that is JSON, else the JSON body, else null; rows at
  // /rows whatever the server's convention (tool_result.h).
  nlohmann::json result;
  // The stable failure kinds ("missing_credential") a failed call's message shows, by the
  // server's target profile.
  std::vector<std::string> failure_kinds;
  // A capability call's (capability_call.h): the refusal kinds its answer shows by the target's
  // tool map, and how the server refuses each kind, for the evidence.
  std::vector<std::string> refusals;
  std::map<std::string, std::string> refusal_shapes;
  int dependency_timeout_ms = 0;    // the called server's (target profile), for within_timeout_ms

  // A burst (repeat > 1): every call's HTTP status, and the first rejection's Retry-After.
  std::vector<int> statuses;
  int accepted = 0;
  std::string retry_after;
  // Every tool call of the step, when it was sent and answered: whether a burst came fast
  // enough to test a rate limit at all (load_checks.h, limit_not_reached).
  std::vector<LimitedRequest> calls;
  // A load step's record of what this process saw (load_record.h), for merging shards; null
  // for other steps.
  nlohmann::json load_record;

  bool ledger_observed = false;     // the server has a backend with a ledger
  std::string backend;              // its name in the stack file
  nlohmann::json ledger = nlohmann::json::array();
  // Matched by time window, as the audit entries below: the untraced entries written while the
  // call ran, and how many of other requests' traces fell into the window.
  bool ledger_by_window = false;
  std::size_t ledger_other_traces = 0;
  bool audit_observed = false;      // the stack names Vault's audit log
  // The step's own entries: those carrying one of `trace_ids` when the step correlates by
  // traceparent, else the untraced entries written while it ran (a time window).
  nlohmann::json audit = nlohmann::json::array();
  // The trace-ids of the requests the step sent with a traceparent (an MCP call, the runner's
  // own Vault requests); empty: the step correlates by time window.
  std::vector<std::string> trace_ids;
  // Correlated by time window (no trace-ids): `audit` is the window's untraced entries, and
  // `audit_other_traces` counts the entries of other requests' traces that fell into the window
  // (proof that something else ran meanwhile, so the window cannot tell whose the rest are).
  bool audit_by_window = false;
  std::size_t audit_other_traces = 0;

  std::string entity_name;          // vault whoami
  std::vector<std::string> vault_errors;

  // tcp: when the server closed the connection, in ms from connecting (none: it stayed open).
  std::optional<double> closed_after_ms;
  int responses = 0;  // tcp: the whole HTTP answers that came back on the connection

  // sse post: the messages the watched stream carried after the POST (its answer among them).
  std::optional<int> stream_messages;

  std::optional<LoadOutcome> load;  // a load step's
  std::optional<OAuthObservation> oauth;  // an oauth step's

  std::optional<std::string> sql_value;
  int sql_rows = 0;

  bool token_ok = false;
  std::string oauth_error;
  std::string sent_token;           // the bearer token the step sent (checked for echoes; never shown)

  // Why a failed check of this step would say nothing about the servers under test (a condition
  // of the stack the harness set up itself); its failed checks are then inconclusive, with this.
  std::string caveat;

  // For the trace: each request and answer, masked.
  nlohmann::json exchanges = nlohmann::json::array();
  double ms = 0;
  double paced_ms = 0;  // waited before sending, to stay within the stack's rate limit (not in ms)

  bool call_ok() const { return http_status >= 200 && http_status < 300 && rpc_result && !tool_error; }
  // One line on what happened, for failure messages: "HTTP 401 (invalid_token …)", "tool error: …".
  std::string describe() const;
};

}  // namespace mcph::harness
