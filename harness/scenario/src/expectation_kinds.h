#pragma once
// Every kind of expectation a scenario step can state, listed once: its name as written in a
// scenario file, the shape its value must have (checked when the file loads), the parts of a
// step's result it reads (result_part.h), and the check itself. A step may state it when its kind
// yields one of those parts. The loader refuses a kind that is not here or not checkable by its
// step; the runner checks through this table and nothing else, so no kind can pass without being
// checked.
#include <array>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/reports/model.h"
#include "result_part.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

struct CheckContext;

enum class ValueShape {
  boolean,      // true | false
  http_status,  // 100-599
  integer,
  text,         // text or a number, compared as text
  texts,        // a text or a list of texts
  text_match,   // a text it contains, or a matcher (value_matcher.h)
  value_match,  // a value it equals, or a matcher
  header_map,   // {Header-Name: a text it contains, or a matcher}
  json_checks,  // {/json/pointer: a value it equals, or a matcher}
  audit_check,  // one of kAuditChecks
  refusal_kind, // insufficient_scope | invalid_argument | not_found (tool_map.h)
  decision,     // granted | denied | unavailable (workload_cells.h)
  alternatives, // a list of two or more {expectation: value} mappings (either)
  param_header,  // {tool: a name, argument: /json/pointer, header: Name} (declares_param_header)
};

// The checks of Vault's audit log a step's `vault_audit` names.
inline constexpr std::array<std::string_view, 6> kAuditChecks = {"own_paths_only", "reads_own_secret", "logs_in",
                                                                 "child_token", "requests_token", "no_kv_request"};
inline constexpr const char* kAuditCheckNames =
    "own_paths_only, reads_own_secret, logs_in, child_token, requests_token or no_kv_request";

// What a check returns: its verdict and what it saw (check_expectations adds the expectation).
reports::Check held(std::string seen = {});
reports::Check failed(std::string actual);
// The harness cannot tell (e.g. it cannot attribute what it saw to this step): never a pass.
reports::Check inconclusive(std::string why);
// The target did what the expectation forbids, within the bound the scenario accepts (`bound`
// says which): a finding with its bound, not a failure.
reports::Check bounded(std::string bound);
// held(seen) when `holds`, else failed(seen): for checks whose evidence reads the same either way.
reports::Check judged(bool holds, std::string seen);

struct ExpectationKind {
  std::string_view name;
  std::string_view summary;  // what it checks, for the scenario-format reference
  ValueShape shape;
  std::vector<ResultPart> reads;  // it may be stated on a step that yields any of these
  std::function<reports::Check(const nlohmann::json& want, const StepOutcome& outcome, const CheckContext& context)> check;
};

const std::vector<ExpectationKind>& expectation_kinds();
const ExpectationKind* find_expectation_kind(std::string_view name);
// The name an expectation has now, when `name` is what it was called before; else nullopt.
std::optional<std::string_view> renamed_expectation(std::string_view name);
// The names a step whose kind yields `parts` can check; of a kind, those of the parts it yields.
std::vector<std::string> expectation_names_for(const std::vector<ResultPart>& parts);
std::vector<std::string> expectation_names_for(StepKind step);
// What is wrong with `value` for `shape` ("expected an integer, got \"x\""), or nullopt.
std::optional<std::string> shape_problem(ValueShape shape, const nlohmann::json& value);
// How a value of `shape` is written, for the reference: "true or false", "an HTTP status".
std::string_view shape_description(ValueShape shape);

}  // namespace mcph::harness::scenario
