#include "mcph/mock_vault/policy_template.h"

#include <cctype>

#include "duration.h"

namespace mcph::mock_vault {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool consume(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// ACL mode returns a map value even when present but empty (identitytpl's simpleTemplateHandler);
// a plain string value must be non-empty.
std::optional<std::string> non_empty(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> map_value(const std::map<std::string, std::string>& map, std::string_view key) {
  const auto found = map.find(std::string(key));
  if (found == map.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> alias_value(const TemplateAlias& alias, std::string_view selector) {
  if (selector == "id") return non_empty(alias.id);
  if (selector == "name") return non_empty(alias.name);
  if (consume(selector, "metadata.")) return map_value(alias.metadata, selector);
  if (consume(selector, "custom_metadata.")) return map_value(alias.custom_metadata, selector);
  return std::nullopt;  // bare maps and unknown selectors
}

std::optional<std::string> entity_value(const TemplateIdentity& identity, std::string_view selector) {
  if (!identity.entity) return std::nullopt;
  const TemplateEntity& entity = *identity.entity;
  if (selector == "id") return non_empty(entity.id);
  if (selector == "name") return non_empty(entity.name);
  if (consume(selector, "metadata.")) return map_value(entity.metadata, selector);
  if (consume(selector, "aliases.")) {
    const auto dot = selector.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const std::string_view accessor = selector.substr(0, dot);
    for (const auto& alias : entity.aliases) {
      if (alias.mount_accessor == accessor) return alias_value(alias, selector.substr(dot + 1));
    }
    return std::nullopt;
  }
  return std::nullopt;  // groups.names / groups.ids are lists: unusable in ACL paths
}

std::optional<std::string> group_value(const TemplateIdentity& identity, std::string_view selector) {
  if (identity.groups.empty()) return std::nullopt;
  bool by_id = false;
  if (consume(selector, "ids.")) {
    by_id = true;
  } else if (!consume(selector, "names.")) {
    return std::nullopt;
  }
  const auto dot = selector.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view wanted = selector.substr(0, dot);
  const std::string_view field = selector.substr(dot + 1);
  for (const auto& group : identity.groups) {
    if ((by_id ? group.id : group.name) != wanted) continue;
    if (field == "id") return group.id;
    if (field == "name") return non_empty(group.name);
    std::string_view key = field;
    if (consume(key, "metadata.")) return map_value(group.metadata, key);
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> time_value(std::string_view selector, std::int64_t now) {
  if (selector == "now") return std::to_string(now);
  std::string_view rest = selector;
  if (!consume(rest, "now.")) return std::nullopt;
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view op = rest.substr(0, dot);
  const auto seconds = parse_duration_seconds(rest.substr(dot + 1));
  if (!seconds) return std::nullopt;
  if (op == "plus") return std::to_string(now + *seconds);
  if (op == "minus") return std::to_string(now - *seconds);
  return std::nullopt;
}

std::optional<std::string> directive_value(std::string_view directive, const TemplateIdentity& identity,
                                           std::int64_t now) {
  if (consume(directive, "identity.entity.")) return entity_value(identity, directive);
  if (consume(directive, "identity.groups.")) return group_value(identity, directive);
  if (consume(directive, "time.")) return time_value(directive, now);
  return std::nullopt;
}

}  // namespace

TemplateCheck template_check(std::string_view text) {
  const auto first_open = text.find("{{");
  const std::string_view head = text.substr(0, first_open);
  if (head.find("}}") != std::string_view::npos) return TemplateCheck::unbalanced;
  if (first_open == std::string_view::npos) return TemplateCheck::plain;
  std::string_view rest = text.substr(first_open + 2);
  while (true) {
    const auto next_open = rest.find("{{");
    const std::string_view piece = rest.substr(0, next_open);
    // Each piece after a "{{" must hold exactly one "}}".
    const auto close = piece.find("}}");
    if (close == std::string_view::npos || piece.find("}}", close + 2) != std::string_view::npos) {
      return TemplateCheck::unbalanced;
    }
    if (next_open == std::string_view::npos) return TemplateCheck::templated;
    rest = rest.substr(next_open + 2);
  }
}

std::optional<std::string> render_template(std::string_view text, const TemplateIdentity& identity,
                                           std::int64_t now_unix) {
  const TemplateCheck check = template_check(text);
  if (check == TemplateCheck::unbalanced) return std::nullopt;
  if (check == TemplateCheck::plain) return std::string(text);
  std::string out;
  std::size_t position = 0;
  while (true) {
    const auto open = text.find("{{", position);
    if (open == std::string_view::npos) {
      out.append(text.substr(position));
      return out;
    }
    out.append(text.substr(position, open - position));
    const auto close = text.find("}}", open + 2);
    const auto value = directive_value(trim(text.substr(open + 2, close - open - 2)), identity, now_unix);
    // A value with globs would widen the rule; Vault refuses it (ErrTemplatedWildcard).
    if (!value || value->find_first_of("*+") != std::string::npos) return std::nullopt;
    out.append(*value);
    position = close + 2;
  }
}

}  // namespace mcph::mock_vault
