#include "expectations.h"

#include <algorithm>
#include <set>

#include "observers.h"
#include "mcph/reports/scrub.h"

namespace mcph::harness {
namespace {

using Json = nlohmann::json;

std::string excerpt(const std::string& text, std::size_t limit = 240) {
  std::string out = reports::scrub(text);
  if (out.size() > limit) out = out.substr(0, limit) + "…";
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string as_text(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string ledger_summary(const Json& ledger) {
  if (ledger.empty()) return "no ledger entry carries this step's trace id";
  std::string out;
  for (const auto& entry : ledger) {
    if (!out.empty()) out += "; ";
    out += entry.value("method", "") + " " + entry.value("path", "") + " → " + std::to_string(entry.value("status", 0)) +
           " with the credential of " + entry.value("credential_of", "?");
  }
  return out;
}

// A `result_json` check on one value: a plain expected value means equals.
std::string check_json_value(const Json& actual, const Json& check) {
  const std::string text = actual.is_null() ? "(absent)" : as_text(actual);
  if (!check.is_object()) {
    return actual == check || (actual.is_string() && text == as_text(check)) ? "" : text;
  }
  for (const auto& [op, operand] : check.items()) {
    const std::string want = as_text(operand);
    bool holds = false;
    if (op == "equals") holds = !actual.is_null() && text == want;
    if (op == "not_equals") holds = !actual.is_null() && text != want;
    if (op == "contains") holds = !actual.is_null() && contains(text, want);
    if (op == "starts_with") holds = !actual.is_null() && text.rfind(want, 0) == 0;
    if (!holds) return text;
  }
  return "";
}

// Vault's audit log for this step: no entry of the caller's entity reads another user's path,
// and no one else's entity reads the caller's paths.
std::string check_own_paths(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> problems;
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
  }
  std::string out;
  for (const auto& problem : problems) out += (out.empty() ? "" : "; ") + problem;
  return out;
}

std::string check_reads_own_secret(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> seen;
  for (const auto& entry : outcome.audit) {
    if (entry.value("type", "") != "request") continue;
    const std::string path = entry.value("/request/path"_json_pointer, "");
    const std::string owner = path_owner(path);
    if (owner.empty()) continue;
    const std::string entity = entry.value("/auth/entity_id"_json_pointer, "");
    if (owner == outcome.caller && entity == own_entity && !own_entity.empty()) return "";
    const std::string name = context.entity_name(entity);
    seen.insert(path + " by entity " + (name.empty() ? "\"" + entity + "\"" : name));
  }
  if (seen.empty()) return "no secret path of any user in Vault's audit log during this step";
  std::string out = "no read of " + outcome.caller + "'s own secrets by " + outcome.caller + "'s entity; seen: ";
  bool first = true;
  for (const auto& item : seen) {
    out += (first ? "" : ", ") + item;
    first = false;
  }
  return out;
}

// A Vault login during this step that landed on the caller's entity.
std::string check_logs_in(const StepOutcome& outcome, const CheckContext& context) {
  const std::string own_entity = context.entity_of(outcome.caller);
  std::set<std::string> seen;
  for (const auto& entry : outcome.audit) {
    if (entry.value("type", "") != "response") continue;
    const std::string path = entry.value("/request/path"_json_pointer, "");
    if (path.find("/login") == std::string::npos || path.rfind("auth/", 0) != 0) continue;
    // The new token's entity is in the response's auth (the request had no token yet).
    const std::string entity = entry.value("/response/auth/entity_id"_json_pointer, "");
    if (!own_entity.empty() && entity == own_entity) return "";
    const std::string name = context.entity_name(entity);
    seen.insert(name.empty() ? "\"" + entity + "\"" : name);
  }
  std::string out = "no Vault login of " + outcome.caller + "'s entity during this step";
  if (!seen.empty()) {
    out += "; logins seen for";
    for (const auto& name : seen) out += " " + name;
  }
  return out;
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

std::vector<reports::Failure> check_expectations(const std::vector<Expectation>& expectations,
                                                 const StepOutcome& outcome, const CheckContext& context) {
  std::vector<reports::Failure> failures;
  for (const auto& expectation : expectations) {
    const Json want = Json::parse(expectation.value);
    std::string actual;  // non-empty: the expectation does not hold
    const std::string& kind = expectation.kind;
    if (kind == "ok") {
      const bool is_ok = outcome.token_ok || outcome.call_ok();
      if (is_ok != want.get<bool>()) actual = outcome.describe();
    } else if (kind == "tool_error_contains") {
      if (!outcome.tool_error || !contains(outcome.tool_text, want.get<std::string>())) actual = outcome.describe();
    } else if (kind == "result_contains") {
      const std::string text = outcome.tool_text.empty() ? outcome.result.dump() : outcome.tool_text;
      if (outcome.tool_error || !contains(text, as_text(want))) actual = outcome.describe();
    } else if (kind == "http_status") {
      if (outcome.http_status != want.get<int>()) actual = outcome.describe();
    } else if (kind == "some_http_status") {
      if (std::find(outcome.statuses.begin(), outcome.statuses.end(), want.get<int>()) == outcome.statuses.end()) {
        std::string seen;
        for (int status : outcome.statuses) seen += (seen.empty() ? "" : " ") + std::to_string(status);
        actual = "statuses of the " + std::to_string(outcome.statuses.size()) + " calls: " + seen;
      }
    } else if (kind == "accepted_at_least") {
      if (outcome.accepted < want.get<int>()) actual = std::to_string(outcome.accepted) + " calls succeeded";
    } else if (kind == "retry_after") {
      const bool present = !outcome.retry_after.empty() && std::all_of(outcome.retry_after.begin(), outcome.retry_after.end(), ::isdigit) &&
                           std::stol(outcome.retry_after) >= 1;
      if (present != want.get<bool>()) {
        actual = outcome.retry_after.empty() ? "no rejected call carried Retry-After" : "Retry-After: " + outcome.retry_after;
      }
    } else if (kind == "header_contains") {
      for (const auto& [name, text] : want.items()) {
        const auto value = http::find_field(outcome.headers, name);
        if (!value || !contains(lower(*value), lower(text.get<std::string>()))) {
          actual += (actual.empty() ? "" : "; ") + name + ": " + (value ? excerpt(*value) : "(absent)");
        }
      }
    } else if (kind == "body_contains") {
      if (!contains(outcome.body, as_text(want))) actual = outcome.describe();
    } else if (kind == "jsonrpc_error") {
      if (outcome.rpc_error != want.get<int>()) actual = outcome.describe();
    } else if (kind == "backend_credential_of") {
      const std::string who = as_text(want);
      bool holds = !outcome.ledger.empty();
      for (const auto& entry : outcome.ledger) holds = holds && entry.value("credential_of", "") == who;
      if (!outcome.ledger_observed) actual = "this server has no backend ledger to look at";
      else if (!holds) actual = ledger_summary(outcome.ledger);
    } else if (kind == "no_ledger_entry") {
      if (!outcome.ledger_observed) actual = "this server has no backend ledger to look at";
      else if (want.get<bool>() != outcome.ledger.empty()) actual = ledger_summary(outcome.ledger);
    } else if (kind == "vault_audit") {
      if (!outcome.audit_observed) {
        actual = "the stack file names no Vault audit log (services.vault.audit_log)";
      } else {
        actual = want == "own_paths_only"     ? check_own_paths(outcome, context)
                 : want == "logs_in"          ? check_logs_in(outcome, context)
                                              : check_reads_own_secret(outcome, context);
      }
    } else if (kind == "result_json") {
      for (const auto& [pointer, check] : want.items()) {
        Json value;
        try {
          const Json::json_pointer at(pointer);
          if (outcome.result.contains(at)) value = outcome.result.at(at);
        } catch (const Json::exception&) {
        }
        if (const std::string wrong = check_json_value(value, check); !wrong.empty()) {
          actual += (actual.empty() ? "" : "; ") + pointer + " is " + excerpt(wrong);
        }
      }
      if (!actual.empty() && outcome.result.is_null()) actual = outcome.describe();
    } else if (kind == "entity_name") {
      if (outcome.entity_name != as_text(want)) {
        actual = outcome.entity_name.empty() ? outcome.describe() : "entity " + outcome.entity_name;
      }
    } else if (kind == "errors_contain") {
      const bool found = std::any_of(outcome.vault_errors.begin(), outcome.vault_errors.end(),
                                     [&](const std::string& error) { return contains(error, as_text(want)); });
      if (!found) actual = outcome.describe();
    } else if (kind == "oauth_error") {
      if (outcome.oauth_error != as_text(want)) actual = outcome.oauth_error.empty() ? "no error" : outcome.oauth_error;
    } else if (kind == "value") {
      if (outcome.sql_value != as_text(want)) actual = outcome.sql_value ? *outcome.sql_value : "(no row)";
    } else if (kind == "rows") {
      if (outcome.sql_rows != want.get<int>()) actual = std::to_string(outcome.sql_rows) + " rows";
    }
    if (!actual.empty()) {
      failures.push_back({outcome.title, kind + ": " + as_text(want) + " (" + expectation.where.to_string() + ")", actual});
    }
  }
  return failures;
}

}  // namespace mcph::harness
