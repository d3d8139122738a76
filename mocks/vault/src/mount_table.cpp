#include "mount_table.h"

#include <algorithm>

#include "vault_error.h"

namespace mcph::mock_vault {

std::string make_accessor(const std::string& type, bool is_auth) {
  return (is_auth ? "auth_" : "") + type + "_" + random_hex(8);
}

void MountTable::add(MountEntry entry) {
  std::lock_guard lock(mutex_);
  for (const auto& existing : mounts_) {
    if (starts_with(entry.path, existing.path) || starts_with(existing.path, entry.path)) {
      const std::string shown = existing.is_auth ? existing.path.substr(5) : existing.path;
      throw VaultError::bad_request("path is already in use at " + shown);
    }
  }
  mounts_.push_back(std::move(entry));
}

std::optional<MountEntry> MountTable::remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  const auto found = std::find_if(mounts_.begin(), mounts_.end(), [&](const MountEntry& m) { return m.path == path; });
  if (found == mounts_.end()) return std::nullopt;
  MountEntry removed = *found;
  mounts_.erase(found);
  return removed;
}

std::optional<MountEntry> MountTable::route(const std::string& request_path) const {
  std::lock_guard lock(mutex_);
  const MountEntry* best = nullptr;
  for (const auto& mount : mounts_) {
    // "secret" (no trailing slash) reaches the "secret/" mount, as in Vault's router.
    const bool matches = starts_with(request_path, mount.path) ||
                         request_path + "/" == mount.path;
    if (matches && (best == nullptr || mount.path.size() > best->path.size())) best = &mount;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::optional<MountEntry> MountTable::by_accessor(const std::string& accessor) const {
  std::lock_guard lock(mutex_);
  for (const auto& mount : mounts_) {
    if (mount.accessor == accessor) return mount;
  }
  return std::nullopt;
}

std::optional<MountEntry> MountTable::by_path(const std::string& path) const {
  std::lock_guard lock(mutex_);
  for (const auto& mount : mounts_) {
    if (mount.path == path) return mount;
  }
  return std::nullopt;
}

std::vector<MountEntry> MountTable::all() const {
  std::lock_guard lock(mutex_);
  return mounts_;
}

}  // namespace mcph::mock_vault
