// The expectations on Vault's audit log and on the backends' ledgers: whose credential reached
// the backend, whose entity read which paths, which client a login's token was issued to.
#include <set>

#include "expectation_checks.h"
#include "mcph/text/join.h"
#include "observers.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using text::join;

// "the ledger entry GET /rest/api/2/issue/DEMO-1 → 200 carries alice's credential ****abcd"
std::string ledger_summary(const StepOutcome& outcome) {
  const Json& ledger = outcome.ledger.entries;
  if (ledger.empty()) {
    return outcome.ledger.by_window ? "no untraced ledger entry was written while the call ran"
                                    : "no ledger entry carries this step's trace id";
  }
  std::string out = ledger.size() == 1 ? "the ledger entry " : std::to_string(ledger.size()) + " ledger entries: ";
  bool first = true;
  for (const auto& entry : ledger) {
    const std::string credential = entry.value("credential", "");
    out += (first ? "" : "; ") + entry.value("method", "") + " " + entry.value("path", "") + " → " +
           std::to_string(entry.value("status", 0)) + " carries " + entry.value("credential_of", "?") + "'s credential" +
           (credential.empty() ? "" : " " + credential);
    first = false;
  }
  return out;
}

// Vault's audit log for this step: no entry of the caller's entity reads another user's path,
// and no one else's entity reads the caller's paths.
reports::Check check_own_paths(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> problems;
  std::set<std::string> own_paths;
  for (const auto& entry : outcome.audit.entries) {
    const std::string path = entry.value("/request/path"_json_pointer, "");
    const std::string owner = path_owner(path);
    if (owner.empty()) continue;
    const std::string entity = entry.value("/auth/entity_id"_json_pointer, "");
    if (!own_entity.empty() && entity == own_entity && owner != outcome.caller) {
      problems.insert(outcome.caller + "'s entity requested " + path);
    }
    if (owner == outcome.caller && entity != own_entity) {
      const std::string other = context.entity_name(entity);
      problems.insert(path + " was requested by entity " + (other.empty() ? "\"" + entity + "\"" : other));
    }
    if (owner == outcome.caller && entity == own_entity) own_paths.insert(path);
  }
  if (!problems.empty()) return failed(join(problems, "; "));
  if (own_paths.empty()) return held("no user's secret path in Vault's audit log during this step");
  return held(outcome.caller + "'s entity touched only " + outcome.caller + "'s paths: " + join(own_paths));
}

