// The expectation table's lookups, and the values each kind of expectation takes (checked when a
// scenario file loads, described in the generated reference).
#include <algorithm>

#include "expectation_kinds.h"
#include "mcph/harness/stack/tool_map.h"
#include "steps/step_kind.h"
#include "value_matcher.h"
#include "workload_cells.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;
using enum ValueShape;

const ExpectationKind* find_expectation_kind(std::string_view name) {
  for (const auto& kind : expectation_kinds()) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

std::optional<std::string_view> renamed_expectation(std::string_view name) {
  // Each name says what it counts: calls or seconds; a Vault error like a tool error.
  static constexpr std::pair<std::string_view, std::string_view> kRenamed[] = {
      {"errors_contain", "vault_error_contains"},
      {"accepted_at_least", "accepted_calls_at_least"},
      {"accepted_at_most_s", "accepted_for_at_most_s"},
  };
  for (const auto& [old_name, new_name] : kRenamed) {
    if (old_name == name) return new_name;
  }
  return std::nullopt;
}

std::vector<std::string> expectation_names_for(const std::vector<ResultPart>& parts) {
  std::vector<std::string> names;
  for (const auto& kind : expectation_kinds()) {
    const bool yielded = std::any_of(kind.reads.begin(), kind.reads.end(), [&](ResultPart part) {
      return std::find(parts.begin(), parts.end(), part) != parts.end();
    });
    if (yielded) names.emplace_back(kind.name);
  }
  return names;
}

std::vector<std::string> expectation_names_for(StepKind step) { return expectation_names_for(step_kind_info(step).yields); }

std::optional<std::string> shape_problem(ValueShape shape, const Json& value) {
  const auto expected = [&](const std::string& what) { return "expected " + what + ", got " + value.dump(); };
  switch (shape) {
    case boolean:
      if (!value.is_boolean()) return expected("true or false");
      break;
    case http_status:
      if (!value.is_number_integer() || value.get<int>() < 100 || value.get<int>() > 599) {
        return expected("an HTTP status (100-599)");
      }
      break;
    case integer:
      if (!value.is_number_integer()) return expected("an integer");
      break;
    case text:
      if (!value.is_string() && !value.is_number()) return expected("text");
      break;
    case texts:
      if (value.is_string() && !value.get<std::string>().empty()) break;
      if (!value.is_array() || value.empty()) return expected("a text or a list of texts");
      for (const auto& entry : value) {
        if (!entry.is_string() || entry.get<std::string>().empty()) return expected("a list of texts");
      }
      break;
    case text_match:
      if (!value.is_string() && !value.is_number() && !value.is_object()) return expected("a text or a matcher");
      return matcher_problem(value);
    case value_match:
      if (value.is_array()) return expected("a value or a matcher");
      return matcher_problem(value);
    case header_map:
      if (!value.is_object() || value.empty()) return expected("a mapping of header names to texts or matchers");
      for (const auto& [name, matcher] : value.items()) {
        if (!matcher.is_string() && !matcher.is_object()) return expected("a text or a matcher for header " + name);
        if (auto problem = matcher_problem(matcher)) return name + ": " + *problem;
      }
      break;
    case json_checks:
      if (!value.is_object() || value.empty()) return expected("a mapping of JSON pointers to values or matchers");
      for (const auto& [pointer, matcher] : value.items()) {
        if (!pointer.empty() && pointer[0] != '/') return "\"" + pointer + "\" is not a JSON pointer (/a/0/b, or \"\" for the whole result)";
        if (auto problem = matcher_problem(matcher)) return pointer + ": " + *problem;
      }
      break;
    case audit_check:
      if (!value.is_string() || std::find(kAuditChecks.begin(), kAuditChecks.end(), value.get<std::string>()) == kAuditChecks.end()) {
        return expected(kAuditCheckNames);
      }
      break;
    case refusal_kind:
      if (!value.is_string() || !stack::is_refusal_kind(value.get<std::string>())) return expected(std::string(stack::kRefusalKinds));
      break;
    case decision:
      if (!value.is_string() || !is_policy_decision(value.get<std::string>())) return expected(std::string(kPolicyDecisions));
      break;
    case param_header: {
      const auto names = [&](const char* key) { return value.contains(key) && value[key].is_string() && !value[key].get<std::string>().empty(); };
      if (!value.is_object() || value.size() != 3 || !names("tool") || !names("argument") || !names("header")) {
        return expected("{tool: a tool's name, argument: /json/pointer, header: a header name}");
      }
      if (value["argument"].get<std::string>()[0] != '/') return "argument: \"" + value["argument"].get<std::string>() + "\" is not a JSON pointer (/a/b)";
      break;
    }
    case alternatives:
      if (!value.is_array() || value.size() < 2) return expected("a list of two or more mappings of expectations");
      for (std::size_t i = 0; i < value.size(); ++i) {
        const Json& alternative = value[i];
        const std::string at = "alternative " + std::to_string(i + 1);
        if (!alternative.is_object() || alternative.empty()) return at + ": expected a mapping of expectations, got " + alternative.dump();
        for (const auto& [name, inner] : alternative.items()) {
          const ExpectationKind* kind = find_expectation_kind(name);
          if (kind == nullptr || kind->shape == alternatives) return at + ": " + name + " is no expectation an alternative can hold";
          if (auto problem = shape_problem(kind->shape, inner)) return at + ": " + name + ": " + *problem;
        }
      }
      break;
  }
  return std::nullopt;
}

std::string_view shape_description(ValueShape shape) {
  switch (shape) {
    case boolean: return "true or false";
    case http_status: return "an HTTP status (100-599)";
    case integer: return "an integer";
    case text: return "a text";
    case texts: return "a text or a list of texts";
    case text_match: return "a text it contains, or a matcher";
    case value_match: return "a value it equals, or a matcher";
    case header_map: return "{Header-Name: a text it contains, or a matcher}";
    case json_checks: return "{/json/pointer: a value it equals, or a matcher}";
    case audit_check: return kAuditCheckNames;
    case refusal_kind: return stack::kRefusalKinds;
    case decision: return kPolicyDecisions;
    case param_header: return "{tool: a name, argument: /json/pointer, header: a header name}";
    case alternatives: return "a list of two or more {expectation: value} mappings";
  }
  return "";
}

}  // namespace mcph::harness::scenario
