#include "tool_result.h"

#include <algorithm>

#include "json_at.h"
#include "substitution.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

namespace {

Json parsed_container(const std::string& text) {
  Json json = Json::parse(text, nullptr, false);
  return json.is_object() || json.is_array() ? json : Json();
}

// Rows of values, each an object of column → value by the names at `columns`; rows that are not
// arrays, or names that are not strings, are left as they are.
void name_columns(Json& rows, const Json& names) {
  if (!names.is_array() || !std::all_of(names.begin(), names.end(), [](const Json& name) { return name.is_string(); })) return;
  for (Json& row : rows) {
    if (!row.is_array()) continue;
    Json named = Json::object();
    for (std::size_t i = 0; i < row.size() && i < names.size(); ++i) named[names[i].get<std::string>()] = row[i];
    row = std::move(named);
  }
}

}  // namespace

Json tool_result_json(const stack::TargetProfile& profile, const std::string& structured_content,
                      const std::string& text_content, Json fallback) {
  Json result = parsed_container(structured_content);
  if (result.is_null()) result = parsed_container(text_content);
  if (result.is_null()) return fallback;
  const bool automatic = profile.result_rows == "auto";
  if (automatic && result.is_array()) return Json{{"rows", std::move(result)}};
  Json rows = json_at(result, automatic ? "/rows" : profile.result_rows);
  if (!rows.is_array()) return result;
  if (!profile.result_columns.empty()) name_columns(rows, json_at(result, profile.result_columns));
  if (!result.is_object()) return Json{{"rows", std::move(rows)}};
  result["rows"] = std::move(rows);
  return result;
}

std::vector<std::string> failure_kinds(const stack::TargetProfile& profile, const std::string& message, const std::string& user) {
  std::vector<std::string> kinds;
  const Resolver caller = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "user") return user;
    return std::nullopt;
  };
  const bool says_something = message.find_first_not_of(" \t\r\n") != std::string::npos;
  for (const auto& [kind, texts] : profile.failures) {
    if (texts.empty() && says_something) kinds.push_back(kind);
    for (const auto& text : texts) {
      if (message.find(substitute(text, caller)) != std::string::npos) {
        kinds.push_back(kind);
        break;
      }
    }
  }
  return kinds;
}

}  // namespace mcph::harness::scenario
