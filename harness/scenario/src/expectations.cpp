#include "expectations.h"

#include <algorithm>
#include <stdexcept>

#include "expectation_checks.h"
#include "mcph/secrets/scrub.h"
#include "mcph/text/ascii_case.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

std::string excerpt(const std::string& text, std::size_t limit) {
  std::string out = secrets::scrub(text);
  if (out.size() > limit) out = out.substr(0, limit) + "…";
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string StepOutcome::describe() const {
  if (!grant.oauth_error.empty()) return "token endpoint error " + grant.oauth_error + " (HTTP " + std::to_string(http.status) + ")";
  if (http.status == 0 && !sql.value && sql.rows == 0 && burst.statuses.empty()) return "no HTTP answer";
  std::string out = "HTTP " + std::to_string(http.status);
  if (rpc.error) out += ", JSON-RPC error " + std::to_string(*rpc.error);
  if (tool.error) return out + ", tool error: " + excerpt(tool.text);
  if (tool.input_required) return out + ", input_required: the server asks " + excerpt(tool.input_asked, 160) + " before it runs the tool";
  if (call_ok()) return out + ", ok: " + excerpt(tool.text.empty() ? result.dump() : tool.text, 160);
  if (!http.body.empty()) out += ": " + excerpt(http.body, 160);
  if (const auto challenge = http::find_field(http.headers, "WWW-Authenticate")) out += " (WWW-Authenticate: " + excerpt(*challenge, 160) + ")";
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

bool expects_a_refusal(const std::vector<Expectation>& expectations) {
  return std::any_of(expectations.begin(), expectations.end(), [](const Expectation& e) {
    return (e.kind == "ok" && e.value == "false") || (e.kind == "http_status" && e.value.front() != '2') ||
           e.kind == "some_http_status" || e.kind == "bearer_challenge" || e.kind == "jsonrpc_error";
  });
}

bool expects_to_be_served(const std::vector<Expectation>& expectations) {
  const bool served = std::any_of(expectations.begin(), expectations.end(), [](const Expectation& e) {
    return (e.kind == "ok" && e.value == "true") || (e.kind == "http_status" && e.value.front() == '2');
  });
  return served && !expects_a_refusal(expectations);
}

reports::Check check_either(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  std::string seen;
  bool undecided = false;  // an alternative whose checks held or could not tell, none failing
  for (const Json& alternative : want) {
    std::vector<Expectation> group;
    for (const auto& [kind, value] : alternative.items()) group.push_back({kind, value.dump(), {}});
    std::string unmet;
    bool failing = false;
    for (const reports::Check& check : check_expectations(group, outcome, context)) {
      if (check.verdict == reports::Check::Verdict::held) continue;
      failing = failing || check.verdict == reports::Check::Verdict::failed;
      unmet += (unmet.empty() ? "" : "; ") + check.expectation + " — " + check.actual;
    }
    if (unmet.empty()) return held(alternative.dump() + " held");
    undecided = undecided || !failing;
    seen += (seen.empty() ? "" : " | ") + alternative.dump() + ": " + unmet;
  }
  return undecided ? inconclusive("no alternative held: " + seen) : failed("no alternative held: " + seen);
}

}  // namespace mcph::harness::scenario
