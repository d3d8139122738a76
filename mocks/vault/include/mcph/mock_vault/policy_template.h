#pragma once
// Identity templating in policy paths ({{identity.entity.name}} and friends), as Vault's
// sdk/helper/identitytpl does it in ACL mode. Pure.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::mock_vault {

struct TemplateAlias {
  std::string id;
  std::string name;
  std::string mount_accessor;
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::string> custom_metadata;
};

struct TemplateGroup {
  std::string id;
  std::string name;
  std::map<std::string, std::string> metadata;
};

struct TemplateEntity {
  std::string id;
  std::string name;
  std::map<std::string, std::string> metadata;
  std::vector<TemplateAlias> aliases;
};

// What the caller's token knows about its identity: no entity for the root token or tokens
// created without one.
struct TemplateIdentity {
  std::optional<TemplateEntity> entity;
  std::vector<TemplateGroup> groups;  // direct and inherited
};

enum class TemplateCheck { plain, templated, unbalanced };
// Write-time check: only the balance of {{ and }} (Vault's ValidityCheckOnly).
TemplateCheck template_check(std::string_view text);

// Renders every directive. nullopt when one cannot be resolved for this caller (no entity,
// missing metadata key, no alias on that accessor, not in that group, an empty value, a
// list-valued directive, or a value holding '*' or '+'): Vault then drops the whole path block.
// `now_unix` serves {{time.now…}}.
std::optional<std::string> render_template(std::string_view text, const TemplateIdentity& identity,
                                           std::int64_t now_unix);

}  // namespace mcph::mock_vault
