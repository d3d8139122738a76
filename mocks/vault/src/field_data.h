#pragma once
// Reading request fields with Vault's framework coercions (sdk/framework/field_data.go): strings
// for numbers and booleans, comma-separated strings for lists, duration strings for TTLs.
// A value of the wrong type is a 400 naming the field.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace mcph::mock_vault::fields {

bool has(const Json& data, const std::string& name);
std::optional<std::string> get_string(const Json& data, const std::string& name);
std::string string_or(const Json& data, const std::string& name, const std::string& fallback = {});
std::optional<bool> get_bool(const Json& data, const std::string& name);
std::optional<std::int64_t> get_int(const Json& data, const std::string& name);
// Seconds; accepts numbers and duration strings.
std::optional<std::int64_t> get_duration(const Json& data, const std::string& name);
// TypeCommaStringSlice: an array of strings or "a,b,c" (blanks trimmed, empty entries dropped).
std::optional<std::vector<std::string>> get_string_list(const Json& data, const std::string& name);
// TypeKVPairs / map[string]string: an object whose values are strings (numbers become text).
std::optional<std::map<std::string, std::string>> get_string_map(const Json& data, const std::string& name);

// Vault's policy list handling (policyutil.SanitizePolicies): lower-case, trim, dedupe, sort,
// and add "default" unless told not to (never next to "root").
std::vector<std::string> sanitize_policies(std::vector<std::string> policies, bool add_default);

}  // namespace mcph::mock_vault::fields
