#pragma once
// The value at a JSON pointer of a result, null when the pointer is none or leads nowhere: a
// server's answer, of whatever shape, is read with the pointers a scenario or a profile names.
#include <nlohmann/json.hpp>
#include <string>

namespace mcph::harness::scenario {

inline nlohmann::json json_at(const nlohmann::json& json, const std::string& pointer) {
  try {
    const nlohmann::json::json_pointer at(pointer);
    if (json.contains(at)) return json.at(at);
  } catch (const nlohmann::json::exception&) {  // no pointer, or an index past any size
  }
  return nullptr;
}

}  // namespace mcph::harness::scenario
