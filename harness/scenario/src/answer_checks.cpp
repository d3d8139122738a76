// The expectations on a step's answer: its status and headers, its result, the token it sent,
// what a failed call shows.
#include <algorithm>
#include <chrono>
#include <set>

#include "expectation_checks.h"
#include "json_at.h"
#include "mcph/http/message.h"
#include "mcph/mcp/param_headers.h"
#include "mcph/text/ascii_case.h"
#include "mcph/text/join.h"
#include "token_claims.h"
#include "value_matcher.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;
using text::join;

reports::Check check_ok(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const bool is_ok = outcome.grant.ok || outcome.call_ok();
  return judged(is_ok == want.get<bool>(), outcome.grant.ok ? "a token came back" : outcome.describe());
}

// A token that should no longer work (its user disabled, its session signed out) and a server
// that checks tokens locally: it is accepted until its exp. Refused: held. Accepted for at most
// `want` seconds more: a finding with that bound. Longer, or with no exp at all: failed.
reports::Check check_accepted_for_at_most_s(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const bool accepted = outcome.http.status >= 200 && outcome.http.status < 300 && !outcome.rpc.error && !outcome.tool.error &&
                        !outcome.tool.input_required;
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

namespace {

// Each `{key: matcher}` of `want` against the value `find(key)` gives (null: absent): held with
// every value seen, else failed with those that do not match.
template <typename Find>
reports::Check check_each(const Json& want, Find&& find, MatchRules rules) {
  std::string wrong, seen;
  for (const auto& [key, matcher] : want.items()) {
    const Json value = find(key);
    const std::string shown = key + (rules.plain == PlainValue::contains ? ": " : " is ") +
                              (value.is_null() ? "(absent)" : excerpt(as_text(value)));
    seen += (seen.empty() ? "" : "; ") + shown;
    if (!value_matches(value, matcher, rules)) wrong += (wrong.empty() ? "" : "; ") + shown;
  }
  return wrong.empty() ? held(seen) : failed(wrong);
}

}  // namespace

reports::Check check_header_contains(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const auto header = [&](const std::string& name) {
    const auto value = http::find_field(outcome.http.headers, name);
    return value ? Json(*value) : Json();
  };
  return check_each(want, header, {PlainValue::contains, true});
}

namespace {

// Where `pointer` stops fitting the shape of `result`: its first part when the result has none of
// it, or the part whose value cannot be read the way the pointer goes on (a name into an array, a
// step into a string). Empty when the pointer fits: a value there, or an array too short, or an
// object without a deeper key — answers the check judges.
std::string part_not_fitting(const Json& result, const std::string& pointer) {
  std::vector<std::string> parts;
  try {
    for (Json::json_pointer rest(pointer); !rest.empty(); rest.pop_back()) parts.insert(parts.begin(), rest.back());
  } catch (const Json::exception&) {
    return "";  // no pointer: nothing to say of the answer's shape
  }
  Json::json_pointer walked;
  for (const std::string& part : parts) {
    const Json::json_pointer next = walked / part;
    bool there = false;
    try {
      there = result.contains(next);
    } catch (const Json::exception&) {  // an index past any size
    }
    if (there) {
      walked = next;
      continue;
    }
    const Json& here = result.at(walked);
    if (here.is_object()) return walked.empty() ? next.to_string() : "";  // a key of its own, or one judged missing
    const bool an_index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    if (here.is_array() && an_index) return "";  // an array too short
    return walked.empty() ? next.to_string() : walked.to_string() + " (" + here.type_name() + ")";
  }
  return "";
}

}  // namespace

reports::Check check_result_json(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const auto at = [&](const std::string& pointer) { return json_at(outcome.result, pointer); };
  reports::Check check = check_each(want, at, {PlainValue::equals});
  if (check.verdict == reports::Check::Verdict::failed && outcome.result.is_null()) return failed(outcome.describe());
  if (check.verdict == reports::Check::Verdict::failed && outcome.call_ok()) {
    // A call answered in a shape the harness does not read where every failing check looks: the
    // harness reads the answer where this server does not put it, and cannot judge it.
    std::vector<std::string> unread;
    std::size_t failing = 0;
    for (const auto& [pointer, matcher] : want.items()) {
      if (value_matches(at(pointer), matcher, {PlainValue::equals})) continue;
      ++failing;
      if (const std::string part = part_not_fitting(outcome.result, pointer); !part.empty()) unread.push_back(part);
    }
    if (!unread.empty() && unread.size() == failing) {
      return inconclusive(check.actual + ": the answer has no " + join(unread, ", ") + " to read so (" +
                          excerpt(as_text(outcome.result)) + "); the profile's result_rows and result_columns, or its "
                          "tools map's result and fields, may not say where this server puts it");
    }
  }
  return check;
}

reports::Check check_declares_param_header(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const std::string tool = want["tool"].get<std::string>();
  const std::string header = want["header"].get<std::string>();
  const std::string argument = want["argument"].get<std::string>();
  const Json tools = json_at(outcome.result, "/result/tools");
  if (!tools.is_array()) return failed(outcome.describe() + ": no tools/list result");
  for (const Json& listed : tools) {
    if (!listed.is_object() || listed.value("name", Json()) != tool) continue;
    const Json schema = listed.value("inputSchema", Json::object());
    try {
      for (const mcp::ParamHeader& declared : mcp::param_headers(schema)) {
        if (http::iequals(declared.name, header) && declared.argument.to_string() == argument) {
          return held(tool + " repeats " + argument + " in Mcp-Param-" + declared.name);
        }
      }
    } catch (const std::invalid_argument& e) {
      return failed(tool + "'s inputSchema declares a parameter header the revision does not allow: " + e.what());
    }
    return failed(tool + " repeats " + argument + " in no Mcp-Param-" + header + " header: " + excerpt(schema.dump()));
  }
  return failed("the list has no tool " + tool);
}

reports::Check check_text(const Json& want, const std::string& text, const StepOutcome& outcome, bool holds_too) {
  return judged(holds_too && value_matches(text, want, {PlainValue::contains}), outcome.describe());
}

reports::Check check_entity_name(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  return judged(!outcome.vault.entity_name.empty() && value_matches(outcome.vault.entity_name, want),
                outcome.vault.entity_name.empty() ? outcome.describe() : "entity " + outcome.vault.entity_name);
}

reports::Check check_vault_error_contains(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const auto found = std::find_if(outcome.vault.errors.begin(), outcome.vault.errors.end(), [&](const std::string& error) {
    return value_matches(error, want, {PlainValue::contains});
  });
  return found != outcome.vault.errors.end() ? held("Vault's error: " + excerpt(*found)) : failed(outcome.describe());
}

// The WWW-Authenticate of a refusal: a Bearer challenge naming the server's protected-resource
// metadata (MCP authorization), with the wanted error code ("none": the bare challenge of a
// request without credentials, which has none).
reports::Check check_bearer_challenge(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const auto value = http::find_field(outcome.http.headers, "WWW-Authenticate");
  if (!value) return failed(outcome.describe() + ", no WWW-Authenticate");
  const std::string challenge = *value;
  const std::string error = as_text(want);
  std::string wrong;
  if (text::ascii_lower(challenge).rfind("bearer ", 0) != 0) wrong = "not a Bearer challenge";
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
  std::string answer = outcome.http.body;
  for (const auto& [name, value] : outcome.http.headers) answer += "\n" + value;
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

namespace {

// Which of `want`'s texts the answer shows (its tool text and its body as sent), each quoted.
std::set<std::string> texts_shown(const Json& want, const StepOutcome& outcome) {
  const std::string answer = outcome.tool.text + "\n" + outcome.http.body;
  std::set<std::string> shown;
  for (const Json& text : want.is_array() ? want : Json::array({want})) {
    if (contains(answer, text.get<std::string>())) shown.insert("\"" + text.get<std::string>() + "\"");
  }
  return shown;
}

}  // namespace

// The answer shows none of `want`'s texts, whether the call worked or failed: a server's "not
// found" may be a result as well as an error, and either may name what it asked.
reports::Check check_answer_hides(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const std::set<std::string> shown = texts_shown(want, outcome);
  if (shown.empty()) return held(outcome.describe());
  return failed("the answer shows " + join(shown) + ": " + outcome.describe());
}

// The call failed, and its answer shows none of `want`'s texts (a backend's own error text, its
// address): a server says which backend failed, never what the backend said.
reports::Check check_error_hides(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  if (!outcome.tool.error && !outcome.rpc.error) return failed("the call did not fail: " + outcome.describe());
  return check_answer_hides(want, outcome, context);
}

// A capability call refused as its server refuses that kind (its tool map), in its own way.
reports::Check check_refused(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const std::string kind = want.get<std::string>();
  const auto shape = outcome.tool.refusal_shapes.find(kind);
  if (shape == outcome.tool.refusal_shapes.end()) {
    return inconclusive("refused: reads a capability call's answer (capability:), and this step's target describes no " + kind +
                        " refusal");
  }
  const bool shown = std::find(outcome.tool.refusals.begin(), outcome.tool.refusals.end(), kind) != outcome.tool.refusals.end();
  const std::string how = " (this server refuses " + kind + " with " + shape->second + ")";
  // An error in 200 that is none of the refusals the tool map describes refused the call all the
  // same, in words the harness cannot read: that is no evidence of a grant. (An error status is
  // the findings' wrong-error-status.)
  const bool unread_error = (outcome.tool.error || outcome.rpc.error) && outcome.http.status < 400 && outcome.tool.refusals.empty();
  if (!shown && unread_error) {
    return inconclusive("the call failed in words this server's tool map describes for no refusal, so whether it was refused "
                        "as " + kind + " cannot be told: " + outcome.describe() + how);
  }
  return judged(shown, outcome.describe() + how);
}

}  // namespace mcph::harness::scenario
