#pragma once
// A stack-file value that must be a non-empty string, or an error naming where it is.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace mcph::harness::stack {

inline std::string non_empty_text(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string() || value.get<std::string>().empty()) throw std::runtime_error(where + " must be a non-empty string");
  return value.get<std::string>();
}

}  // namespace mcph::harness::stack