// A KV v2 path with its dot segments resolved as a server might ("secret/data/mcp/a/../b/x" is
// b's), and the agent whose folder it is in by the target's layout ("" outside every agent's:
// the mount's other paths). `kv` is false for a path that is no KV data or metadata path of the
// layout's mount at all. The audit log holds the path as Vault used it, already decoded: a
// "%2e%2e" in it is a key of that literal name, inside the folder, never a dot segment.
struct AgentPath {
  bool kv = false;
  std::string owner;
  std::string path;
};
AgentPath agent_path(const std::string& audited, const provision::SecretLayout& layout) {
  std::vector<std::string> segments;
  for (std::size_t start = 0; start <= audited.size();) {
    const std::size_t end = std::min(audited.find('/', start), audited.size());
    const std::string segment = audited.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  AgentPath out;
  out.path = join(segments, "/");
  out.owner = layout.owner_of(segments, out.kv);
  return out;
}

// Of an agent's call: every KV path its requests reached lies in its own folder
// (<mount>/data|metadata/<the layout's folder of the agent>/), once dot segments are resolved.
// When none of them lies in any agent's folder, the target's layout is what is in doubt, not the
// server: a server keeping its agents' secrets elsewhere than its `secrets` key says would
// otherwise be reported as leaving every agent's folder on every call.
reports::Check check_agent_paths(const StepOutcome& outcome) {
  std::set<std::string> others, outside, own;
  for (const auto& entry : outcome.audit.entries) {
    if (entry.value("type", "") != "request") continue;
    const std::string audited = entry.value("/request/path"_json_pointer, "");
    const AgentPath path = agent_path(audited, outcome.secret_layout);
    if (!path.kv) continue;
    if (path.owner == outcome.caller) {
      own.insert(audited);
    } else if (path.owner.empty()) {
      outside.insert(audited + " (outside every agent's prefix) was requested during " + outcome.caller + "'s call");
    } else {
      others.insert(audited + " (" + path.owner + "'s prefix) was requested during " + outcome.caller + "'s call");
    }
  }
  if (others.empty() && own.empty() && !outside.empty()) {
    const provision::SecretLayout& layout = outcome.secret_layout;
    return inconclusive("no KV path of " + outcome.caller + "'s call lies in any agent's folder of the secret layout " +
                        layout.mount + "/" + layout.path + " (" + join(outside, "; ") +
                        "): if the server keeps its agents' secrets elsewhere, its entry's `secrets` key must say where");
  }
  others.insert(outside.begin(), outside.end());
  if (!others.empty()) return failed(join(others, "; "));
  if (own.empty()) return held("no KV path in Vault's audit log during this step");
  return held(outcome.caller + "'s call touched only " + outcome.secret_layout.agent_prefix(outcome.caller) + "/: " + join(own));
}

// The policies of the token an audited request was made with: "a, b", or "(none)".
std::string token_policies(const Json& entry) {
  const Json policies = entry.value("/auth/token_policies"_json_pointer, Json::array());
  return policies.empty() ? std::string("(none)") : join(policies.get<std::vector<std::string>>(), ", ");
}

// Of an agent's call: each KV request was made with a child token of the agent's policy alone
// (the secret layout's, mcp-agent-<agent>) and a TTL of at most kChildTokenMaxTtl, never the
// server's own token.
constexpr long kChildTokenMaxTtl = 300;
reports::Check check_child_token(const StepOutcome& outcome) {
  const std::string policy = outcome.secret_layout.policy_of(outcome.caller);
  std::set<std::string> problems, seen;
  for (const auto& entry : outcome.audit.entries) {
    if (entry.value("type", "") != "request" || !agent_path(entry.value("/request/path"_json_pointer, ""), outcome.secret_layout).kv) continue;
    const Json policies = entry.value("/auth/token_policies"_json_pointer, Json::array());
    const long ttl = entry.value("/auth/token_ttl"_json_pointer, 0L);
    const std::string shown = "policies " + token_policies(entry) + ", TTL " + (ttl > 0 ? std::to_string(ttl) + " s" : "none");
    seen.insert(shown);
    if (policies != Json::array({policy})) problems.insert("a KV request made with a token of " + shown + ", not " + policy + " alone");
    if (ttl <= 0 || ttl > kChildTokenMaxTtl) {
      problems.insert("a KV request made with a token of " + shown + ": not a child token of at most " +
                      std::to_string(kChildTokenMaxTtl) + " s");
    }
  }
  if (!problems.empty()) return failed(join(problems, "; "));
  if (seen.empty()) return failed("no KV request in Vault's audit log during this step");
  return held("each KV request made with a token of " + join(seen, "; "));
}

// A token request of the server's own during this step (Vault's auth/token/create, or
// create/<role>): a server that asks for a token for each call.
reports::Check check_requests_token(const StepOutcome& outcome) {
  for (const auto& entry : outcome.audit.entries) {
    const std::string path = entry.value("/request/path"_json_pointer, "");
    if (entry.value("type", "") == "request" && path.starts_with("auth/token/create")) {
      return held("the server asked Vault for a token for this call: " + path);
    }
  }
  return failed("no token request (auth/token/create…) in Vault's audit log during this step: the server asks "
                "Vault for no token of its own for each call");
}

// No KV request of this step reached Vault: what a server that could not get the call's token
// must do.
reports::Check check_no_kv_request(const StepOutcome& outcome) {
  std::set<std::string> requests;
  for (const auto& entry : outcome.audit.entries) {
    const std::string path = entry.value("/request/path"_json_pointer, "");
    if (entry.value("type", "") != "request" || !agent_path(path, outcome.secret_layout).kv) continue;
    requests.insert(entry.value("/request/operation"_json_pointer, "") + " " + path + " with a token of policies " +
                    token_policies(entry));
  }
  if (!requests.empty()) return failed("the call reached Vault's KV all the same: " + join(requests, "; "));
  return held("no KV request in Vault's audit log during this step");
}

reports::Check check_reads_own_secret(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> seen;
  for (const auto& entry : outcome.audit.entries) {
    if (entry.value("type", "") != "request") continue;
    const std::string path = entry.value("/request/path"_json_pointer, "");
    const std::string owner = path_owner(path);
    if (owner.empty()) continue;
    const std::string entity = entry.value("/auth/entity_id"_json_pointer, "");
    if (owner == outcome.caller && entity == own_entity && !own_entity.empty()) {
      return held(path + " read by " + outcome.caller + "'s entity");
    }
    const std::string name = context.entity_name(entity);
    seen.insert(path + " by entity " + (name.empty() ? "\"" + entity + "\"" : name));
  }
  if (seen.empty()) return failed("no secret path of any user in Vault's audit log during this step");
  return failed("no read of " + outcome.caller + "'s own secrets by " + outcome.caller + "'s entity; seen: " + join(seen));
}

// A Vault login during this step that landed on the caller's entity.
reports::Check check_logs_in(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> seen;
  for (const auto& entry : outcome.audit.entries) {
    if (entry.value("type", "") != "response") continue;
    const std::string path = entry.value("/request/path"_json_pointer, "");
    if (path.find("/login") == std::string::npos || path.rfind("auth/", 0) != 0) continue;
    // The new token's entity is in the response's auth (the request had no token yet).
    const std::string entity = entry.value("/response/auth/entity_id"_json_pointer, "");
    if (!own_entity.empty() && entity == own_entity) return held(path + " → entity " + outcome.caller);
    const std::string name = context.entity_name(entity);
    seen.insert(name.empty() ? "\"" + entity + "\"" : name);
  }
  std::string out = "no Vault login of " + outcome.caller + "'s entity during this step";
  if (!seen.empty()) out += "; logins seen for " + join(seen, " ");
  return failed(out);
}

// A verdict on entries matched by time window stands only when nothing else is known to have
// run in the window; when other requests' traces fell into it, the untraced entries may be a
// neighbour's too, and the verdict is reported as ambiguous, never guessed.
reports::Check judged_by_window(reports::Check check, bool by_window, std::size_t other_traces, const char* what) {
  if (!by_window || other_traces == 0) return check;
  return inconclusive("matched by time window (the server does not forward traceparent), and " +
                      std::to_string(other_traces) + " " + what +
                      " of other traces fell into the window, so whose the untraced ones are "
                      "cannot be told; by the window alone: " + reports::to_string(check.verdict) + ": " +
                      check.actual);
}

// An audit expectation's verdict: failed without Vault's audit log to read, else `check`'s,
// judged by window as above.
template <typename CheckEntries>
reports::Check judged_on_audit(const StepOutcome& outcome, CheckEntries&& check_entries) {
  if (!outcome.audit.observed) return failed("the stack file names no Vault audit log (services.vault.audit_log)");
  return judged_by_window(check_entries(), outcome.audit.by_window, outcome.audit.other_traces, "audit entries");
}

// The Vault logins of this step on the caller's entity were made with tokens issued to `want`
// (login metadata azp, which the stack's role maps from the token): an MCP server that
// exchanges its caller's token logs in with a token of its own client; one that passes the
// user's token through logs in with the user's client's.
reports::Check check_login_client(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> clients;
  for (const auto& entry : outcome.audit.entries) {
    const std::string path = entry.value("/request/path"_json_pointer, "");
    if (entry.value("type", "") != "response" || path.rfind("auth/", 0) != 0 || !path.ends_with("/login")) continue;
    if (entry.value("/response/auth/entity_id"_json_pointer, "") != own_entity) continue;
    clients.insert(entry.value("/response/auth/metadata/azp"_json_pointer, "(no azp in the login's metadata)"));
  }
  if (clients.empty()) return failed("no Vault login on " + outcome.caller + "'s entity during this step");
  if (clients.size() == 1 && *clients.begin() == as_text(want)) {
    return held("Vault login on " + outcome.caller + "'s entity with a token issued to " + as_text(want));
  }
  return failed("Vault logins with tokens issued to " + join(clients) + ", not to " + as_text(want) +
                " (not exchanged: the server passed its caller's token through to Vault)");
}

}  // namespace

