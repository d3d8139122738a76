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
#include "result_parts.h"
#include "mcph/harness/provision/secret_layout.h"
#include "mcph/http/message.h"

namespace mcph::harness::scenario {

struct StepOutcome {
  std::string title;    // "3: alice calls jira.get_issue"
  std::string caller;   // the acting user, "" when none
  bool agent = false;   // the caller is an agent of the target's `auth`, not a Keycloak user
  // An agent's: where the target keeps each agent's secrets, whose folder an audited path is in.
  provision::SecretLayout secret_layout;
  std::string server;   // the stack's service the step addressed ("jira-mcp", "vault"), "" when none

  // The parts of the result (result_part.h), each filled only by the kinds that yield it; a
  // part a kind does not yield stays as constructed, and no expectation reads it (the loader
  // refuses an expectation on a step whose kind does not yield a part it reads).
  HttpAnswer http;        // the first call's, in a burst
  RpcAnswer rpc;
  ToolAnswer tool;
  // Structured content, else text content that is JSON, else the JSON body, else null; rows at
  // /rows whatever the server's convention (tool_result.h). On a token step: its claims.
  nlohmann::json result;
  std::string sent_token;  // the bearer token the step sent (checked for echoes; never shown)
  Burst burst;
  std::optional<LoadOutcome> load;  // a load step's
  // A load step's record of what this process saw (load_record.h), for merging shards; null
  // for other steps.
  nlohmann::json load_record;
  LedgerView ledger;
  AuditView audit;
  Connection connection;
  Stream stream;
  VaultAnswer vault;
  TokenGrant grant;
  std::optional<OAuthObservation> oauth;  // an oauth step's
  Sql sql;

  // The trace-ids of the requests the step sent with a traceparent (an MCP call, the runner's
  // own Vault requests); empty: the step correlates by time window.
  std::vector<std::string> trace_ids;

  // Why a failed check of this step would say nothing about the servers under test (a condition
  // of the stack the harness set up itself); its failed checks are then inconclusive, with this.
  std::string caveat;

  // For the trace: each request and answer, masked.
  nlohmann::json exchanges = nlohmann::json::array();
  double ms = 0;
  double paced_ms = 0;  // waited before sending, to stay within the stack's rate limit (not in ms)

  bool call_ok() const { return http.status >= 200 && http.status < 300 && rpc.result && !tool.error && !tool.input_required; }
  // One line on what happened, for failure messages: "HTTP 401 (invalid_token …)", "tool error: …".
  std::string describe() const;
};

}  // namespace mcph::harness::scenario
