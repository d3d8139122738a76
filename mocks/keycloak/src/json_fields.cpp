#include "json_fields.h"

#include <limits>

#include "errors.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

const nlohmann::json* member(const nlohmann::json& rep, const char* key) {
  if (!rep.is_object()) return nullptr;
  auto it = rep.find(key);
  if (it == rep.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean() || value.is_number()) return value.dump();
  throw invalid_json();
}

}  // namespace

nlohmann::json parse_body(const std::string& body, bool array_allowed) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) throw invalid_json();
  if (json.is_object() || (array_allowed && json.is_array())) return json;
  throw invalid_json();
}

std::optional<std::string> get_string(const nlohmann::json& rep, const char* key) {
  const auto* value = member(rep, key);
  if (value == nullptr) return std::nullopt;
  return scalar_text(*value);
}

std::optional<bool> get_bool(const nlohmann::json& rep, const char* key) {
  const auto* value = member(rep, key);
  if (value == nullptr) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_string()) {
    const auto text = text::ascii_lower(value->get<std::string>());
    if (text == "true") return true;
    if (text == "false") return false;
  }
  throw invalid_json();
}

std::optional<long long> get_int(const nlohmann::json& rep, const char* key) {
  const auto* value = member(rep, key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<long long>();
  if (value->is_string()) {
    try {
      std::size_t used = 0;
      const std::string text = value->get<std::string>();
      const long long number = std::stoll(text, &used);
      if (used == text.size()) return number;
    } catch (const std::exception&) {
    }
  }
  throw invalid_json();
}

std::optional<int> get_int32(const nlohmann::json& rep, const char* key) {
  const auto value = get_int(rep, key);
  if (!value) return std::nullopt;
  if (*value < std::numeric_limits<int>::min() || *value > std::numeric_limits<int>::max())
    throw invalid_json();
  return static_cast<int>(*value);
}

std::optional<std::vector<std::string>> get_string_list(const nlohmann::json& rep, const char* key) {
  const auto* value = member(rep, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array()) throw invalid_json();
  std::vector<std::string> out;
  for (const auto& item : *value) out.push_back(scalar_text(item));
  return out;
}

std::optional<std::map<std::string, std::string>> get_string_map(const nlohmann::json& rep, const char* key) {
  const auto* value = member(rep, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) throw invalid_json();
  std::map<std::string, std::string> out;
  for (const auto& [name, item] : value->items()) {
    if (item.is_null()) continue;
    out[name] = scalar_text(item);
  }
  return out;
}

std::optional<Attributes> get_attributes(const nlohmann::json& rep, const char* key) {
  const auto* value = member(rep, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) throw invalid_json();
  Attributes out;
  for (const auto& [name, item] : value->items()) {
    if (item.is_array()) {
      for (const auto& element : item) out[name].push_back(scalar_text(element));
    } else if (!item.is_null()) {
      out[name].push_back(scalar_text(item));
    }
  }
  return out;
}

const nlohmann::json& get_array(const nlohmann::json& rep, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto* value = member(rep, key);
  if (value == nullptr) return kEmpty;
  if (!value->is_array()) throw invalid_json();
  return *value;
}

}  // namespace mcph::mock_keycloak
