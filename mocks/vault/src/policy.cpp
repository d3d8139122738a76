// Decodes a policy document (HCL via hcl_parser, or JSON) into path blocks, with the checks
// and messages of vault/policy.go parsePaths.
#include "mcph/mock_vault/policy.h"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

#include "common.h"
#include "hcl_ast.h"
#include "mcph/mock_vault/policy_template.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

constexpr std::array<std::pair<std::string_view, std::uint32_t>, 10> kCapabilities{{
    {"deny", kDeny},
    {"create", kCreate},
    {"read", kRead},
    {"update", kUpdate},
    {"delete", kDelete},
    {"list", kList},
    {"sudo", kSudo},
    {"patch", kPatch},
    {"subscribe", kSubscribe},
    {"recover", kRecover},
}};

constexpr std::array<std::string_view, 11> kPathKeys{
    "comment",          "policy",           "capabilities", "allowed_parameters",
    "denied_parameters", "required_parameters", "min_wrapping_ttl", "max_wrapping_ttl",
    "mfa_methods",      "control_group",    "subscribe_event_types"};

bool is_valid_path_key(std::string_view key) {
  for (auto valid : kPathKeys) {
    if (valid == key) return true;
  }
  return false;
}

[[noreturn]] void fail(const std::string& reason) {
  throw PolicyParseError("failed to parse policy: " + reason);
}

// The raw capabilities and legacy `policy` value of one block, whatever syntax it came from.
struct RawBlock {
  std::string path;
  std::vector<std::string> capabilities;
  std::string legacy_policy;
};

PathBlock finish_block(const RawBlock& raw) {
  const std::string& key = raw.path;
  PathBlock block;
  block.path = key;
  if (!block.path.empty() && block.path.front() == '/') block.path.erase(0, 1);
  if (block.path.find("+*") != std::string::npos) {
    fail("path \"" + block.path + "\": invalid use of wildcards ('+*' is forbidden)");
  }
  std::vector<std::string> capabilities = raw.capabilities;
  if (!raw.legacy_policy.empty()) {
    const std::string& legacy = raw.legacy_policy;
    if (legacy == "deny") {
      capabilities = {"deny"};
    } else if (legacy == "read") {
      capabilities.insert(capabilities.end(), {"read", "list"});
    } else if (legacy == "write") {
      capabilities.insert(capabilities.end(), {"create", "read", "update", "delete", "list"});
    } else if (legacy == "sudo") {
      capabilities.insert(capabilities.end(), {"create", "read", "update", "delete", "list", "sudo"});
    } else {
      fail("path \"" + key + "\": invalid policy \"" + legacy + "\"");
    }
  }
  for (const auto& name : capabilities) {
    const auto bit = capability_from_name(name);
    if (!bit) fail("path \"" + key + "\": invalid capability \"" + name + "\"");
    if (*bit == kDeny) {
      block.capabilities = kDeny;  // deny wipes everything else in the block
      break;
    }
    block.capabilities |= *bit;
  }
  block.templated = template_check(block.path) == TemplateCheck::templated;
  return block;
}

void check_template_balance(const std::string& path) {
  if (template_check(path) == TemplateCheck::unbalanced) {
    fail("failed to validate policy templating: unbalanced templating characters");
  }
}

// --- HCL --------------------------------------------------------------------------------------

std::vector<std::string> string_list(const hcl::Value& value, const std::string& path, const char* field) {
  std::vector<std::string> out;
  if (value.kind == hcl::Value::Kind::literal) {
    out.push_back(value.literal.value());
    return out;
  }
  if (value.kind != hcl::Value::Kind::list) {
    fail(multierror_text({"path \"" + path + "\": " + field + ": expected a list of strings"}));
  }
  for (const auto& element : value.elements) {
    if (element.kind != hcl::Value::Kind::literal) {
      fail(multierror_text({"path \"" + path + "\": " + field + ": expected a list of strings"}));
    }
    out.push_back(element.literal.value());
  }
  return out;
}

RawBlock decode_hcl_block(const std::string& key, const hcl::Value& body) {
  RawBlock raw;
  raw.path = key;
  check_template_balance(raw.path);
  if (body.kind != hcl::Value::Kind::object) {
    fail(multierror_text({"path \"" + raw.path + "\": cannot check HCL keys of type *ast.LiteralType"}));
  }
  std::vector<std::string> invalid;
  for (const auto& field : body.items) {
    const std::string name = field.keys.front().value();
    if (!is_valid_path_key(name)) {
      invalid.push_back("path \"" + raw.path + "\": invalid key \"" + name + "\" on line " +
                        std::to_string(field.assign.line));
    }
  }
  if (!invalid.empty()) fail(multierror_text(invalid));
  for (const auto& field : body.items) {
    const std::string name = field.keys.front().value();
    if (name == "capabilities") {
      const auto values = string_list(*field.value, raw.path, "capabilities");
      raw.capabilities.insert(raw.capabilities.end(), values.begin(), values.end());
    } else if (name == "policy" && field.value->kind == hcl::Value::Kind::literal) {
      raw.legacy_policy = field.value->literal.value();
    }
  }
  return raw;
}

