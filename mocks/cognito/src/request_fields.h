#pragma once
// Reading the members of an action's JSON request; a missing or mistyped required member is
// Cognito's InvalidParameterException.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcph::mock_cognito {

std::string required_string(const nlohmann::json& request, std::string_view member);
std::optional<std::string> optional_string(const nlohmann::json& request, std::string_view member);
bool optional_bool(const nlohmann::json& request, std::string_view member, bool fallback);
std::vector<std::string> string_list(const nlohmann::json& request, std::string_view member);
// AuthParameters and the like: a map of strings (absent = empty).
std::string map_value(const nlohmann::json& request, std::string_view member, std::string_view key);
// [{"Name":…,"Value":…}] → pairs.
std::vector<std::pair<std::string, std::string>> attribute_list(const nlohmann::json& request,
                                                                std::string_view member);

}  // namespace mcph::mock_cognito
