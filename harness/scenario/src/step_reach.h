#pragma once
// Whether a step's failure says anything about the server: a step whose answer never reached
// what it tests (not-reached, answer_class.h), or a control step that failed, makes its scenario
// inconclusive, saying which step, what was answered and which key of the target profile
// probably describes the server wrongly. The scenario stops there: every later step would stand
// on the same wrong footing, so nothing it showed would be a verdict either.
#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/reports/model.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

// Fills the record's answer, request, challenge and control from the step and its outcome, and
// adds the step's server to `accepted_so_far` (the servers that accepted a step of the scenario)
// when it accepted this one. A step counts as a control when the scenario says so, and when it is
// a request due to be let in, refused before anything: made as its caller with the credential it
// holds — unbent, or bent for a `property` that is not a refusal's (a certificate with an OU
// naming another agent, due to be its own agent's) — due to be let in — a tool call that asks for
// no refusal (no `ok: false`, error status, challenge or JSON-RPC error), or the profile's probe,
// unbent, due to get 200 — and answered 401 by a server that had accepted no step of the scenario
// yet. Such a server refused the harness's own credential: the stack file does not describe how it
// identifies its callers, or the credential is not one it takes, and nothing the scenario tests
// was reached, so there is no finding and the scenario is inconclusive.
void record_answer(const Step& step, const std::string& property, const StepOutcome& outcome, reports::StepRecord& record,
                   std::set<std::string>& accepted_so_far);

// Why the scenario is inconclusive after this step (the `index`-th, 1-based), starting
// "inconclusive:": a control step with a failed check, a step not reached that did not ask
// for the status it got (its other checks hold or fail for nothing: `ok: false` holds on a 404),
// or a call answered with a question (input_required) it gave no answer to; none when the step's
// checks are a verdict on the server.
std::optional<std::string> unreached_reason(const reports::StepRecord& record, std::size_t index);

// Why the scenario is inconclusive when a step whose answers are classified (a call or http step
// of a server under test) could not be carried out because `error`, the transport's, says the
// connection was refused: nothing listens where the stack file points, so the server was not
// reached, and no verdict on it can be had. None for any other failure (a timeout, a reset, a
// TLS refusal: the server was there), which leaves the step broken.
std::optional<std::string> unconnected_reason(const Step& step, const std::string& error, std::size_t index);

// Why a scenario that saves the response header `header` of this answer does not apply to its
// server, starting "not applicable:": a 2xx without Mcp-Session-Id is a server that keeps no
// sessions (MCP's Streamable HTTP: a server MAY assign one at initialize), so there is none of
// one caller for another to use. None for any other header or answer.
std::optional<std::string> keeps_no_sessions(const std::string& header, const StepOutcome& outcome);

// The scenario says nothing about the server: no finding, an error whose message is `reason`.
void make_inconclusive(reports::ScenarioResult& result, std::string reason);

}  // namespace mcph::harness::scenario
