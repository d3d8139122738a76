#pragma once
// A tool call's answer as the expectations see it, whatever the server's conventions (its target
// profile): the result JSON with the rows at /rows, and the stable failure kinds its error shows.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness::scenario {

// The result of a call: its structured content, else its text content when that is a JSON object
// or array, else `fallback` (the JSON-RPC result); then the rows the profile's result_rows finds
// (a bare array, or what its pointer names) put at /rows. Other fields stay where they are.
nlohmann::json tool_result_json(const stack::TargetProfile& profile, const std::string& structured_content,
                                const std::string& text_content, nlohmann::json fallback);

// The profile's failure kinds whose texts (with ${user} as `user`) appear in `message` (a failed
// call's own words), and those it has no texts for when `message` is not blank.
std::vector<std::string> failure_kinds(const stack::TargetProfile& profile, const std::string& message, const std::string& user);

}  // namespace mcph::harness::scenario
