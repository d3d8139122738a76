#include "field_data.h"

#include <algorithm>
#include <cmath>

#include "duration.h"
#include "vault_error.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_vault::fields {
namespace {

[[noreturn]] void conversion_error(const std::string& name, const Json& value, const std::string& why) {
  std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
  if (shown.size() > 64) shown = shown.substr(0, 64) + "...";
  throw VaultError::bad_request("error converting input " + shown + " for field \"" + name + "\": " + why);
}

const Json* find(const Json& data, const std::string& name) {
  if (!data.is_object()) return nullptr;
  const auto found = data.find(name);
  if (found == data.end() || found->is_null()) return nullptr;
  return &*found;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n\r");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\n\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

bool has(const Json& data, const std::string& name) { return find(data, name) != nullptr; }

std::optional<std::string> get_string(const Json& data, const std::string& name) {
  const Json* value = find(data, name);
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer()) return std::to_string(value->get<std::int64_t>());
  if (value->is_number()) return value->dump();
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  conversion_error(name, *value, "expected a string");
}

std::string string_or(const Json& data, const std::string& name, const std::string& fallback) {
  return get_string(data, name).value_or(fallback);
}

std::optional<bool> get_bool(const Json& data, const std::string& name) {
  const Json* value = find(data, name);
  if (value == nullptr) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_number()) return value->get<double>() != 0;
  if (value->is_string()) {
    const std::string text = text::ascii_lower(value->get<std::string>());
    if (text == "true" || text == "1" || text == "t") return true;
    if (text == "false" || text == "0" || text == "f" || text.empty()) return false;
  }
  conversion_error(name, *value, "cannot parse as a boolean");
}

std::optional<std::int64_t> get_int(const Json& data, const std::string& name) {
  const Json* value = find(data, name);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_float()) {
    const double number = value->get<double>();
    if (std::isfinite(number) && std::fabs(number) < 9e15) return static_cast<std::int64_t>(number);
  }
  if (value->is_string()) {
    const std::string text = trim(value->get<std::string>());
    if (text.empty()) return 0;
    try {
      std::size_t used = 0;
      const long long parsed = std::stoll(text, &used);
      if (used == text.size()) return parsed;
    } catch (...) {
    }
  }
  conversion_error(name, *value, "cannot parse as an integer");
}

std::optional<std::int64_t> get_duration(const Json& data, const std::string& name) {
  const Json* value = find(data, name);
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) {
    const double number = value->get<double>();
    if (std::isfinite(number) && std::fabs(number) < 9e15) return static_cast<std::int64_t>(number);
  }
  if (value->is_string()) {
    const std::string text = trim(value->get<std::string>());
    if (text.empty()) return 0;
    if (auto seconds = parse_duration_seconds(text)) return seconds;
  }
  conversion_error(name, *value, "invalid duration");
}

std::optional<std::vector<std::string>> get_string_list(const Json& data, const std::string& name) {
  const Json* value = find(data, name);
  if (value == nullptr) return std::nullopt;
  std::vector<std::string> out;
  auto add = [&out](const std::string& item) {
    const std::string trimmed = trim(item);
    if (!trimmed.empty()) out.push_back(trimmed);
  };
  if (value->is_string()) {
    const std::string text = value->get<std::string>();
    std::size_t start = 0;
    while (true) {
      const auto comma = text.find(',', start);
      add(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  if (value->is_array()) {
    for (const auto& element : *value) {
      if (element.is_string()) {
        add(element.get<std::string>());
      } else if (element.is_number() || element.is_boolean()) {
        add(element.dump());
      } else {
        conversion_error(name, *value, "expected a list of strings");
      }
    }
    return out;
  }
  conversion_error(name, *value, "expected a list of strings");
}

std::optional<std::map<std::string, std::string>> get_string_map(const Json& data, const std::string& name) {
  const Json* value = find(data, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) conversion_error(name, *value, "expected a map");
  std::map<std::string, std::string> out;
  for (const auto& [key, item] : value->items()) {
    if (item.is_string()) {
      out[key] = item.get<std::string>();
    } else if (item.is_number() || item.is_boolean()) {
      out[key] = item.dump();
    } else if (item.is_null()) {
      out[key] = "";
    } else {
      conversion_error(name, *value, "expected a map of strings");
    }
  }
  return out;
}

std::vector<std::string> sanitize_policies(std::vector<std::string> policies, bool add_default) {
  std::vector<std::string> out;
  bool root = false;
  for (auto& policy : policies) {
    std::string name = text::ascii_lower(trim(policy));
    if (name.empty()) continue;
    root = root || name == "root";
    out.push_back(std::move(name));
  }
  if (root) return {"root"};  // root ignores every other policy
  if (add_default) out.push_back("default");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace mcph::mock_vault::fields
