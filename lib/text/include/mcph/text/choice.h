#pragma once
// A word that names one value of an enum whose values are written as `names`, in the enum's
// order: the configuration files' and scenario files' sub-kinds ("window", "caller_token"), read
// once into the enum so that code compares values, not spellings.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mcph/text/join.h"

namespace mcph::text {

// The value `written` names, or nullopt.
template <typename Enum, std::size_t N>
std::optional<Enum> choice_of(std::string_view written, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == written) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

// How `value` is written.
template <typename Enum, std::size_t N>
std::string name_of(Enum value, const std::array<std::string_view, N>& names) {
  return std::string(names.at(static_cast<std::size_t>(value)));
}

// The choices, for an error message: "\"a\" or \"b\"", "\"a\", \"b\" or \"c\"".
template <std::size_t N>
std::string choices(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += "\"" + std::string(names[i]) + "\"";
  }
  return out;
}

}  // namespace mcph::text