reports::Check check_backend_credential_of(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  if (!outcome.ledger.observed) return failed("this server has no backend ledger to look at");
  const std::string who = as_text(want);
  bool holds = !outcome.ledger.entries.empty();
  for (const auto& entry : outcome.ledger.entries) holds = holds && entry.value("credential_of", "") == who;
  return judged_by_window(judged(holds, ledger_summary(outcome)), outcome.ledger.by_window, outcome.ledger.other_traces,
                          "ledger entries");
}

reports::Check check_no_ledger_entry(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  if (!outcome.ledger.observed) return failed("this server has no backend ledger to look at");
  return judged_by_window(judged(want.get<bool>() == outcome.ledger.entries.empty(), ledger_summary(outcome)),
                          outcome.ledger.by_window, outcome.ledger.other_traces, "ledger entries");
}

reports::Check check_vault_audit(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  return judged_on_audit(outcome, [&] {
    if (want == "own_paths_only") return outcome.agent ? check_agent_paths(outcome) : check_own_paths(outcome, context);
    if (want == "child_token") return check_child_token(outcome);
    if (want == "logs_in") return check_logs_in(outcome, context);
    if (want == "requests_token") return check_requests_token(outcome);
    if (want == "no_kv_request") return check_no_kv_request(outcome);
    return check_reads_own_secret(outcome, context);
  });
}

reports::Check check_vault_login_client(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  return judged_on_audit(outcome, [&] { return check_login_client(want, outcome, context); });
}

}  // namespace mcph::harness::scenario
