#include "identity_store.h"

#include <algorithm>

#include "field_data.h"
#include "vault_error.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_vault {
namespace {

Json string_map_json(const std::map<std::string, std::string>& map) {
  if (map.empty()) return nullptr;  // Go's nil map
  return Json(map);
}

std::vector<std::string> sorted_unique(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  items.erase(std::remove(items.begin(), items.end(), std::string()), items.end());
  return items;
}

std::vector<std::string> policies_field(const Json& request) {
  auto policies = fields::get_string_list(request, "policies");
  if (!policies) policies = fields::get_string_list(request, "token_policies");
  std::vector<std::string> out = sorted_unique(policies.value_or(std::vector<std::string>{}));
  if (std::find(out.begin(), out.end(), "root") != out.end()) {
    throw VaultError::bad_request("policies cannot contain root");
  }
  return out;
}

}  // namespace

// --- JSON shapes ------------------------------------------------------------------------------

Json IdentityStore::alias_json_locked(const EntityAlias& alias) const {
  Json json{
      {"id", alias.id},
      {"canonical_id", alias.canonical_id},
      {"mount_accessor", alias.mount_accessor},
      {"metadata", string_map_json(alias.metadata)},
      {"name", alias.name},
      {"merged_from_canonical_ids", nullptr},
      {"creation_time", rfc3339_nano(alias.creation_time)},
      {"last_update_time", rfc3339_nano(alias.last_update_time)},
      {"local", false},
      {"custom_metadata", string_map_json(alias.custom_metadata)},
  };
  if (auto mount = resolve_mount_(alias.mount_accessor)) {
    json["mount_type"] = mount->type;
    json["mount_path"] = mount->path;
  }
  return json;
}

Json IdentityStore::entity_json_locked(const Entity& entity) const {
  Json aliases = Json::array();
  for (const auto* alias : aliases_of_locked(entity.id)) aliases.push_back(alias_json_locked(*alias));
  std::vector<std::string> direct;
  std::vector<std::string> inherited;
  groups_of_locked(entity.id, direct, inherited);
  std::vector<std::string> all = direct;
  all.insert(all.end(), inherited.begin(), inherited.end());
  return Json{
      {"id", entity.id},
      {"name", entity.name},
      {"metadata", string_map_json(entity.metadata)},
      {"merged_entity_ids", nullptr},
      {"policies", entity.policies},
      {"disabled", entity.disabled},
      {"namespace_id", "root"},
      {"creation_time", rfc3339_nano(entity.creation_time)},
      {"last_update_time", rfc3339_nano(entity.last_update_time)},
      {"aliases", aliases},
      {"direct_group_ids", direct},
      {"inherited_group_ids", inherited},
      {"group_ids", all},
  };
}

Json IdentityStore::group_alias_json_locked(const GroupAlias& alias) const {
  Json json{
      {"id", alias.id},
      {"canonical_id", alias.canonical_id},
      {"mount_accessor", alias.mount_accessor},
      {"name", alias.name},
      {"metadata", nullptr},
      {"merged_from_canonical_ids", nullptr},
      {"namespace_id", "root"},
      {"creation_time", rfc3339_nano(alias.creation_time)},
      {"last_update_time", rfc3339_nano(alias.last_update_time)},
      {"local", false},
      {"custom_metadata", nullptr},
  };
  if (auto mount = resolve_mount_(alias.mount_accessor)) {
    json["mount_type"] = mount->type;
    json["mount_path"] = mount->path;
  }
  return json;
}

Json IdentityStore::group_json_locked(const Group& group) const {
  Json alias = Json::object();
  for (const auto& [id, candidate] : group_aliases_) {
    if (candidate.canonical_id == group.id) alias = group_alias_json_locked(candidate);
  }
  std::vector<std::string> parents;
  for (const auto& [id, other] : groups_) {
    if (std::find(other.member_group_ids.begin(), other.member_group_ids.end(), group.id) !=
        other.member_group_ids.end()) {
      parents.push_back(id);
    }
  }
  return Json{
      {"id", group.id},
      {"name", group.name},
      {"type", group.type},
      {"policies", group.policies},
      {"metadata", string_map_json(group.metadata)},
      {"member_entity_ids", group.member_entity_ids},
      {"member_group_ids", group.member_group_ids},
      {"parent_group_ids", parents},
      {"alias", alias},
      {"namespace_id", "root"},
      {"creation_time", rfc3339_nano(group.creation_time)},
      {"last_update_time", rfc3339_nano(group.last_update_time)},
      {"modify_index", 1},
  };
}

