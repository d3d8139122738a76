#include "tool_result.h"

#include "substitution.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

namespace {

Json parsed_container(const std::string& text) {
  Json json = Json::parse(text, nullptr, false);
  return json.is_object() || json.is_array() ? json : Json();
}

}  // namespace

Json tool_result_json(const stack::TargetProfile& profile, const std::string& structured_content,
                      const std::string& text_content, Json fallback) {
  Json result = parsed_container(structured_content);
  if (result.is_null()) result = parsed_container(text_content);
  if (result.is_null()) return fallback;
  if (profile.result_rows == "auto") {
    if (result.is_array()) return Json{{"rows", std::move(result)}};
    return result;
  }
  Json rows;
  try {
    const Json::json_pointer at(profile.result_rows);
    if (result.contains(at)) rows = result.at(at);
  } catch (const Json::exception&) {  // a pointer the stack file checked; an odd result has nothing there
  }
  if (!rows.is_array()) return result;
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
