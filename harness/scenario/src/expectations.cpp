#include "expectations.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>

#include "expectation_kinds.h"
#include "load_checks.h"
#include "oauth_checks.h"
#include "mcph/secrets/scrub.h"
#include "mcph/text/join.h"
#include "observers.h"
#include "token_claims.h"

namespace mcph::harness {
namespace {

using Json = nlohmann::json;
using text::join;

std::string excerpt(const std::string& text, std::size_t limit = 240) {
  std::string out = secrets::scrub(text);
  if (out.size() > limit) out = out.substr(0, limit) + "…";
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string as_text(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "the ledger entry GET /rest/api/2/issue/DEMO-1 → 200 carries alice's credential ****abcd"
std::string ledger_summary(const StepOutcome& outcome) {
  const Json& ledger = outcome.ledger;
  if (ledger.empty()) {
    return outcome.ledger_by_window ? "no untraced ledger entry was written while the call ran"
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

// A `result_json` check on one value: a plain expected value means equals.
bool json_value_holds(const Json& actual, const Json& check) {
  const std::string text = as_text(actual);
  if (!check.is_object()) return actual == check || (actual.is_string() && text == as_text(check));
  for (const auto& [op, operand] : check.items()) {
    const std::string want = as_text(operand);
    bool holds = false;
    if (op == "equals") holds = !actual.is_null() && text == want;
    if (op == "not_equals") holds = !actual.is_null() && text != want;
    if (op == "contains") holds = !actual.is_null() && contains(text, want);
    if (op == "starts_with") holds = !actual.is_null() && text.rfind(want, 0) == 0;
    if (!holds) return false;
  }
  return true;
}

// Vault's audit log for this step: no entry of the caller's entity reads another user's path,
// and no one else's entity reads the caller's paths.
reports::Check check_own_paths(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> problems;
  std::set<std::string> own_paths;
  for (const auto& entry : outcome.audit) {
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
// b's), and the agent whose prefix it is under ("" outside every agent's: the mount's other
// paths). `kv` is false for a path that is no KV data or metadata path at all. The audit log
// holds the path as Vault used it, already decoded: a "%2e%2e" in it is a key of that literal
// name, inside the prefix, never a dot segment.
struct AgentPath {
  bool kv = false;
  std::string owner;
  std::string path;
};
AgentPath agent_path(const std::string& audited) {
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
  out.kv = segments.size() >= 2 && (segments[1] == "data" || segments[1] == "metadata");
  if (out.kv && segments.size() >= 4 && segments[2] == "mcp") out.owner = segments[3];
  return out;
}

// Of an agent's call: every KV path its requests reached lies under its own prefix
// (<mount>/data|metadata/mcp/<agent>/), once dot segments are resolved.
reports::Check check_agent_paths(const StepOutcome& outcome) {
  std::set<std::string> problems, own;
  for (const auto& entry : outcome.audit) {
    if (entry.value("type", "") != "request") continue;
    const std::string audited = entry.value("/request/path"_json_pointer, "");
    const AgentPath path = agent_path(audited);
    if (!path.kv) continue;
    if (path.owner == outcome.caller) {
      own.insert(audited);
    } else {
      problems.insert(audited + (path.owner.empty() ? " (outside every agent's prefix)" : " (" + path.owner + "'s prefix)") +
                      " was requested during " + outcome.caller + "'s call");
    }
  }
  if (!problems.empty()) return failed(join(problems, "; "));
  if (own.empty()) return held("no KV path in Vault's audit log during this step");
  return held(outcome.caller + "'s call touched only mcp/" + outcome.caller + "/: " + join(own));
}

// Of an agent's call: each KV request was made with a child token of the agent's policy alone
// (mcp-agent-<agent>) and a TTL of at most kChildTokenMaxTtl, never the server's own token.
constexpr long kChildTokenMaxTtl = 300;
reports::Check check_child_token(const StepOutcome& outcome) {
  const std::string policy = "mcp-agent-" + outcome.caller;
  std::set<std::string> problems, seen;
  for (const auto& entry : outcome.audit) {
    if (entry.value("type", "") != "request" || !agent_path(entry.value("/request/path"_json_pointer, "")).kv) continue;
    const Json policies = entry.value("/auth/token_policies"_json_pointer, Json::array());
    const long ttl = entry.value("/auth/token_ttl"_json_pointer, 0L);
    const std::string shown = "policies " + (policies.empty() ? std::string("(none)") : join(policies.get<std::vector<std::string>>(), ", ")) +
                              ", TTL " + (ttl > 0 ? std::to_string(ttl) + " s" : "none");
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

reports::Check check_reads_own_secret(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> seen;
  for (const auto& entry : outcome.audit) {
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
  for (const auto& entry : outcome.audit) {
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

}  // namespace

std::string StepOutcome::describe() const {
  if (!oauth_error.empty()) return "token endpoint error " + oauth_error + " (HTTP " + std::to_string(http_status) + ")";
  if (http_status == 0 && !sql_value && sql_rows == 0 && statuses.empty()) return "no HTTP answer";
  std::string out = "HTTP " + std::to_string(http_status);
  if (rpc_error) out += ", JSON-RPC error " + std::to_string(*rpc_error);
  if (tool_error) return out + ", tool error: " + excerpt(tool_text);
  if (call_ok()) return out + ", ok: " + excerpt(tool_text.empty() ? result.dump() : tool_text, 160);
  if (!body.empty()) out += ": " + excerpt(body, 160);
  if (const auto challenge = http::find_field(headers, "WWW-Authenticate")) out += " (WWW-Authenticate: " + excerpt(*challenge, 160) + ")";
  return out;
}

reports::Check held(std::string seen) { return {{}, reports::Check::Verdict::held, std::move(seen), {}}; }
reports::Check failed(std::string actual) { return {{}, reports::Check::Verdict::failed, std::move(actual), {}}; }
reports::Check inconclusive(std::string why) { return {{}, reports::Check::Verdict::inconclusive, std::move(why), {}}; }
reports::Check bounded(std::string bound) { return {{}, reports::Check::Verdict::bounded, std::move(bound), {}}; }
reports::Check judged(bool holds, std::string seen) { return holds ? held(std::move(seen)) : failed(std::move(seen)); }

std::vector<reports::Check> check_expectations(const std::vector<Expectation>& expectations,
                                               const StepOutcome& outcome, const CheckContext& context) {
  std::vector<reports::Check> checks;
  for (const auto& expectation : expectations) {
    const Json want = Json::parse(expectation.value);
    const ExpectationKind* kind = find_expectation_kind(expectation.kind);
    // The loader admits only kinds of the table; anything else is a bug, never a pass.
    if (kind == nullptr) throw std::logic_error("unknown expectation kind \"" + expectation.kind + "\"");
    reports::Check check = kind->check(want, outcome, context);
    check.expectation = expectation.kind + ": " + as_text(want);
    check.where = expectation.where.to_string();
    if (check.verdict == reports::Check::Verdict::failed && !outcome.caveat.empty()) {
      check.verdict = reports::Check::Verdict::inconclusive;
      check.actual += " — " + outcome.caveat;
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

// ---- the table ------------------------------------------------------------------------------

namespace {

using enum StepKind;
using enum ValueShape;

reports::Check check_ok(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const bool is_ok = outcome.token_ok || outcome.call_ok();
  return judged(is_ok == want.get<bool>(), outcome.token_ok ? "a token came back" : outcome.describe());
}

// A token that should no longer work (its user disabled, its session signed out) and a server
// that checks tokens locally: it is accepted until its exp. Refused: held. Accepted for at most
// `want` seconds more: a finding with that bound. Longer, or with no exp at all: failed.
reports::Check check_accepted_at_most_s(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const bool accepted = outcome.http_status >= 200 && outcome.http_status < 300 && !outcome.rpc_error && !outcome.tool_error;
  if (!accepted) return held("refused: " + outcome.describe());
  const Json claims = unverified_claims(outcome.sent_token);
  if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number()) {
    return failed("accepted, and the token has no exp: nothing bounds how long it stays accepted");
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const long remaining = claims["exp"].get<long>() - static_cast<long>(now.count());
  const long limit = want.get<long>();
  const std::string left = "accepted, the token's exp " + std::to_string(std::max(remaining, 0L)) + " s away";
  if (remaining > limit) return failed(left + ", beyond " + std::to_string(limit) + " s");
  return bounded("until the token's exp: at most " + std::to_string(limit) + " s (" + left + ")");
}

constexpr int kTooManyRequests = 429;

bool rate_limited(const StepOutcome& outcome) {
  return std::find(outcome.statuses.begin(), outcome.statuses.end(), kTooManyRequests) != outcome.statuses.end();
}

// Why the step's calls could not show a rate limit at work, or nullopt when they could: a burst
// that never put more calls in a span than the stated limit lets through gets no 429 from a
// server that has the limit either, so its lack of one is no finding — a slow
// machine, not the server.
std::optional<std::string> limit_untested(const StepOutcome& outcome, const CheckContext& context) {
  if (context.rate_limit <= 0 || context.rate_window.count() <= 0) {
    return "the scenario file states no rate limit (needs: {rate_limit: {requests: N, window_ms: W}}), so whether "
           "the step's calls reached one cannot be told";
  }
  if (outcome.calls.empty()) return "no tool call was made: " + outcome.describe();
  return limit_not_reached(outcome.calls, context.rate_limit, context.rate_window);
}

// No 429 came: failed when the calls reached the limit, inconclusive when they could not.
reports::Check judged_without_rejection(const StepOutcome& outcome, const CheckContext& context, std::string seen) {
  if (const auto why = limit_untested(outcome, context)) return inconclusive(seen + "; " + *why);
  return failed(std::move(seen));
}

reports::Check check_some_http_status(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  const bool found = std::find(outcome.statuses.begin(), outcome.statuses.end(), want.get<int>()) != outcome.statuses.end();
  std::string seen = reports::burst_summary(outcome.statuses);
  if (found || want.get<int>() != kTooManyRequests) return judged(found, std::move(seen));
  return judged_without_rejection(outcome, context, std::move(seen));
}

reports::Check check_retry_after(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  const bool present = !outcome.retry_after.empty() &&
                       std::all_of(outcome.retry_after.begin(), outcome.retry_after.end(), ::isdigit) &&
                       std::stol(outcome.retry_after) >= 1;
  std::string seen = outcome.retry_after.empty() ? "no rejected call carried Retry-After" : "Retry-After: " + outcome.retry_after;
  // Wanted on a 429 that never came: as some_http_status judges its absence.
  if (want.get<bool>() && !present && !rate_limited(outcome)) return judged_without_rejection(outcome, context, std::move(seen));
  return judged(present == want.get<bool>(), std::move(seen));
}

reports::Check check_header_contains(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  std::string wrong, seen;
  for (const auto& [name, text] : want.items()) {
    const auto value = http::find_field(outcome.headers, name);
    const std::string shown = name + ": " + (value ? excerpt(*value) : "(absent)");
    seen += (seen.empty() ? "" : "; ") + shown;
    if (!value || !contains(lower(*value), lower(text.get<std::string>()))) wrong += (wrong.empty() ? "" : "; ") + shown;
  }
  return wrong.empty() ? held(seen) : failed(wrong);
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
  if (!outcome.audit_observed) return failed("the stack file names no Vault audit log (services.vault.audit_log)");
  return judged_by_window(check_entries(), outcome.audit_by_window, outcome.audit_other_traces, "audit entries");
}

reports::Check check_backend_credential_of(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  if (!outcome.ledger_observed) return failed("this server has no backend ledger to look at");
  const std::string who = as_text(want);
  bool holds = !outcome.ledger.empty();
  for (const auto& entry : outcome.ledger) holds = holds && entry.value("credential_of", "") == who;
  return judged_by_window(judged(holds, ledger_summary(outcome)), outcome.ledger_by_window, outcome.ledger_other_traces,
                          "ledger entries");
}

reports::Check check_no_ledger_entry(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  if (!outcome.ledger_observed) return failed("this server has no backend ledger to look at");
  return judged_by_window(judged(want.get<bool>() == outcome.ledger.empty(), ledger_summary(outcome)),
                          outcome.ledger_by_window, outcome.ledger_other_traces, "ledger entries");
}

reports::Check check_vault_audit(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  return judged_on_audit(outcome, [&] {
    if (want == "own_paths_only") return outcome.agent ? check_agent_paths(outcome) : check_own_paths(outcome, context);
    if (want == "child_token") return check_child_token(outcome);
    if (want == "logs_in") return check_logs_in(outcome, context);
    return check_reads_own_secret(outcome, context);
  });
}

reports::Check check_result_json(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  std::string wrong, seen;
  for (const auto& [pointer, check] : want.items()) {
    Json value;
    try {
      const Json::json_pointer at(pointer);
      if (outcome.result.contains(at)) value = outcome.result.at(at);
    } catch (const Json::exception&) {
    }
    const std::string shown = pointer + " is " + (value.is_null() ? "(absent)" : excerpt(as_text(value)));
    seen += (seen.empty() ? "" : "; ") + shown;
    if (!json_value_holds(value, check)) wrong += (wrong.empty() ? "" : "; ") + shown;
  }
  if (wrong.empty()) return held(seen);
  return failed(outcome.result.is_null() ? outcome.describe() : wrong);
}

reports::Check check_entity_name(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  return judged(outcome.entity_name == as_text(want),
                outcome.entity_name.empty() ? outcome.describe() : "entity " + outcome.entity_name);
}

reports::Check check_errors_contain(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const auto found = std::find_if(outcome.vault_errors.begin(), outcome.vault_errors.end(),
                                  [&](const std::string& error) { return contains(error, as_text(want)); });
  return found != outcome.vault_errors.end() ? held("Vault's error: " + excerpt(*found)) : failed(outcome.describe());
}

// The WWW-Authenticate of a refusal: a Bearer challenge naming the server's protected-resource
// metadata (MCP authorization), with the wanted error code ("none": the bare challenge of a
// request without credentials, which has none).
reports::Check check_bearer_challenge(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const auto value = http::find_field(outcome.headers, "WWW-Authenticate");
  if (!value) return failed(outcome.describe() + ", no WWW-Authenticate");
  const std::string challenge = *value;
  const std::string error = as_text(want);
  std::string wrong;
  if (lower(challenge).rfind("bearer ", 0) != 0) wrong = "not a Bearer challenge";
  if (!contains(challenge, "resource_metadata=\"")) wrong += (wrong.empty() ? "" : "; ") + std::string("no resource_metadata");
  const bool has_error = contains(challenge, "error=\"");
  if (error == "none" ? has_error : !contains(challenge, "error=\"" + error + "\"")) {
    wrong += (wrong.empty() ? "" : "; ") + std::string(error == "none" ? "an error code" : "not error=\"" + error + "\"");
  }
  return wrong.empty() ? held("WWW-Authenticate: " + excerpt(challenge)) : failed(wrong + ": " + excerpt(challenge));
}

// The token the step sent appears nowhere in the answer: not whole, not any segment of it long
// enough to be a credential (the answer may be logged or shown).
reports::Check check_token_not_echoed(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  if (outcome.sent_token.empty()) return failed("this step sent no bearer token");
  std::string answer = outcome.body;
  for (const auto& [name, value] : outcome.headers) answer += "\n" + value;
  std::string echoed;
  std::size_t start = 0;
  while (start < outcome.sent_token.size()) {
    const std::size_t dot = std::min(outcome.sent_token.find('.', start), outcome.sent_token.size());
    const std::string segment = outcome.sent_token.substr(start, dot - start);
    if (segment.size() >= 24 && answer.find(segment) != std::string::npos) echoed = "segment " + std::to_string(start);
    start = dot + 1;
  }
  const bool clean = echoed.empty();
  return judged(clean == want.get<bool>(),
                clean ? "the answer shows no part of the token" : "the answer echoes the token (" + echoed + ")");
}

// The call failed, and its answer shows none of `want`'s texts (a backend's own error text, its
// address): a server says which backend failed, never what the backend said.
reports::Check check_error_hides(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  if (!outcome.tool_error && !outcome.rpc_error) return failed("the call did not fail: " + outcome.describe());
  const std::string answer = outcome.tool_text + "\n" + outcome.body;
  std::set<std::string> shown;
  for (const Json& text : want.is_array() ? want : Json::array({want})) {
    if (contains(answer, text.get<std::string>())) shown.insert("\"" + text.get<std::string>() + "\"");
  }
  if (shown.empty()) return held(outcome.describe());
  return failed("the answer shows " + join(shown) + ": " + outcome.describe());
}

// The Vault logins of this step on the caller's entity were made with tokens issued to `want`
// (login metadata azp, which the stack's role maps from the token): an MCP server that
// exchanges its caller's token logs in with a token of its own client; one that passes the
// user's token through logs in with the user's client's.
reports::Check check_login_client(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> clients;
  for (const auto& entry : outcome.audit) {
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

reports::Check check_vault_login_client(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  return judged_on_audit(outcome, [&] { return check_login_client(want, outcome, context); });
}

// A load step's count (load_outcome.h) equals the one wanted; the count, and when it does not,
// examples.
reports::Check check_load_count(const Json& want, const StepOutcome& outcome, long LoadOutcome::*count,
                                const char* what) {
  if (!outcome.load) return failed("this step made no load");
  const long actual = (*outcome.load).*count;
  std::string text = std::to_string(actual) + " " + what + " (of " + std::to_string(outcome.load->calls) + " calls)";
  if (actual == want.get<long>()) return held(text);
  for (std::size_t i = 0; i < outcome.load->problems.size() && i < 5; ++i) text += "; " + outcome.load->problems[i];
  return failed(text);
}

// No more violations than allowed is a pass only where the probe tested the limit: a server
// whose probe never made a refusal due was not shown to limit anything.
reports::Check check_rate_limit_violations(const Json& want, const StepOutcome& outcome) {
  reports::Check check = check_load_count(want, outcome, &LoadOutcome::rate_limit_violations, "rate-limit violations");
  if (check.verdict != reports::Check::Verdict::held || outcome.load->limits_untested.empty()) return check;
  return inconclusive(check.actual + ", but the limit was never tested for " +
                      text::join(outcome.load->limits_untested, ", ") +
                      ": the probe never offered more than the limit allows");
}

// A burst's or a load's accepted calls. A worker of a sharded load made its slice's share of the
// step's calls (load_step.cpp), so it is held to that share of the count; the merge, to the whole.
reports::Check check_accepted_at_least(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  long wanted = want.get<long>();
  std::string text = std::to_string(outcome.accepted) + " of ";
  if (!outcome.load) return judged(outcome.accepted >= wanted, text + std::to_string(outcome.statuses.size()) + " calls succeeded");
  const LoadOutcome& load = *outcome.load;
  text += std::to_string(load.calls) + " calls succeeded";
  if (load.slices > 1) {
    const long whole = wanted;
    wanted = slice_share(whole, load.slice, load.slices);
    text += " (" + shard_name(load.slice, load.slices) + ": its share of " + std::to_string(whole) + " is " +
            std::to_string(wanted) + ")";
  }
  return judged(outcome.accepted >= wanted, text);
}

}  // namespace

const std::vector<ExpectationKind>& expectation_kinds() {
  static const std::vector<ExpectationKind> table = {
      {"ok",
       "the call succeeded (HTTP 2xx, a JSON-RPC result, no tool error), or the token step got its token",
       boolean, {call, token, sse}, check_ok},
      {"tool_error_contains",
       "the tool's error text contains this",
       text, {call},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.tool_error && contains(o.tool_text, want.get<std::string>()), o.describe());
       }},
      // The call failed (a tool error or a JSON-RPC error) with the stable failure kind named
      // ("missing_credential"), however its server words it (target profile, failures).
      {"failure",
       "a failed call's message shows this stable failure kind (`missing_credential`, …), by the server's target profile",
       text, {call},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const bool is_kind = std::find(o.failure_kinds.begin(), o.failure_kinds.end(), as_text(want)) != o.failure_kinds.end();
         return judged((o.tool_error || o.rpc_error) && is_kind, o.describe());
       }},
      {"error_hides",
       "a failed call's answer shows none of these texts",
       texts, {call}, check_error_hides},
      {"result_contains",
       "the tool's result text contains this",
       text, {call, sse},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const std::string text = o.tool_text.empty() ? o.result.dump() : o.tool_text;
         return judged(!o.tool_error && contains(text, as_text(want)), o.describe());
       }},
      {"result_json",
       "values at JSON pointers of the result (on a `fresh` token step: its claims): a value (equals), or `{equals|not_equals|contains|starts_with: value}`",
       json_checks, {call, http, token, workload, policy_table, svid_token, oauth}, check_result_json},
      {"http_status",
       "the answer's HTTP status",
       http_status, {call, http, vault, tcp, workload, svid_token, oauth, sse},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.http_status == want.get<int>(), o.describe());
       }},
      {"header_contains",
       "each named response header contains its text (case-insensitive)",
       header_map, {call, http, tcp, workload, oauth}, check_header_contains},
      {"bearer_challenge",
       "a `WWW-Authenticate: Bearer` challenge with `resource_metadata` and this `error` (`none`: no error code)",
       text, {call, http, sse}, check_bearer_challenge},
      {"token_not_echoed",
       "the answer contains neither the bearer token (an `oauth` token request: the client secret) the step sent nor any part of it long enough to be a credential",
       boolean, {call, http, vault, workload, oauth, sse}, check_token_not_echoed},
      {"body_contains",
       "the response body contains this",
       text, {http, tcp, oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(contains(o.body, as_text(want)), o.describe());
       }},
      // An answer without content (202 to a notification: no body, RFC 9110 §15.3.3).
      {"body_empty",
       "the response has no body (`true`), or has one (`false`)",
       boolean, {http, tcp},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.body.empty() == want.get<bool>(),
                       o.describe() + " (" + std::to_string(o.body.size()) + " bytes of body)");
       }},
      // The server hung up within this many ms of the connection being made.
      {"closed_within_ms",
       "the server closed the connection within this many ms of it being made",
       integer, {tcp},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         if (!o.closed_after_ms) return failed("the connection was still open when the step ended");
         return judged(*o.closed_after_ms <= want.get<double>(),
                       "closed after " + std::to_string(static_cast<long>(*o.closed_after_ms)) + " ms");
       }},
      // As many answers as requests: a request hidden in another's body is never answered as
      // one of its own, and none of several pipelined ones goes unanswered.
      {"responses",
       "this many whole HTTP answers came back on the connection",
       integer, {tcp},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.responses == want.get<int>(), std::to_string(o.responses) + " answers");
       }},
      {"jsonrpc_error",
       "the JSON-RPC error code",
       integer, {call, http, sse},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.rpc_error == want.get<int>(), o.describe());
       }},
      // What a POST to a stream's messages endpoint made arrive on that stream (sse post).
      {"stream_messages",
       "the watched stream carried this many messages after the POST (an `sse` post: 0 when nothing reached it)",
       integer, {sse},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         if (!o.stream_messages) return failed("no stream was watched");
         return judged(*o.stream_messages == want.get<int>(),
                       std::to_string(*o.stream_messages) + " message(s) on the stream; " + o.describe());
       }},
      {"backend_credential_of",
       "the backend's ledger entry for this very call carries this user's credential",
       text, {call, sse}, check_backend_credential_of},
      {"accepted_at_most_s",
       "a token that should no longer work (its user disabled, its session signed out) is refused, or accepted "
       "only until its exp, at most this many seconds away: a bounded finding that does not fail the scenario",
       integer, {call, http}, check_accepted_at_most_s},
      {"no_ledger_entry",
       "the call left no entry in the backend's ledger (`true`)",
       boolean, {call, sse}, check_no_ledger_entry},
      {"vault_audit",
       "Vault's audit log for the call: `own_paths_only` (an agent's: only KV paths under its own `mcp/<agent>/`), "
       "`reads_own_secret`, `logs_in`, or `child_token` (an agent's KV requests each with a token of its policy "
       "`mcp-agent-<agent>` alone and a TTL of at most 300 s)",
       audit_check, {call, http}, check_vault_audit},
      {"vault_login_client",
       "the server's Vault logins on the caller's entity were all with a token issued to this client (`azp`)",
       text, {call}, check_vault_login_client},
      {"some_http_status",
       "at least one call of the burst, or request of a repeated http step, got this status",
       http_status, {call, http, workload}, check_some_http_status},
      {"no_http_status",
       "no call of the burst, nor request of a repeated http step, got this status",
       http_status, {call, http, workload},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const bool found = std::find(o.statuses.begin(), o.statuses.end(), want.get<int>()) != o.statuses.end();
         return judged(!found, reports::burst_summary(o.statuses));
       }},
      {"retry_after",
       "a rejection came with a `Retry-After` header (`true`)",
       boolean, {call, http, workload}, check_retry_after},
      {"accepted_at_least",
       "at least this many calls succeeded (a load step's worker: its share of them)",
       integer, {call, load, workload}, check_accepted_at_least},
      // A load step (family 10): calls whose backend request (ledger) or database role was not
      // the caller's; ok calls that left no trace to check; calls that failed (a probe's 429s
      // excepted); requests the rate limit let through or refused wrongly (load_checks.h).
      {"cross_user_calls",
       "calls whose backend request or database role was not the caller's",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return check_load_count(want, o, &LoadOutcome::cross_user, "cross-user calls");
       }},
      {"calls_without_entry",
       "successful calls that left no ledger entry or role to check",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return check_load_count(want, o, &LoadOutcome::without_entry, "calls without a ledger entry or role");
       }},
      {"failed_calls",
       "calls that failed (a rate-limit probe's 429s excepted)",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return check_load_count(want, o, &LoadOutcome::failed, "failed calls");
       }},
      {"rate_limit_violations",
       "requests the rate limit let through or refused wrongly",
       integer, {load},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_rate_limit_violations(want, o); }},
      {"entity_name",
       "the Vault entity the login or whoami resolved to",
       text, {vault}, check_entity_name},
      {"errors_contain",
       "Vault's `errors` contain this text",
       text, {vault}, check_errors_contain},
      {"oauth_error",
       "the identity provider's OAuth `error` code",
       text, {token, svid_token},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.oauth_error == as_text(want), o.oauth_error.empty() ? std::string("no error") : o.oauth_error);
       }},
      // The authorization-server family's (oauth_checks.h).
      {"token_error",
       "RFC 6749 §5.2: a JSON body with this `error` (or one of a list), `Cache-Control: no-store`, 400; "
       "`invalid_client` 401 with a `WWW-Authenticate: Basic` challenge when the client used Basic (else 400, or 401 "
       "with a challenge)",
       texts, {oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_token_error(want, o); }},
      {"token_claims",
       "the issued access token's claims: `iss` (the metadata's issuer), `client` (sub, and client_id, azp or sub "
       "naming the client), `aud` (holds the profile's audience), `exp` (in the future), `iat`, `jti`, `lifetime` "
       "(an hour at most, matching expires_in), `scope` (within the client's)",
       texts, {oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_token_claims(want, o); }},
      {"scope_within_client",
       "`invalid_scope`, or a token whose scope is within the client's scopes (`true`)",
       boolean, {oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_scope_within_client(want, o); }},
      {"jwks_public_only",
       "the JWKS has keys, none with private or symmetric members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) (`true`)",
       boolean, {oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_jwks_public_only(want, o); }},
      {"metadata_consistent",
       "the metadata's issuer is the one it was fetched under, its token_endpoint the profile's, its jwks_uri "
       "resolves, it lists client_credentials, and the OpenID configuration agrees (`true`)",
       boolean, {oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_metadata_consistent(want, o); }},
      {"auth_methods_work",
       "every advertised client authentication method the harness presents gave a token (`true`)",
       boolean, {oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_auth_methods_work(want, o); }},
      {"forged_tokens_refused",
       "the target refused (401 or 403) every token forged with what the authorization server published (`true`)",
       boolean, {oauth},
       [](const Json& want, const StepOutcome& o, const CheckContext&) { return check_forged_tokens_refused(want, o); }},
      {"value",
       "the first row's first value",
       text, {sql},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.sql_value == as_text(want), o.sql_value ? *o.sql_value : std::string("(no row)"));
       }},
      {"rows",
       "the number of rows",
       integer, {sql},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         return judged(o.sql_rows == want.get<int>(), std::to_string(o.sql_rows) + " rows");
       }},
      // The step finished within a deadline (a fault's clear error, never a hang).
      {"within_ms",
       "the step finished within this many ms (a fault's clear error, never a hang)",
       integer, {call, http, vault, token, load, workload},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const std::string took = "took " + std::to_string(static_cast<long>(o.ms)) + " ms";
         return o.ms <= want.get<double>() ? held(took) : failed(took + " (" + o.describe() + ")");
       }},
      // The call gave up within the server's own timeout for a dependency (its target profile's
      // dependency_timeout_ms) and this margin: a server honours its timeout, whatever it is.
      {"within_timeout_ms",
       "the call ended within the server's own `dependency_timeout_ms` plus this margin",
       integer, {call},
       [](const Json& want, const StepOutcome& o, const CheckContext&) {
         const long deadline = o.dependency_timeout_ms + want.get<long>();
         const std::string took = "took " + std::to_string(static_cast<long>(o.ms)) + " ms of " + std::to_string(deadline) +
                                  " (the server's timeout " + std::to_string(o.dependency_timeout_ms) + " ms and " +
                                  std::to_string(want.get<long>()) + ")";
         return o.ms <= deadline ? held(took) : failed(took + ": " + o.describe());
       }},
  };
  return table;
}

}  // namespace mcph::harness