// --- helpers ----------------------------------------------------------------------------------

const Entity* IdentityStore::entity_by_name_locked(const std::string& name) const {
  for (const auto& [id, entity] : entities_) {
    if (text::ascii_iequals(entity.name, name)) return &entity;
  }
  return nullptr;
}

const Group* IdentityStore::group_by_name_locked(const std::string& name) const {
  for (const auto& [id, group] : groups_) {
    if (text::ascii_iequals(group.name, name)) return &group;
  }
  return nullptr;
}

std::vector<const EntityAlias*> IdentityStore::aliases_of_locked(const std::string& entity_id) const {
  std::vector<const EntityAlias*> out;
  for (const auto& [id, alias] : aliases_) {
    if (alias.canonical_id == entity_id) out.push_back(&alias);
  }
  return out;
}

void IdentityStore::groups_of_locked(const std::string& entity_id, std::vector<std::string>& direct,
                                     std::vector<std::string>& inherited) const {
  for (const auto& [id, group] : groups_) {
    if (std::find(group.member_entity_ids.begin(), group.member_entity_ids.end(), entity_id) !=
        group.member_entity_ids.end()) {
      direct.push_back(id);
    }
  }
  if (const auto external = external_memberships_.find(entity_id); external != external_memberships_.end()) {
    for (const auto& id : external->second) {
      if (groups_.count(id) != 0) direct.push_back(id);
    }
  }
  direct = sorted_unique(direct);
  // Groups that list a group we are in as a member are inherited, transitively.
  std::vector<std::string> frontier = direct;
  std::set<std::string> seen(direct.begin(), direct.end());
  while (!frontier.empty()) {
    const std::string member = frontier.back();
    frontier.pop_back();
    for (const auto& [id, group] : groups_) {
      if (seen.count(id) != 0) continue;
      if (std::find(group.member_group_ids.begin(), group.member_group_ids.end(), member) !=
          group.member_group_ids.end()) {
        seen.insert(id);
        inherited.push_back(id);
        frontier.push_back(id);
      }
    }
  }
  std::sort(inherited.begin(), inherited.end());
}

void IdentityStore::check_accessor(const std::string& accessor) const {
  if (!resolve_mount_(accessor)) throw VaultError::bad_request("invalid mount accessor \"" + accessor + "\"");
}

std::string IdentityStore::fresh_entity_name_locked() const {
  while (true) {
    std::string name = "entity_" + random_hex(8);
    if (entity_by_name_locked(name) == nullptr) return name;
  }
}

// --- entities ---------------------------------------------------------------------------------

std::optional<Json> IdentityStore::upsert_entity(const Json& request, const std::optional<std::string>& id_from_path) {
  std::lock_guard lock(mutex_);
  std::optional<std::string> id = id_from_path ? id_from_path : fields::get_string(request, "id");
  const std::optional<std::string> name = fields::get_string(request, "name");
  Entity* entity = nullptr;
  if (id && !id->empty()) {
    const auto found = entities_.find(*id);
    if (found == entities_.end()) throw VaultError::bad_request("entity not found from id");
    entity = &found->second;
  } else if (name && !name->empty()) {
    if (const Entity* existing = entity_by_name_locked(*name)) entity = &entities_.at(existing->id);
  }
  const bool is_new = entity == nullptr;
  Entity updated = is_new ? Entity{} : *entity;
  const TimePoint now = Clock::now();
  if (is_new) {
    updated.id = random_uuid();
    updated.creation_time = now;
  }
  if (name && !name->empty()) {
    if (const Entity* clash = entity_by_name_locked(*name); clash != nullptr && clash->id != updated.id) {
      throw VaultError::bad_request("entity name is already in use");
    }
    updated.name = *name;
  }
  if (updated.name.empty()) updated.name = fresh_entity_name_locked();
  if (fields::has(request, "policies") || fields::has(request, "token_policies")) {
    updated.policies = policies_field(request);
  }
  if (auto metadata = fields::get_string_map(request, "metadata")) updated.metadata = *metadata;
  if (auto disabled = fields::get_bool(request, "disabled")) updated.disabled = *disabled;
  updated.last_update_time = now;
  entities_[updated.id] = updated;
  if (!is_new) return std::nullopt;
  return Json{{"id", updated.id}, {"name", updated.name}, {"aliases", nullptr}};
}

