#pragma once
// Named ACL policies: the built-in "root" and "default", and the ones written through
// sys/policies/acl. Parsed once at write time; readers get shared snapshots.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mcph/mock_vault/policy.h"

namespace mcph::mock_vault {

struct StoredPolicy {
  std::string name;
  std::string raw;
  ParsedPolicy parsed;
};

class PolicyStore {
 public:
  PolicyStore();
  // Parses and stores; throws PolicyParseError (→ 400) or VaultError for "root".
  void put(const std::string& name, const std::string& raw);
  std::shared_ptr<const StoredPolicy> get(const std::string& name) const;
  // Throws VaultError for "root" and "default".
  void remove(const std::string& name);
  std::vector<std::string> names() const;  // sorted, "root" included

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const StoredPolicy>> policies_;
};

// The text of Vault's built-in "default" policy, as Vault ships it (the token's own
// properties, its own entity, lease lookups and renewals).
const std::string& default_policy_text();

}  // namespace mcph::mock_vault
