#pragma once
// The parts a step's result can have: each kind of evidence a step may bring back (an HTTP
// answer, a tool's answer, a burst's statuses, a backend's ledger, …). A step kind declares the
// parts it yields (steps/step_kind.h) and an expectation the parts it reads
// (expectation_kinds.h); the loader accepts an expectation on a step whose kind yields a part it
// reads, so a new kind that yields an HTTP answer gets every check of an HTTP answer.
#include <string_view>
#include <vector>

namespace mcph::harness::scenario {

enum class ResultPart {
  http_answer,    // an HTTP answer: status, headers, body
  rpc_answer,     // a JSON-RPC answer: a result or an error code
  tool_answer,    // an MCP tool call's answer: its result or error text, its failure kinds
  json_result,    // a JSON result: a tool's, a response body's, a token's claims, a decision table's
  sent_token,     // the bearer token (or client secret) the step sent
  burst,          // every status of a repeated request, how many were accepted, the first Retry-After
  decisions,      // each call of a workload burst read as the target's policy decision
  load,           // a load step's counts of cross-user, failed and untraced calls
  ledger,         // the backend's ledger entries for the step
  audit,          // Vault's audit log entries for the step
  connection,     // a raw TCP connection: when it closed, how many answers came back
  stream,         // an SSE stream watched after a POST
  vault_answer,   // Vault's answer: the entity, its errors
  token_grant,    // a token got (or refused with an OAuth error) from the identity provider
  authorization_server,  // what an authorization server published and answered (oauth_outcome.h)
  policy_probe,   // the bent inputs a policy was asked and those it granted
  sql,            // a query's rows
  duration,       // how long the step took
};

struct ResultPartInfo {
  ResultPart part;
  std::string_view name;     // as the reference writes it: "http_answer"
  std::string_view meaning;  // for the reference
};

// Every part, in the enum's order.
const std::vector<ResultPartInfo>& result_parts();
std::string_view to_string(ResultPart part);

}  // namespace mcph::harness::scenario