std::optional<Json> IdentityStore::read_entity(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = entities_.find(id);
  if (found == entities_.end()) return std::nullopt;
  return entity_json_locked(found->second);
}

std::optional<Json> IdentityStore::read_entity_by_name(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const Entity* entity = entity_by_name_locked(name);
  if (entity == nullptr) return std::nullopt;
  return entity_json_locked(*entity);
}

void IdentityStore::delete_entity_locked(const std::string& id) {
  for (auto it = aliases_.begin(); it != aliases_.end();) {
    it = it->second.canonical_id == id ? aliases_.erase(it) : std::next(it);
  }
  for (auto& [group_id, group] : groups_) {
    auto& members = group.member_entity_ids;
    members.erase(std::remove(members.begin(), members.end(), id), members.end());
  }
  external_memberships_.erase(id);
  entities_.erase(id);
}

void IdentityStore::delete_entity(const std::string& id) {
  std::lock_guard lock(mutex_);
  delete_entity_locked(id);
}

void IdentityStore::delete_entity_by_name(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (const Entity* entity = entity_by_name_locked(name)) delete_entity_locked(std::string(entity->id));
}

Json IdentityStore::list_entities(bool by_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  Json info = Json::object();
  for (const auto& [id, entity] : entities_) {
    keys.push_back(by_id ? id : entity.name);
    Json entry{{"name", entity.name}};
    Json aliases = Json::array();
    for (const auto* alias : aliases_of_locked(id)) {
      Json item{{"id", alias->id}, {"name", alias->name}, {"mount_accessor", alias->mount_accessor}};
      if (auto mount = resolve_mount_(alias->mount_accessor)) {
        item["mount_type"] = mount->type;
        item["mount_path"] = mount->path;
      }
      aliases.push_back(item);
    }
    if (!aliases.empty()) entry["aliases"] = aliases;
    info[id] = entry;
  }
  std::sort(keys.begin(), keys.end());
  return Json{{"keys", keys}, {"key_info", info}};
}

// --- entity aliases ---------------------------------------------------------------------------

