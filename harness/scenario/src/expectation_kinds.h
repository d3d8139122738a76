#pragma once
// Every kind of expectation a scenario step can state, listed once: its name as written in a
// scenario file, the shape its value must have (checked when the file loads), the kinds of step
// that can check it, and the check itself. The loader refuses a kind that is not here or not
// checkable by its step; the runner checks through this table and nothing else, so no kind can
// pass without being checked.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/reports/model.h"
#include "step_outcome.h"

namespace mcph::harness {

struct CheckContext;

enum class ValueShape {
  boolean,      // true | false
  http_status,  // 100-599
  integer,
  text,         // text or a number, compared as text
  texts,        // a text or a list of texts
  header_map,   // {Header-Name: text it contains}
  json_checks,  // {/json/pointer: value | {equals|not_equals|contains|starts_with: value}}
  audit_check,  // own_paths_only | reads_own_secret | logs_in | child_token
};

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
  std::vector<StepKind> steps;
  std::function<reports::Check(const nlohmann::json& want, const StepOutcome& outcome, const CheckContext& context)> check;
};

const std::vector<ExpectationKind>& expectation_kinds();
const ExpectationKind* find_expectation_kind(std::string_view name);
// The names `step` can check, for the loader's messages.
std::vector<std::string> expectation_names_for(StepKind step);
// What is wrong with `value` for `shape` ("expected an integer, got \"x\""), or nullopt.
std::optional<std::string> shape_problem(ValueShape shape, const nlohmann::json& value);
// How a value of `shape` is written, for the reference: "true or false", "an HTTP status".
std::string_view shape_description(ValueShape shape);

}  // namespace mcph::harness
