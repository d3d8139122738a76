#pragma once
// Secrets-engine and auth mounts: path → backend, with the accessor, uuid and config Vault shows
// in sys/mounts and sys/auth. Request paths are routed by longest mount prefix.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backend.h"
#include "common.h"

namespace mcph::mock_vault {

constexpr std::int64_t kDefaultLeaseTtl = 2764800;  // 32 days, Vault's system default
constexpr std::int64_t kMaxLeaseTtl = 2764800;

struct MountEntry {
  std::string path;  // full routing prefix: "secret/", "auth/jwt/", "sys/"
  std::string type;  // "kv", "database", "jwt", "token", "system", "identity"
  std::string description;
  std::string accessor;
  std::string uuid;
  Json options = nullptr;
  std::int64_t default_lease_ttl = 0;  // 0 = system default
  std::int64_t max_lease_ttl = 0;
  bool local = false;
  bool seal_wrap = false;
  bool is_auth = false;
  bool builtin = false;  // sys/, identity/, auth/token/: cannot be disabled
  std::shared_ptr<Backend> backend;

  std::int64_t effective_default_ttl() const { return default_lease_ttl > 0 ? default_lease_ttl : kDefaultLeaseTtl; }
  std::int64_t effective_max_ttl() const { return max_lease_ttl > 0 ? max_lease_ttl : kMaxLeaseTtl; }
};

// "auth_jwt_1a2b3c4d" / "kv_1a2b3c4d", as vault/mount.go generateMountAccessor.
std::string make_accessor(const std::string& type, bool is_auth);

class MountTable {
 public:
  // Throws VaultError 400 "path is already in use at x/" when a prefix clashes.
  void add(MountEntry entry);
  // Removes and returns the mount (to be unmounted by the caller).
  std::optional<MountEntry> remove(const std::string& path);
  std::optional<MountEntry> route(const std::string& request_path) const;
  std::optional<MountEntry> by_accessor(const std::string& accessor) const;
  std::optional<MountEntry> by_path(const std::string& path) const;
  std::vector<MountEntry> all() const;

 private:
  mutable std::mutex mutex_;
  std::vector<MountEntry> mounts_;
};

}  // namespace mcph::mock_vault
