#pragma once
// Entities, entity aliases, groups and group aliases (Vault's identity store), in memory with
// one mutex. Records are returned as JSON in Vault's response shapes by identity_routes.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common.h"
#include "mcph/mock_vault/policy_template.h"

namespace mcph::mock_vault {

struct EntityAlias {
  std::string id;
  std::string canonical_id;
  std::string mount_accessor;
  std::string name;
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::string> custom_metadata;
  TimePoint creation_time{};
  TimePoint last_update_time{};
};

struct Entity {
  std::string id;
  std::string name;
  std::map<std::string, std::string> metadata;
  std::vector<std::string> policies;
  bool disabled = false;
  TimePoint creation_time{};
  TimePoint last_update_time{};
};

struct GroupAlias {
  std::string id;
  std::string canonical_id;  // the group
  std::string mount_accessor;
  std::string name;
  TimePoint creation_time{};
  TimePoint last_update_time{};
};

struct Group {
  std::string id;
  std::string name;
  std::string type = "internal";  // or "external"
  std::vector<std::string> policies;
  std::map<std::string, std::string> metadata;
  std::vector<std::string> member_entity_ids;  // internal groups
  std::vector<std::string> member_group_ids;   // internal groups
  TimePoint creation_time{};
  TimePoint last_update_time{};
};

struct MountRef {
  std::string path;  // "auth/jwt/"
  std::string type;  // "jwt"
};
using MountResolver = std::function<std::optional<MountRef>(const std::string& accessor)>;

// What a request needs about its caller's identity.
struct CallerIdentity {
  bool found = false;
  bool disabled = false;
  TemplateIdentity template_identity;
  std::vector<std::string> identity_policies;  // entity + group policies, sorted, deduped
};

class IdentityStore {
 public:
  explicit IdentityStore(MountResolver resolver) : resolve_mount_(std::move(resolver)) {}

  // --- entities (the Json results are the "data" of Vault's responses)
  // Create (returns data {id,name,aliases}) or update an existing one (returns nullopt → 204).
  std::optional<Json> upsert_entity(const Json& request, const std::optional<std::string>& id_from_path);
  std::optional<Json> read_entity(const std::string& id) const;
  std::optional<Json> read_entity_by_name(const std::string& name) const;
  void delete_entity(const std::string& id);
  void delete_entity_by_name(const std::string& name);
  Json list_entities(bool by_id) const;  // {keys, key_info}

  // --- entity aliases
  std::optional<Json> upsert_entity_alias(const Json& request, const std::optional<std::string>& id_from_path);
  std::optional<Json> read_entity_alias(const std::string& id) const;
  void delete_entity_alias(const std::string& id);
  Json list_entity_aliases() const;

  // --- groups and group aliases
  std::optional<Json> upsert_group(const Json& request, const std::optional<std::string>& id_from_path,
                                   const std::optional<std::string>& name_from_path);
  std::optional<Json> read_group(const std::string& id) const;
  std::optional<Json> read_group_by_name(const std::string& name) const;
  void delete_group(const std::string& id);
  void delete_group_by_name(const std::string& name);
  Json list_groups(bool by_id) const;
  Json upsert_group_alias(const Json& request, const std::optional<std::string>& id_from_path);
  std::optional<Json> read_group_alias(const std::string& id) const;
  void delete_group_alias(const std::string& id);
  Json list_group_aliases() const;

  // identity/lookup/entity: by id, name, alias_id or (alias_name, alias_mount_accessor).
  std::optional<Json> lookup_entity(const Json& request) const;

  // --- login and request time
  // The alias (accessor, alias_name) finds its entity; otherwise a new entity "entity_<8 hex>"
  // gets the alias. Alias metadata is refreshed; external group memberships follow the group
  // alias names. Returns the entity id (the caller refuses disabled entities).
  std::string login(const std::string& mount_accessor, const std::string& alias_name,
                    const std::map<std::string, std::string>& alias_metadata,
                    const std::vector<std::string>& group_alias_names);
  CallerIdentity caller(const std::string& entity_id) const;

 private:
  Json entity_json_locked(const Entity& entity) const;
  Json alias_json_locked(const EntityAlias& alias) const;
  Json group_json_locked(const Group& group) const;
  Json group_alias_json_locked(const GroupAlias& alias) const;
  const Entity* entity_by_name_locked(const std::string& name) const;
  const Group* group_by_name_locked(const std::string& name) const;
  std::vector<const EntityAlias*> aliases_of_locked(const std::string& entity_id) const;
  // Direct (internal membership and external group aliases) and inherited groups.
  void groups_of_locked(const std::string& entity_id, std::vector<std::string>& direct,
                        std::vector<std::string>& inherited) const;
  void check_accessor(const std::string& accessor) const;
  std::string fresh_entity_name_locked() const;
  void delete_entity_locked(const std::string& id);

  MountResolver resolve_mount_;
  mutable std::mutex mutex_;
  std::map<std::string, Entity> entities_;
  std::map<std::string, EntityAlias> aliases_;
  std::map<std::string, Group> groups_;
  std::map<std::string, GroupAlias> group_aliases_;
  // External group membership learned at login: entity id → group ids.
  std::map<std::string, std::set<std::string>> external_memberships_;
};

}  // namespace mcph::mock_vault