// identity/entity-alias and identity/entity-alias/id/:id, as vault/identity_store_aliases.go:
// an id (or an existing accessor+name pair) updates, anything else creates. Returns nullopt for
// an update that changes nothing (204).
std::optional<Json> IdentityStore::upsert_entity_alias(const Json& request, const std::optional<std::string>& id_from_path) {
  std::lock_guard lock(mutex_);
  const std::string id = id_from_path ? *id_from_path : fields::string_or(request, "id");
  std::string name = fields::string_or(request, "name");
  std::string accessor = fields::string_or(request, "mount_accessor");
  const std::string canonical = fields::string_or(request, "canonical_id");
  const auto custom = fields::get_string_map(request, "custom_metadata");

  EntityAlias* alias = nullptr;
  if (!id.empty()) {
    const auto found = aliases_.find(id);
    if (found == aliases_.end()) throw VaultError::bad_request("invalid alias ID provided");
    alias = &found->second;
    if (accessor.empty() && name.empty() && canonical.empty() && !custom) return std::nullopt;
    if (accessor.empty()) accessor = alias->mount_accessor;
    if (name.empty()) name = alias->name;
  } else {
    if (accessor.empty() || name.empty()) {
      throw VaultError::bad_request("'id' or 'mount_accessor' and 'name' must be provided");
    }
    check_accessor(accessor);
    for (auto& [alias_id, candidate] : aliases_) {
      if (candidate.mount_accessor == accessor && candidate.name == name) alias = &candidate;
    }
  }
  const TimePoint now = Clock::now();
  auto entity_has_alias_on = [this](const std::string& entity_id, const std::string& on_accessor,
                                    const std::string& except) {
    for (const auto& [alias_id, candidate] : aliases_) {
      if (alias_id != except && candidate.canonical_id == entity_id && candidate.mount_accessor == on_accessor) {
        return true;
      }
    }
    return false;
  };

  if (alias == nullptr) {
    // handleAliasCreate
    std::string entity_id = canonical;
    if (!entity_id.empty() && entities_.count(entity_id) == 0) throw VaultError::bad_request("invalid canonical ID");
    if (!entity_id.empty() && entity_has_alias_on(entity_id, accessor, "")) {
      throw VaultError::bad_request("Alias already exists for requested entity and mount accessor");
    }
    if (entity_id.empty()) {
      Entity entity;
      entity.id = random_uuid();
      entity.name = fresh_entity_name_locked();
      entity.creation_time = entity.last_update_time = now;
      entities_[entity.id] = entity;
      entity_id = entity.id;
    }
    EntityAlias created;
    created.id = random_uuid();
    created.canonical_id = entity_id;
    created.mount_accessor = accessor;
    created.name = name;
    if (custom) created.custom_metadata = *custom;
    created.creation_time = created.last_update_time = now;
    aliases_[created.id] = created;
    return Json{{"id", created.id}, {"canonical_id", created.canonical_id}};
  }

  // handleAliasUpdate
  const bool same_custom = !custom || *custom == alias->custom_metadata;
  if (name == alias->name && accessor == alias->mount_accessor &&
      (canonical.empty() || canonical == alias->canonical_id) && same_custom) {
    return std::nullopt;
  }
  if (accessor != alias->mount_accessor && (canonical.empty() || canonical == alias->canonical_id) &&
      entity_has_alias_on(alias->canonical_id, accessor, alias->id)) {
    throw VaultError::bad_request(
        "Alias cannot be updated as the entity already has an alias for the given 'mount_accessor' ");
  }
  if (name != alias->name || accessor != alias->mount_accessor) {
    check_accessor(accessor);
    for (const auto& [alias_id, candidate] : aliases_) {
      if (alias_id != alias->id && candidate.mount_accessor == accessor && candidate.name == name) {
        throw VaultError::bad_request("alias with combination of mount accessor and name already exists");
      }
    }
  }
  if (!canonical.empty() && canonical != alias->canonical_id) {
    if (entities_.count(canonical) == 0) {
      throw VaultError::bad_request("given 'canonical_id' is not associated with an entity");
    }
    if (entity_has_alias_on(canonical, accessor, alias->id)) {
      throw VaultError::bad_request("Alias cannot be updated as the given entity already has an alias for this mount ");
    }
    alias->canonical_id = canonical;
  }
  alias->name = name;
  alias->mount_accessor = accessor;
  if (custom) alias->custom_metadata = *custom;
  alias->last_update_time = now;
  return Json{{"id", alias->id}, {"canonical_id", alias->canonical_id}};
}

std::optional<Json> IdentityStore::read_entity_alias(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = aliases_.find(id);
  if (found == aliases_.end()) return std::nullopt;
  Json json = alias_json_locked(found->second);
  json["namespace_id"] = "root";
  return json;
}

void IdentityStore::delete_entity_alias(const std::string& id) {
  std::lock_guard lock(mutex_);
  aliases_.erase(id);
}

Json IdentityStore::list_entity_aliases() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  Json info = Json::object();
  for (const auto& [id, alias] : aliases_) {
    keys.push_back(id);
    Json entry{{"name", alias.name},
               {"canonical_id", alias.canonical_id},
               {"mount_accessor", alias.mount_accessor},
               {"metadata", string_map_json(alias.metadata)},
               {"custom_metadata", string_map_json(alias.custom_metadata)},
               {"local", false}};
    if (auto mount = resolve_mount_(alias.mount_accessor)) {
      entry["mount_type"] = mount->type;
      entry["mount_path"] = mount->path;
    }
    info[id] = entry;
  }
  return Json{{"keys", keys}, {"key_info", info}};
}

