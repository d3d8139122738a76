#include "request_fields.h"

#include "errors.h"

namespace mcph::mock_cognito {

std::string required_string(const nlohmann::json& request, std::string_view member) {
  const auto value = optional_string(request, member);
  if (!value || value->empty()) throw missing_member(member);
  return *value;
}

std::optional<std::string> optional_string(const nlohmann::json& request, std::string_view member) {
  const auto it = request.find(member);
  if (it == request.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw CognitoError("SerializationException", "Start of structure or map found where not expected.");
  return it->get<std::string>();
}

bool optional_bool(const nlohmann::json& request, std::string_view member, bool fallback) {
  const auto it = request.find(member);
  if (it == request.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw CognitoError("SerializationException", "Expected a boolean for " + std::string(member));
  return it->get<bool>();
}

std::vector<std::string> string_list(const nlohmann::json& request, std::string_view member) {
  std::vector<std::string> out;
  const auto it = request.find(member);
  if (it == request.end() || it->is_null()) return out;
  if (!it->is_array()) throw CognitoError("SerializationException", "Expected a list for " + std::string(member));
  for (const auto& item : *it) {
    if (!item.is_string()) throw CognitoError("SerializationException", "Expected strings in " + std::string(member));
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string map_value(const nlohmann::json& request, std::string_view member, std::string_view key) {
  const auto it = request.find(member);
  if (it == request.end() || it->is_null()) return {};
  if (!it->is_object()) throw CognitoError("SerializationException", "Expected a map for " + std::string(member));
  const auto value = it->find(key);
  if (value == it->end() || !value->is_string()) return {};
  return value->get<std::string>();
}

std::vector<std::pair<std::string, std::string>> attribute_list(const nlohmann::json& request,
                                                                std::string_view member) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto it = request.find(member);
  if (it == request.end() || it->is_null()) return out;
  if (!it->is_array()) throw CognitoError("SerializationException", "Expected a list for " + std::string(member));
  for (const auto& item : *it) {
    if (!item.is_object()) throw CognitoError("SerializationException", "Expected attribute objects in " + std::string(member));
    const std::string name = required_string(item, "Name");
    out.emplace_back(name, optional_string(item, "Value").value_or(""));
  }
  return out;
}

}  // namespace mcph::mock_cognito
