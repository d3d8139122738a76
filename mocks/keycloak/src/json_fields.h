#pragma once
// Typed, forgiving reads of representation members, with Jackson's coercions (a number or a
// boolean may arrive as a string). A member of an impossible type is a body Jackson could not
// bind: 400 "Cannot parse the JSON". null counts as absent.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_keycloak {

// Parses a request body; throws invalid_json() unless it is a JSON object (or array when
// array_allowed).
nlohmann::json parse_body(const std::string& body, bool array_allowed = false);

std::optional<std::string> get_string(const nlohmann::json& rep, const char* key);
std::optional<bool> get_bool(const nlohmann::json& rep, const char* key);
std::optional<long long> get_int(const nlohmann::json& rep, const char* key);
// An int member (Java int): out of range is a binding error too.
std::optional<int> get_int32(const nlohmann::json& rep, const char* key);
std::optional<std::vector<std::string>> get_string_list(const nlohmann::json& rep, const char* key);
std::optional<std::map<std::string, std::string>> get_string_map(const nlohmann::json& rep, const char* key);
// {"k":["v"]} or {"k":"v"} (Keycloak accepts both for user attributes).
std::optional<Attributes> get_attributes(const nlohmann::json& rep, const char* key);
// An array member (empty when absent); throws invalid_json() for another type.
const nlohmann::json& get_array(const nlohmann::json& rep, const char* key);

}  // namespace mcph::mock_keycloak