// --- groups -----------------------------------------------------------------------------------

std::optional<Json> IdentityStore::upsert_group(const Json& request, const std::optional<std::string>& id_from_path,
                                                const std::optional<std::string>& name_from_path) {
  std::lock_guard lock(mutex_);
  const std::optional<std::string> id = id_from_path ? id_from_path : fields::get_string(request, "id");
  const std::optional<std::string> name = name_from_path ? name_from_path : fields::get_string(request, "name");
  Group* group = nullptr;
  if (id && !id->empty()) {
    const auto found = groups_.find(*id);
    if (found == groups_.end()) throw VaultError::bad_request("invalid group ID");
    group = &found->second;
  } else if (name && !name->empty()) {
    if (const Group* existing = group_by_name_locked(*name)) group = &groups_.at(existing->id);
  }
  const bool is_new = group == nullptr;
  Group updated = is_new ? Group{} : *group;
  const TimePoint now = Clock::now();
  if (is_new) {
    updated.id = random_uuid();
    updated.creation_time = now;
    updated.name = name && !name->empty() ? *name : "group_" + random_hex(8);
  } else if (name && !name->empty()) {
    updated.name = *name;
  }
  if (auto type = fields::get_string(request, "type")) {
    if (*type != "internal" && *type != "external") throw VaultError::bad_request("invalid group type \"" + *type + "\"");
    if (!is_new && *type != updated.type) throw VaultError::bad_request("group type cannot be changed");
    updated.type = *type;
  }
  if (fields::has(request, "policies")) updated.policies = policies_field(request);
  if (auto metadata = fields::get_string_map(request, "metadata")) updated.metadata = *metadata;
  if (auto members = fields::get_string_list(request, "member_entity_ids")) {
    if (updated.type == "external") {
      throw VaultError::bad_request("member entities can't be set manually for external groups");
    }
    for (const auto& member : *members) {
      if (entities_.count(member) == 0) throw VaultError::bad_request("invalid entity ID " + member);
    }
    updated.member_entity_ids = sorted_unique(*members);
  }
  if (auto members = fields::get_string_list(request, "member_group_ids")) {
    if (updated.type == "external") {
      throw VaultError::bad_request("member groups can't be set for external groups");
    }
    for (const auto& member : *members) {
      if (groups_.count(member) == 0) throw VaultError::bad_request("invalid member group ID " + member);
      if (member == updated.id) throw VaultError::bad_request("member group ID cannot be the group itself");
    }
    updated.member_group_ids = sorted_unique(*members);
  }
  updated.last_update_time = now;
  groups_[updated.id] = updated;
  if (!is_new) return std::nullopt;
  return Json{{"id", updated.id}, {"name", updated.name}};
}

std::optional<Json> IdentityStore::read_group(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = groups_.find(id);
  if (found == groups_.end()) return std::nullopt;
  return group_json_locked(found->second);
}

std::optional<Json> IdentityStore::read_group_by_name(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const Group* group = group_by_name_locked(name);
  if (group == nullptr) return std::nullopt;
  return group_json_locked(*group);
}

void IdentityStore::delete_group(const std::string& id) {
  std::lock_guard lock(mutex_);
  groups_.erase(id);
  for (auto it = group_aliases_.begin(); it != group_aliases_.end();) {
    it = it->second.canonical_id == id ? group_aliases_.erase(it) : std::next(it);
  }
  for (auto& [other_id, other] : groups_) {
    auto& members = other.member_group_ids;
    members.erase(std::remove(members.begin(), members.end(), id), members.end());
  }
}

void IdentityStore::delete_group_by_name(const std::string& name) {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    const Group* group = group_by_name_locked(name);
    if (group == nullptr) return;
    id = group->id;
  }
  delete_group(id);
}

