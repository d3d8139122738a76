#include "trace_signature.h"

#include <set>

namespace mcph::harness::scenario {

using Json = nlohmann::json;

Json trace_signature(const StepOutcome& outcome, const std::vector<reports::Check>& checks) {
  std::string result;
  if (!outcome.grant.oauth_error.empty()) {
    result = "oauth_error " + outcome.grant.oauth_error;
  } else if (outcome.tool.error) {
    // The stable code before the colon ("no_credentials: no Jira credentials stored for bob").
    const auto colon = outcome.tool.text.find(':');
    result = "tool_error " + (colon == std::string::npos ? outcome.tool.text.substr(0, 60) : outcome.tool.text.substr(0, colon));
  } else if (outcome.rpc.error) {
    result = "jsonrpc_error " + std::to_string(*outcome.rpc.error);
  } else if (outcome.call_ok() || outcome.grant.ok) {
    result = "ok";
  } else if (outcome.http.status != 0) {
    result = "http " + std::to_string(outcome.http.status);
  }
  std::set<std::string> credentials;
  for (const auto& entry : outcome.ledger.entries) credentials.insert(entry.value("credential_of", "?"));
  // The kinds of the expectations that failed, and of those that could not be decided.
  std::set<std::string> failed, inconclusive, bounded;
  for (const auto& check : checks) {
    const std::string kind = check.expectation.substr(0, check.expectation.find(':'));
    if (check.verdict == reports::Check::Verdict::failed) failed.insert(kind);
    if (check.verdict == reports::Check::Verdict::inconclusive) inconclusive.insert(kind);
    if (check.verdict == reports::Check::Verdict::bounded) bounded.insert(kind);
  }
  Json signature = {{"http_status", outcome.http.status},
                    {"outcome", result},
                    {"backend_credentials", credentials},
                    {"failed", failed}};
  if (!inconclusive.empty()) signature["inconclusive"] = inconclusive;
  if (!bounded.empty()) signature["bounded"] = bounded;
  if (!outcome.vault.entity_name.empty()) signature["entity"] = outcome.vault.entity_name;
  if (outcome.load) {  // what a load step proves, not its timings
    signature["load"] = {{"cross_user_calls", outcome.load->cross_user},
                         {"calls_without_entry", outcome.load->without_entry},
                         {"rate_limit_violations", outcome.load->rate_limit_violations}};
  }
  if (!outcome.burst.statuses.empty() && outcome.burst.statuses.size() > 1) {
    std::set<int> distinct(outcome.burst.statuses.begin(), outcome.burst.statuses.end());
    signature["burst_statuses"] = distinct;
  }
  return signature;
}

}  // namespace mcph::harness::scenario