ParsedPolicy parse_hcl(std::string_view text) {
  std::vector<hcl::Item> items;
  try {
    items = hcl::parse(std::string(text));
  } catch (const hcl::ParseError& e) {
    fail(e.what());
  }
  std::vector<std::string> invalid;
  for (const auto& item : items) {
    const std::string key = item.keys.front().value();
    if (key != "name" && key != "path") {
      invalid.push_back("invalid key \"" + key + "\" on line " + std::to_string(item.assign.line));
    }
  }
  if (!invalid.empty()) fail(multierror_text(invalid));

  ParsedPolicy policy;
  for (const auto& item : items) {
    if (item.keys.front().value() != "path") continue;
    // `path "x" { … }`: the key after "path" names the path (hcl's list.Filter("path")).
    const std::string key = item.keys.size() > 1 ? item.keys[1].value() : std::string("path");
    policy.paths.push_back(finish_block(decode_hcl_block(key, *item.value)));
  }
  return policy;
}

// --- JSON -------------------------------------------------------------------------------------

std::vector<std::string> json_string_list(const nlohmann::json& value, const std::string& path) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return out;
  }
  if (!value.is_array()) fail(multierror_text({"path \"" + path + "\": capabilities: expected a list of strings"}));
  for (const auto& element : value) {
    if (!element.is_string()) {
      fail(multierror_text({"path \"" + path + "\": capabilities: expected a list of strings"}));
    }
    out.push_back(element.get<std::string>());
  }
  return out;
}

RawBlock decode_json_block(const std::string& key, const nlohmann::json& body) {
  RawBlock raw;
  raw.path = key;
  check_template_balance(raw.path);
  if (!body.is_object()) {
    fail(multierror_text({"path \"" + raw.path + "\": cannot check HCL keys of type *ast.LiteralType"}));
  }
  std::vector<std::string> invalid;
  for (const auto& [name, value] : body.items()) {
    if (!is_valid_path_key(name)) invalid.push_back("path \"" + raw.path + "\": invalid key \"" + name + "\" on line 0");
  }
  if (!invalid.empty()) fail(multierror_text(invalid));
  if (auto found = body.find("capabilities"); found != body.end()) raw.capabilities = json_string_list(*found, key);
  if (auto found = body.find("policy"); found != body.end() && found->is_string()) {
    raw.legacy_policy = found->get<std::string>();
  }
  return raw;
}

ParsedPolicy parse_json(std::string_view text) {
  if (json_too_deep(text, 64)) fail("JSON policy nested too deeply");
  nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) fail("invalid JSON policy document");
  std::vector<std::string> invalid;
  for (const auto& [key, value] : document.items()) {
    if (key != "name" && key != "path") invalid.push_back("invalid key \"" + key + "\" on line 0");
  }
  if (!invalid.empty()) fail(multierror_text(invalid));
  ParsedPolicy policy;
  const auto paths = document.find("path");
  if (paths == document.end()) return policy;
  // {"path": {"a/*": {...}}} or {"path": [{"a/*": {...}}, ...]}
  std::vector<const nlohmann::json*> groups;
  if (paths->is_array()) {
    for (const auto& element : *paths) groups.push_back(&element);
  } else {
    groups.push_back(&*paths);
  }
  for (const auto* group : groups) {
    if (!group->is_object()) fail("path: expected an object of paths");
    for (const auto& [key, body] : group->items()) policy.paths.push_back(finish_block(decode_json_block(key, body)));
  }
  return policy;
}

}  // namespace

std::optional<std::uint32_t> capability_from_name(std::string_view name) {
  for (const auto& [known, bit] : kCapabilities) {
    if (known == name) return bit;
  }
  return std::nullopt;
}

std::vector<std::string> capability_names(std::uint32_t bits) {
  if ((bits & kDeny) != 0 || bits == 0) return {"deny"};
  // The order of vault/acl.go Capabilities().
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 9> kOrder{{
      {"sudo", kSudo},
      {"read", kRead},
      {"list", kList},
      {"update", kUpdate},
      {"delete", kDelete},
      {"create", kCreate},
      {"patch", kPatch},
      {"subscribe", kSubscribe},
      {"recover", kRecover},
  }};
  std::vector<std::string> names;
  for (const auto& [name, bit] : kOrder) {
    if ((bits & bit) != 0) names.emplace_back(name);
  }
  return names;
}

ParsedPolicy parse_policy(std::string_view text) {
  std::size_t first = 0;
  while (first < text.size() && (text[first] == ' ' || text[first] == '\t' || text[first] == '\n' ||
                                 text[first] == '\r')) {
    ++first;
  }
  ParsedPolicy policy = first < text.size() && text[first] == '{' ? parse_json(text) : parse_hcl(text);
  for (const auto& block : policy.paths) policy.templated = policy.templated || block.templated;
  return policy;
}

}  // namespace mcph::mock_vault