Json IdentityStore::list_groups(bool by_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  Json info = Json::object();
  for (const auto& [id, group] : groups_) {
    keys.push_back(by_id ? id : group.name);
    info[id] = Json{{"name", group.name}, {"num_member_entities", group.member_entity_ids.size()},
                    {"num_parent_groups", 0}};
  }
  std::sort(keys.begin(), keys.end());
  return Json{{"keys", keys}, {"key_info", info}};
}

Json IdentityStore::upsert_group_alias(const Json& request, const std::optional<std::string>& id_from_path) {
  std::lock_guard lock(mutex_);
  const std::optional<std::string> id = id_from_path ? id_from_path : fields::get_string(request, "id");
  const std::optional<std::string> name = fields::get_string(request, "name");
  const std::optional<std::string> accessor = fields::get_string(request, "mount_accessor");
  const std::optional<std::string> canonical = fields::get_string(request, "canonical_id");
  if (accessor && !accessor->empty()) check_accessor(*accessor);
  GroupAlias alias;
  if (id && !id->empty()) {
    const auto found = group_aliases_.find(*id);
    if (found == group_aliases_.end()) throw VaultError::bad_request("invalid group alias ID");
    alias = found->second;
  } else {
    if (!name || name->empty()) throw VaultError::bad_request("missing alias name");
    if (!accessor || accessor->empty()) throw VaultError::bad_request("missing mount_accessor");
    alias.id = random_uuid();
    alias.creation_time = Clock::now();
  }
  if (name && !name->empty()) alias.name = *name;
  if (accessor && !accessor->empty()) alias.mount_accessor = *accessor;
  if (canonical && !canonical->empty()) {
    const auto group = groups_.find(*canonical);
    if (group == groups_.end()) throw VaultError::bad_request("invalid group ID given in 'canonical_id'");
    if (group->second.type != "external") throw VaultError::bad_request("alias can't be set on an internal group");
    alias.canonical_id = *canonical;
  }
  if (alias.canonical_id.empty()) {
    Group group;
    group.id = random_uuid();
    group.name = "group_" + random_hex(8);
    group.type = "external";
    group.creation_time = group.last_update_time = Clock::now();
    groups_[group.id] = group;
    alias.canonical_id = group.id;
  }
  for (const auto& [other_id, other] : group_aliases_) {
    if (other_id != alias.id && other.mount_accessor == alias.mount_accessor && other.name == alias.name) {
      throw VaultError::bad_request("combination of mount and group alias name is already in use");
    }
  }
  alias.last_update_time = Clock::now();
  group_aliases_[alias.id] = alias;
  return Json{{"id", alias.id}, {"canonical_id", alias.canonical_id}};
}

std::optional<Json> IdentityStore::read_group_alias(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = group_aliases_.find(id);
  if (found == group_aliases_.end()) return std::nullopt;
  return group_alias_json_locked(found->second);
}

void IdentityStore::delete_group_alias(const std::string& id) {
  std::lock_guard lock(mutex_);
  group_aliases_.erase(id);
}

Json IdentityStore::list_group_aliases() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  Json info = Json::object();
  for (const auto& [id, alias] : group_aliases_) {
    keys.push_back(id);
    info[id] = Json{{"name", alias.name}, {"canonical_id", alias.canonical_id},
                    {"mount_accessor", alias.mount_accessor}};
  }
  return Json{{"keys", keys}, {"key_info", info}};
}

std::optional<Json> IdentityStore::lookup_entity(const Json& request) const {
  std::lock_guard lock(mutex_);
  if (auto id = fields::get_string(request, "id")) {
    const auto found = entities_.find(*id);
    if (found == entities_.end()) return std::nullopt;
    return entity_json_locked(found->second);
  }
  if (auto name = fields::get_string(request, "name")) {
    const Entity* entity = entity_by_name_locked(*name);
    if (entity == nullptr) return std::nullopt;
    return entity_json_locked(*entity);
  }
  if (auto alias_id = fields::get_string(request, "alias_id")) {
    const auto alias = aliases_.find(*alias_id);
    if (alias == aliases_.end()) return std::nullopt;
    const auto entity = entities_.find(alias->second.canonical_id);
    if (entity == entities_.end()) return std::nullopt;
    return entity_json_locked(entity->second);
  }
  const auto alias_name = fields::get_string(request, "alias_name");
  const auto accessor = fields::get_string(request, "alias_mount_accessor");
  if (alias_name && accessor) {
    for (const auto& [id, alias] : aliases_) {
      if (alias.name == *alias_name && alias.mount_accessor == *accessor) {
        const auto entity = entities_.find(alias.canonical_id);
        if (entity == entities_.end()) return std::nullopt;
        return entity_json_locked(entity->second);
      }
    }
    return std::nullopt;
  }
  if (alias_name || accessor) {
    throw VaultError::bad_request("both 'alias_name' and 'alias_mount_accessor' needs to be set");
  }
  throw VaultError::bad_request("missing type information for lookup");
}

