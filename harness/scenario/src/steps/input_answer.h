#pragma once
// A call step's `answer:` (InputAnswer): how the acting user answers a server that asks for input
// before it runs a tool, in MCP 2026-07-28's input_required result. One place reads the field,
// answers the server's questions and words what it asked.
#include <optional>
#include <string>

#include "../yaml_reader.h"
#include "mcph/harness/scenario/scenario.h"
#include "mcph/mcp/client.h"

namespace mcph::harness::scenario {

// `answer: accept` (decline, cancel), or `{action: accept, content: {…}}`.
std::optional<InputAnswer> read_input_answer(const Reader& reader, const YAML::Node& step_value, const std::string& here);

// Answers each elicitation of an input_required result as `answer` says. A question it cannot
// answer (sampling, roots) leaves the call asking; a form `accept` cannot fill without content
// (a field other than a required boolean) is an error naming the field.
mcp::InputAnswerer input_answerer(const InputAnswer& answer);

// What an input_required result asks, in a line: "elicitation: Erase this note for good?".
std::string input_asked(const std::string& input_requests);

// The documentation row of a call step's `answer:`.
inline constexpr std::string_view kAnswerFieldMeaning =
    "how the caller answers a server that asks for input before it runs the tool (MCP 2026-07-28's "
    "`input_required`, a confirmation): `accept` (a yes to each boolean the form requires), `decline`, `cancel`, "
    "or `{action: accept, content: {…}}`; without it the question is the answer, and the scenario is inconclusive";

}  // namespace mcph::harness::scenario
