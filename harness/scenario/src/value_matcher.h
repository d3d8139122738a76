#pragma once
// One vocabulary for every value an expectation checks (a JSON pointer's value, a header, a
// text): a plain value, or a mapping of checks that must all hold:
//   equals: v       the value is v (a JSON array or object: compared as JSON; else as text)
//   contains: t     its text contains t
//   starts_with: t  its text starts with t
//   matches: re     its text matches the regular expression re (ECMAScript, anywhere in it)
//   count: n        it is an array (or object) of n entries
//   not: m          the value is there and the matcher m does not hold
// What a plain value means is the expectation's to say: equals for a JSON pointer's value,
// contains for a header or an answer's text.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mcph::harness::scenario {

enum class PlainValue { equals, contains };

struct MatchRules {
  PlainValue plain = PlainValue::equals;
  bool ignore_case = false;  // texts compared case-insensitively (header values)
};

// What is wrong with `matcher` as written, or nullopt; a removed form ("not_equals") is told its
// replacement.
std::optional<std::string> matcher_problem(const nlohmann::json& matcher);
// Whether `actual` (null: absent) satisfies `matcher`.
bool value_matches(const nlohmann::json& actual, const nlohmann::json& matcher, MatchRules rules = {});
// How a matcher is written, for the reference.
std::string_view matcher_syntax();

// A JSON value as text: a string as it is, anything else as JSON.
std::string as_text(const nlohmann::json& value);

}  // namespace mcph::harness::scenario