// --- login and request time -------------------------------------------------------------------

std::string IdentityStore::login(const std::string& mount_accessor, const std::string& alias_name,
                                 const std::map<std::string, std::string>& alias_metadata,
                                 const std::vector<std::string>& group_alias_names) {
  std::lock_guard lock(mutex_);
  const TimePoint now = Clock::now();
  EntityAlias* alias = nullptr;
  for (auto& [id, candidate] : aliases_) {
    if (candidate.mount_accessor == mount_accessor && candidate.name == alias_name) {
      alias = &candidate;
      break;
    }
  }
  std::string entity_id;
  if (alias != nullptr && entities_.count(alias->canonical_id) != 0) {
    if (alias->metadata != alias_metadata) {
      alias->metadata = alias_metadata;
      alias->last_update_time = now;
    }
    entity_id = alias->canonical_id;
  } else {
    Entity entity;
    entity.id = random_uuid();
    entity.name = fresh_entity_name_locked();
    entity.creation_time = entity.last_update_time = now;
    entities_[entity.id] = entity;
    EntityAlias created;
    created.id = alias != nullptr ? alias->id : random_uuid();
    created.canonical_id = entity.id;
    created.mount_accessor = mount_accessor;
    created.name = alias_name;
    created.metadata = alias_metadata;
    created.creation_time = created.last_update_time = now;
    aliases_[created.id] = created;
    entity_id = entity.id;
  }
  // External groups follow the group aliases named by this login (only groups that exist).
  std::set<std::string> groups;
  for (const auto& [id, group_alias] : group_aliases_) {
    if (group_alias.mount_accessor != mount_accessor) continue;
    if (std::find(group_alias_names.begin(), group_alias_names.end(), group_alias.name) != group_alias_names.end()) {
      groups.insert(group_alias.canonical_id);
    }
  }
  external_memberships_[entity_id] = groups;
  return entity_id;
}

CallerIdentity IdentityStore::caller(const std::string& entity_id) const {
  CallerIdentity caller;
  if (entity_id.empty()) return caller;
  std::lock_guard lock(mutex_);
  const auto found = entities_.find(entity_id);
  if (found == entities_.end()) return caller;
  const Entity& entity = found->second;
  caller.found = true;
  caller.disabled = entity.disabled;
  TemplateEntity template_entity;
  template_entity.id = entity.id;
  template_entity.name = entity.name;
  template_entity.metadata = entity.metadata;
  for (const auto* alias : aliases_of_locked(entity_id)) {
    template_entity.aliases.push_back(
        TemplateAlias{alias->id, alias->name, alias->mount_accessor, alias->metadata, alias->custom_metadata});
  }
  caller.template_identity.entity = std::move(template_entity);
  std::vector<std::string> policies = entity.policies;
  std::vector<std::string> direct;
  std::vector<std::string> inherited;
  groups_of_locked(entity_id, direct, inherited);
  direct.insert(direct.end(), inherited.begin(), inherited.end());
  for (const auto& group_id : direct) {
    const Group& group = groups_.at(group_id);
    caller.template_identity.groups.push_back(TemplateGroup{group.id, group.name, group.metadata});
    policies.insert(policies.end(), group.policies.begin(), group.policies.end());
  }
  caller.identity_policies = sorted_unique(policies);
  return caller;
}

}  // namespace mcph::mock_vault
