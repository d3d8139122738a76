#include "mcph/mcp/json_schema.h"

#include <cmath>

namespace mcph::mcp {
namespace {

std::string json_type_name(const nlohmann::json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number_float()) return "number";
  return value.type_name();  // null, boolean, string, array, object
}

bool has_type(const nlohmann::json& value, const std::string& type) {
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    if (!value.is_number_float()) return false;
    const double d = value.get<double>();
    return std::isfinite(d) && d == std::floor(d);
  }
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "null") return value.is_null();
  return true;  // unknown type names constrain nothing
}

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

class Validator {
 public:
  explicit Validator(std::size_t max_problems) : max_(max_problems) {}
  std::vector<std::string> problems;

  void validate(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    if (full()) return;
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) add(path, "no value is allowed here");
      return;
    }
    if (!schema.is_object()) return;
    if (!check_type(schema, value, path)) return;  // the rest assumes the right type
    check_enum_const(schema, value, path);
    if (value.is_number()) check_number(schema, value, path);
    if (value.is_string()) check_string(schema, value, path);
    if (value.is_object()) check_object(schema, value, path);
    if (value.is_array()) check_array(schema, value, path);
    check_combinators(schema, value, path);
  }

 private:
  std::size_t max_;

  bool full() const { return problems.size() >= max_; }
  void add(const std::string& path, const std::string& message) {
    if (!full()) problems.push_back((path.empty() ? "(root)" : path) + ": " + message);
  }

  bool check_type(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    auto it = schema.find("type");
    if (it == schema.end()) return true;
    std::vector<std::string> types;
    if (it->is_string()) {
      types.push_back(it->get<std::string>());
    } else if (it->is_array()) {
      for (const auto& t : *it) {
        if (t.is_string()) types.push_back(t.get<std::string>());
      }
    }
    if (types.empty()) return true;
    for (const auto& type : types) {
      if (has_type(value, type)) return true;
    }
    std::string expected;
    for (const auto& type : types) expected += (expected.empty() ? "" : " or ") + type;
    add(path, "expected " + expected + ", got " + json_type_name(value));
    return false;
  }

  void check_enum_const(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    if (auto it = schema.find("enum"); it != schema.end() && it->is_array()) {
      bool found = false;
      for (const auto& allowed : *it) found = found || allowed == value;
      if (!found) add(path, "must be one of " + it->dump());
    }
    if (auto it = schema.find("const"); it != schema.end() && *it != value) {
      add(path, "must be " + it->dump());
    }
  }

  void check_number(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    const double v = value.get<double>();
    auto limit = [&](const char* key, auto violated, const char* words) {
      auto it = schema.find(key);
      if (it != schema.end() && it->is_number() && violated(v, it->template get<double>())) {
        add(path, std::string("must be ") + words + " " + it->dump());
      }
    };
    limit("minimum", [](double a, double b) { return a < b; }, ">=");
    limit("maximum", [](double a, double b) { return a > b; }, "<=");
    limit("exclusiveMinimum", [](double a, double b) { return a <= b; }, ">");
    limit("exclusiveMaximum", [](double a, double b) { return a >= b; }, "<");
  }

  // Length in code points, as JSON Schema counts it.
  static std::size_t utf8_length(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  void check_size(const nlohmann::json& schema, const char* min_key, const char* max_key, std::size_t size,
                  const std::string& path, const char* unit) {
    auto min = schema.find(min_key);
    if (min != schema.end() && min->is_number_unsigned() && size < min->get<std::size_t>()) {
      add(path, "must have at least " + min->dump() + " " + unit);
    }
    auto max = schema.find(max_key);
    if (max != schema.end() && max->is_number_unsigned() && size > max->get<std::size_t>()) {
      add(path, "must have at most " + max->dump() + " " + unit);
    }
  }

  void check_string(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    check_size(schema, "minLength", "maxLength", utf8_length(value.get_ref<const std::string&>()), path,
               "characters");
  }

  void check_object(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    if (auto it = schema.find("required"); it != schema.end() && it->is_array()) {
      for (const auto& name : *it) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          add(path, "missing required property '" + name.get<std::string>() + "'");
        }
      }
    }
    const auto properties = schema.find("properties");
    const bool has_properties = properties != schema.end() && properties->is_object();
    const auto additional = schema.find("additionalProperties");
    for (const auto& [name, member] : value.items()) {
      const std::string member_path = path + "/" + escape_pointer_token(name);
      if (has_properties && properties->contains(name)) {
        validate((*properties)[name], member, member_path);
      } else if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          add(member_path, "unknown property '" + name + "'");
        } else {
          validate(*additional, member, member_path);
        }
      }
    }
  }

  void check_array(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    check_size(schema, "minItems", "maxItems", value.size(), path, "items");
    auto items = schema.find("items");
    if (items == schema.end() || !(items->is_object() || items->is_boolean())) return;
    for (std::size_t i = 0; i < value.size() && !full(); ++i) {
      validate(*items, value[i], path + "/" + std::to_string(i));
    }
  }

  // Runs a sub-validation without reporting; returns whether it passed.
  bool passes(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) const {
    Validator inner(1);
    inner.validate(schema, value, path);
    return inner.problems.empty();
  }

  void check_combinators(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path) {
    if (auto it = schema.find("allOf"); it != schema.end() && it->is_array()) {
      for (const auto& sub : *it) validate(sub, value, path);
    }
    if (auto it = schema.find("anyOf"); it != schema.end() && it->is_array()) {
      bool any = false;
      for (const auto& sub : *it) any = any || passes(sub, value, path);
      if (!any) add(path, "matches none of the allowed schemas (anyOf)");
    }
    if (auto it = schema.find("oneOf"); it != schema.end() && it->is_array()) {
      std::size_t count = 0;
      for (const auto& sub : *it) count += passes(sub, value, path) ? 1 : 0;
      if (count != 1) add(path, "must match exactly one schema (oneOf), matches " + std::to_string(count));
    }
  }
};

}  // namespace

std::vector<std::string> validate_json_schema(const nlohmann::json& schema, const nlohmann::json& instance,
                                              std::size_t max_problems) {
  Validator validator(max_problems);
  validator.validate(schema, instance, "");
  return std::move(validator.problems);
}

}  // namespace mcph::mcp
