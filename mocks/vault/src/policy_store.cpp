#include "policy_store.h"

#include "vault_error.h"

namespace mcph::mock_vault {

const std::string& default_policy_text() {
  static const std::string text = R"(
# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Allow tokens to renew themselves
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Allow tokens to revoke themselves
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own entity by id or name
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Allow a token to renew a lease via lease_id in the request body
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Allow looking up lease properties
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Allow a token to manage its own cubbyhole
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Allow a token to wrap arbitrary values in a response-wrapping token
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Allow a token to look up the creation time and TTL of a given response-wrapping token
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Allow a token to unwrap a response-wrapping token
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Allow general purpose tools
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Allow a token to make requests to the Authorization Endpoint for OIDC providers.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
)";
  return text;
}

PolicyStore::PolicyStore() {
  auto root = std::make_shared<StoredPolicy>();
  root->name = "root";
  policies_["root"] = root;
  auto defaults = std::make_shared<StoredPolicy>();
  defaults->name = "default";
  defaults->raw = default_policy_text();
  defaults->parsed = parse_policy(defaults->raw);
  policies_["default"] = defaults;
}

void PolicyStore::put(const std::string& name, const std::string& raw) {
  if (name == "root") throw VaultError::bad_request("cannot update \"root\" policy");
  auto stored = std::make_shared<StoredPolicy>();
  stored->name = name;
  stored->raw = raw;
  stored->parsed = parse_policy(raw);
  std::lock_guard lock(mutex_);
  policies_[name] = stored;
}

std::shared_ptr<const StoredPolicy> PolicyStore::get(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto found = policies_.find(name);
  if (found == policies_.end()) return nullptr;
  return found->second;
}

void PolicyStore::remove(const std::string& name) {
  if (name == "root" || name == "default") {
    throw VaultError::bad_request("cannot delete \"" + name + "\" policy");
  }
  std::lock_guard lock(mutex_);
  policies_.erase(name);
}

std::vector<std::string> PolicyStore::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, policy] : policies_) names.push_back(name);
  return names;
}

}  // namespace mcph::mock_vault
