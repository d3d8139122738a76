#include "value_matcher.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "mcph/text/ascii_case.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

std::string folded(const std::string& value, bool ignore_case) { return ignore_case ? text::ascii_lower(value) : value; }

bool equals(const Json& actual, const Json& want) {
  if (want.is_structured() || want.is_null()) return actual == want;
  return !actual.is_null() && !actual.is_structured() && as_text(actual) == as_text(want);
}

bool check_holds(std::string_view check, const Json& actual, const Json& operand, MatchRules rules) {
  // An absent value is never a pass, not even of a negation.
  if (check == "not") return !actual.is_null() && !value_matches(actual, operand, rules);
  if (check == "equals") return equals(actual, operand);
  if (check == "count") return actual.is_structured() && actual.size() == operand.get<std::size_t>();
  if (actual.is_null()) return false;
  const std::string text = folded(as_text(actual), rules.ignore_case);
  const std::string want = folded(as_text(operand), rules.ignore_case);
  if (check == "contains") return text.find(want) != std::string::npos;
  if (check == "starts_with") return text.rfind(want, 0) == 0;
  const auto flags = rules.ignore_case ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript;
  return std::regex_search(as_text(actual), std::regex(operand.get<std::string>(), flags));
}

constexpr std::string_view kChecks = "equals, contains, starts_with, matches, count, not";

}  // namespace

std::string as_text(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::optional<std::string> matcher_problem(const Json& matcher) {
  if (!matcher.is_object()) return std::nullopt;
  if (matcher.empty()) return "expected a value or checks (" + std::string(kChecks) + "), got {}";
  for (const auto& [check, operand] : matcher.items()) {
    if (check == "not_equals") return "not_equals was removed: write {not: {equals: " + operand.dump() + "}}";
    if (check == "not") {
      if (auto problem = matcher_problem(operand)) return "not: " + *problem;
    } else if (check == "equals") {
      // A JSON array or object written as text was compared as text; it is compared as JSON now.
      if (operand.is_string()) {
        const Json parsed = Json::parse(operand.get<std::string>(), nullptr, false);
        if (!parsed.is_discarded() && parsed.is_structured()) {
          return "equals: a JSON value is written as JSON, not as text: {equals: " + parsed.dump() + "}";
        }
      }
    } else if (check == "count") {
      if (!operand.is_number_unsigned() && !(operand.is_number_integer() && operand.get<long>() >= 0)) {
        return "count: expected a number of entries, got " + operand.dump();
      }
    } else if (check == "contains" || check == "starts_with") {
      if (operand.is_structured() || operand.is_null()) return check + ": expected a text, got " + operand.dump();
    } else if (check == "matches") {
      if (!operand.is_string()) return "matches: expected a regular expression, got " + operand.dump();
      try {
        std::regex(operand.get<std::string>(), std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return "matches: not a regular expression: " + operand.get<std::string>() + " (" + e.what() + ")";
      }
    } else {
      return "unknown check \"" + check + "\" (" + std::string(kChecks) + ")";
    }
  }
  return std::nullopt;
}

bool value_matches(const Json& actual, const Json& matcher, MatchRules rules) {
  if (!matcher.is_object()) {
    if (rules.plain == PlainValue::contains && !matcher.is_structured()) return check_holds("contains", actual, matcher, rules);
    return equals(actual, matcher);
  }
  for (const auto& [check, operand] : matcher.items()) {
    if (!check_holds(check, actual, operand, rules)) return false;
  }
  return true;
}

std::string_view matcher_syntax() {
  return "a value, or {equals|contains|starts_with|matches|count|not: …} (equals with a JSON array or object "
         "compares JSON; matches: a regular expression; count: an array's entries; not: a matcher that must not hold)";
}

}  // namespace mcph::harness::scenario
