#include "step_reach.h"

#include <algorithm>

#include "answer_class.h"
#include "expectations.h"
#include "findings.h"
#include "mcph/secrets/scrub.h"
#include "mcph/http/message.h"

namespace mcph::harness::scenario {
namespace {

// The target profile's key that probably describes the server wrongly, from what was answered.
std::string profile_hint(const reports::StepRecord& record) {
  const int status = record.http_status;
  // Not reached by its answer's JSON-RPC error (answer_class.h), whatever the HTTP status.
  if (record.answer == name_of(AnswerClass::not_reached) && !not_reached_status(status)) {
    return "the server has no method or tool of the name the step calls: its tools are named otherwise (the profile's "
           "tools map renames a named tool to the server's own)";
  }
  if (status == 0) return "the profile's url does not reach this server";
  if (status == 404 || (status >= 300 && status < 400)) {
    return "the profile's url or the step's path does not describe this server";
  }
  if (status == 405 || status == 501) return "the profile's transport does not describe this server";
  if (status == 401 || status == 403) return "the profile's auth does not describe how this server identifies its callers";
  // A call refused inside its 200 (StepOutcome::describe's words for a tool or JSON-RPC error).
  const bool refused_inside = std::any_of(record.checks.begin(), record.checks.end(), [](const reports::Check& check) {
    return check.verdict == reports::Check::Verdict::failed &&
           (check.actual.find(", tool error: ") != std::string::npos || check.actual.find(", JSON-RPC error ") != std::string::npos);
  });
  if (status >= 200 && status < 300 && refused_inside) {
    return "the server refused the call in its answer: the rights the profile's auth gives the caller (its scope, "
           "write_scope or clients), or the call's arguments, do not fit this server";
  }
  if (status >= 200 && status < 300) return "the profile's probe or transport does not describe this server";
  return "the server failed a request it is due to serve, so nothing after it can be judged";
}

// What was answered: "404 from POST /mcp/rpc", "no HTTP answer from POST /mcp".
std::string answered(const reports::StepRecord& record) {
  const std::string status = record.http_status == 0 ? "no HTTP answer" : std::to_string(record.http_status);
  return record.request.empty() ? status : status + " from " + record.request;
}

// Whether the step expected the status it got (an http_status or jsonrpc_error check held): a
// 404 or a -32601 it asks for is an answer. Any other check of a step that was not reached holds or fails for nothing: `ok: false`
// holds on a 404 as on a refusal, so a step not reached is inconclusive whether its checks failed
// or not.
bool expected_status(const reports::StepRecord& record) {
  for (const reports::Check& check : record.checks) {
    if (check.verdict != reports::Check::Verdict::held) continue;
    if (check.expectation.rfind("http_status: ", 0) == 0 || check.expectation.rfind("jsonrpc_error: ", 0) == 0) return true;
  }
  return false;
}

}  // namespace

namespace {

bool honest(const std::optional<DpopPresentation>& dpop, const AgentCredentialSpec& agent, const HeaderFields& headers) {
  return agent.shape == "{}" && headers.empty() && (!dpop || *dpop == DpopPresentation{});
}

// A property whose finding is a refusal (refuses-token-it-must-accept, refuses-honest-agent, …):
// of any other, a refusal is never the evidence.
bool refusal_is_the_property(const std::string& property) { return property.starts_with("refuses-"); }

// The request due to be let in, refused before anything (record_answer's comment).
bool call_refused_first(const Step& step, const reports::StepRecord& record, const std::string& property,
                        const std::set<std::string>& accepted_so_far) {
  if (record.http_status != 401 || accepted_so_far.contains(record.server)) return false;
  if (const auto* call = step.get_if<CallStep>()) {
    const bool bent_for_another_property = !refusal_is_the_property(property);
    return (honest(call->dpop, call->agent, call->headers) || bent_for_another_property) && !expects_a_refusal(step.expect);
  }
  // The profile's probe with the caller's credential, due to be let in (`http_status: 200`).
  if (const auto* http = step.get_if<HttpStep>()) {
    const bool let_in = std::any_of(step.expect.begin(), step.expect.end(), [](const Expectation& e) {
      return e.kind == "http_status" && e.value.front() == '2';
    });
    return http->probe && http->authorization == "token" && honest(http->dpop, http->agent, http->headers) && let_in;
  }
  return false;
}

}  // namespace

void record_answer(const Step& step, const std::string& property, const StepOutcome& outcome, reports::StepRecord& record,
                   std::set<std::string>& accepted_so_far) {
  record.control = step.control;
  if (!answers_classified(step.kind())) return;
  // A lookup of the resource's metadata everywhere an MCP client looks: a 404 at the last place
  // is the server publishing none, a verdict, not a request the profile aimed wrong.
  if (const auto* http = step.get_if<HttpStep>(); http && http->protected_resource_metadata) return;
  record.answer = std::string(name_of(classify(outcome)));
  record.request = answered_request(outcome);
  record.challenge = http::find_field(outcome.http.headers, "WWW-Authenticate").value_or("");
  if (call_refused_first(step, record, property, accepted_so_far)) record.control = true;
  if (record.answer == name_of(AnswerClass::accepted)) accepted_so_far.insert(record.server);
}

std::optional<std::string> unreached_reason(const reports::StepRecord& record, std::size_t index) {
  // The title without its number: "1: agent-a reads its own secret" → "agent-a reads its own secret".
  const std::size_t colon = record.title.find(": ");
  const std::string describe = colon == std::string::npos ? record.title : record.title.substr(colon + 2);
  const std::string prefix(reports::kInconclusivePrefix);
  if (record.control && !failed_evidence(record).empty()) {
    return prefix + " control step " + std::to_string(index) + (describe.empty() ? "" : " (" + describe + ")") +
           " failed: " + secrets::scrub(failed_evidence(record)) + " (" + answered(record) + ") — " + profile_hint(record);
  }
  // A question before the tool ran is no verdict, whatever the step checked: `ok: false` holds on it
  // as on a refusal.
  if (record.answer == name_of(AnswerClass::awaiting_input)) {
    return prefix + " step " + std::to_string(index) + " was answered with a question (input_required, " + answered(record) +
           "): the server asks for input before it runs the tool — answer it with the step's answer:";
  }
  if (record.answer != name_of(AnswerClass::not_reached) || expected_status(record)) return std::nullopt;
  return prefix + " step " + std::to_string(index) + " was not reached: " + answered(record) + " — " +
         profile_hint(record);
}

std::optional<std::string> unconnected_reason(const Step& step, const std::string& error, std::size_t index) {
  // http::Client's words for a refused connection (no HTTP answer at all, before any request).
  constexpr std::string_view kRefused = ": cannot connect (";
  if (!answers_classified(step.kind()) || error.find(kRefused) == std::string::npos) return std::nullopt;
  return std::string(reports::kInconclusivePrefix) + " step " + std::to_string(index) + " was not reached: " +
         secrets::scrub(error) + " — nothing listens there: the profile's url does not reach this server";
}

std::optional<std::string> keeps_no_sessions(const std::string& header, const StepOutcome& outcome) {
  if (!http::iequals(header, "Mcp-Session-Id") || outcome.http.status < 200 || outcome.http.status >= 300) return std::nullopt;
  const std::string server = outcome.server.empty() ? "the server" : outcome.server;
  return "not applicable: " + server + " keeps no sessions: its " + std::to_string(outcome.http.status) +
         " carries no Mcp-Session-Id, so there is no session of one caller for another to use";
}

void make_inconclusive(reports::ScenarioResult& result, std::string reason) {
  result.findings.clear();
  result.status = reports::ScenarioResult::Status::error;
  result.message = std::move(reason);
}

}  // namespace mcph::harness::scenario
