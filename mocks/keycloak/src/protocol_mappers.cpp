#include "protocol_mappers.h"

#include "representations.h"
#include "roles.h"

namespace mcph::mock_keycloak {
namespace {

std::string config_value(const ProtocolMapper& mapper, const std::string& key) {
  auto it = mapper.config.find(key);
  return it == mapper.config.end() ? std::string() : it->second;
}

// "a.b" nests; "a\.b" is one claim named "a.b" (ProtocolMapperUtils.splitClaimPath).
std::vector<std::string> split_claim_path(const std::string& name) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 1 < name.size() && name[i + 1] == '.') {
      parts.back() += '.';
      ++i;
    } else if (name[i] == '.') {
      parts.emplace_back();
    } else {
      parts.back() += name[i];
    }
  }
  return parts;
}

nlohmann::ordered_json typed(const std::string& value, const std::string& json_type) {
  if (json_type == "long" || json_type == "int") {
    try {
      std::size_t used = 0;
      const long long number = std::stoll(value, &used);
      if (used == value.size()) return number;
    } catch (const std::exception&) {
    }
    return value;
  }
  if (json_type == "boolean") return value == "true";
  if (json_type == "JSON") {
    auto parsed = nlohmann::ordered_json::parse(value, nullptr, false);
    return parsed.is_discarded() ? nlohmann::ordered_json(value) : parsed;
  }
  return value;
}

void set_nested(nlohmann::ordered_json& claims, const std::string& claim_name, nlohmann::ordered_json value) {
  const auto path = split_claim_path(claim_name);
  nlohmann::ordered_json* node = &claims;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    auto& child = (*node)[path[i]];
    if (!child.is_object()) child = nlohmann::ordered_json::object();
    node = &child;
  }
  (*node)[path.back()] = std::move(value);
}

// OIDCAttributeMapperHelper.mapClaim: one value or, when multivalued, an array.
void map_values(nlohmann::ordered_json& claims, const ProtocolMapper& mapper,
                const std::vector<std::string>& values, const std::string& default_claim = {}) {
  std::string claim = config_value(mapper, "claim.name");
  if (claim.empty()) claim = default_claim;
  if (claim.empty() || values.empty()) return;
  const std::string json_type = config_value(mapper, "jsonType.label");
  if (config_value(mapper, "multivalued") == "true") {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& value : values) array.push_back(typed(value, json_type));
    set_nested(claims, claim, std::move(array));
  } else {
    set_nested(claims, claim, typed(values.front(), json_type));
  }
}

std::string user_property(const User& user, const std::string& property) {
  if (property == "username") return user.username;
  if (property == "email") return user.email;
  if (property == "firstName") return user.first_name;
  if (property == "lastName") return user.last_name;
  if (property == "id") return user.id;
  return {};
}

}  // namespace

bool mapper_applies(const ProtocolMapper& mapper, TokenKind kind) {
  switch (kind) {
    case TokenKind::access:
      return config_value(mapper, "access.token.claim") == "true";
    case TokenKind::id:
      return config_value(mapper, "id.token.claim") == "true";
    case TokenKind::userinfo:
      return config_value(mapper, "userinfo.token.claim") == "true";
    case TokenKind::introspection: {
      const std::string value = config_value(mapper, "introspection.token.claim");
      if (value.empty()) return mapper_applies(mapper, TokenKind::access);
      return value == "true";
    }
  }
  return false;
}

Mappers mappers_in_effect(const Realm& realm, const Client& client, const std::vector<std::string>& scopes) {
  Mappers mappers;
  for (const auto& mapper : client.mappers) mappers.push_back(&mapper);
  for (const auto& name : scopes) {
    if (const ClientScope* scope = realm.find_client_scope_by_name(name)) {
      for (const auto& mapper : scope->mappers) mappers.push_back(&mapper);
    }
  }
  return mappers;
}

std::vector<std::string> mapper_audiences(const Mappers& mappers, TokenKind kind) {
  std::vector<std::string> audiences;
  for (const ProtocolMapper* entry : mappers) {
    const ProtocolMapper& mapper = *entry;
    if (mapper.type != "oidc-audience-mapper" || !mapper_applies(mapper, kind)) continue;
    std::string audience = config_value(mapper, "included.client.audience");
    if (audience.empty()) audience = config_value(mapper, "included.custom.audience");
    if (!audience.empty()) audiences.push_back(audience);
  }
  return audiences;
}

void apply_claim_mappers(const Realm& realm, const Mappers& mappers, const User& user, TokenKind kind,
                         nlohmann::ordered_json& claims) {
  for (const ProtocolMapper* entry : mappers) {
    const ProtocolMapper& mapper = *entry;
    if (mapper.protocol != "openid-connect" || !mapper_applies(mapper, kind)) continue;
    if (mapper.type == "oidc-usermodel-realm-role-mapper") {
      const std::string prefix = config_value(mapper, "usermodel.realmRoleMapping.rolePrefix");
      std::vector<std::string> roles;
      for (const auto& role : effective_realm_roles(realm, user)) roles.push_back(prefix + role);
      map_values(claims, mapper, roles, "realm_access.roles");
    } else if (mapper.type == "oidc-group-membership-mapper") {
      // Always an array, and the claim name is taken literally (no nesting).
      const std::string claim = config_value(mapper, "claim.name");
      if (claim.empty()) continue;
      const bool full_path = config_value(mapper, "full.path") != "false";
      nlohmann::ordered_json groups = nlohmann::ordered_json::array();
      for (const auto& group_id : user.group_ids) {
        auto it = realm.groups.find(group_id);
        if (it == realm.groups.end()) continue;
        groups.push_back(full_path ? group_path(realm, it->second) : it->second.name);
      }
      claims[claim] = std::move(groups);
    } else if (mapper.type == "oidc-usermodel-attribute-mapper") {
      auto it = user.attributes.find(config_value(mapper, "user.attribute"));
      if (it != user.attributes.end()) map_values(claims, mapper, it->second);
    } else if (mapper.type == "oidc-usermodel-property-mapper") {
      const std::string value = user_property(user, config_value(mapper, "user.attribute"));
      if (!value.empty()) map_values(claims, mapper, {value});
    } else if (mapper.type == "oidc-hardcoded-claim-mapper") {
      const std::string value = config_value(mapper, "claim.value");
      if (!value.empty()) map_values(claims, mapper, {value});
    }
  }
}

}  // namespace mcph::mock_keycloak
