#include "lease_manager.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "vault_error.h"

namespace mcph::mock_vault {
namespace {
constexpr int kMaxRevokeAttempts = 6;
}

std::string LeaseManager::add(const std::string& prefix, Lease lease) {
  lease.id = prefix + "/" + random_base62(24);
  std::lock_guard lock(mutex_);
  const std::string id = lease.id;
  leases_.emplace(id, std::move(lease));
  return id;
}

std::optional<Lease> LeaseManager::lookup(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = leases_.find(id);
  if (found == leases_.end()) return std::nullopt;
  return found->second;
}

Lease LeaseManager::renew(const std::string& id, std::int64_t increment_seconds) {
  Lease snapshot;
  {
    std::lock_guard lock(mutex_);
    const auto found = leases_.find(id);
    if (found == leases_.end()) throw VaultError::bad_request("lease not found");
    if (!found->second.renewable) throw VaultError::bad_request("lease is not renewable");
    snapshot = found->second;
  }
  const TimePoint now = Clock::now();
  const auto original_ttl = std::chrono::duration_cast<std::chrono::seconds>(
      snapshot.expire_time - (snapshot.last_renewal ? *snapshot.last_renewal : snapshot.issue_time));
  const auto increment = increment_seconds > 0 ? std::chrono::seconds(increment_seconds) : original_ttl;
  TimePoint expire = now + increment;
  if (expire > snapshot.max_expire) expire = snapshot.max_expire;
  if (snapshot.handler) snapshot.handler->renew(snapshot, expire);
  std::lock_guard lock(mutex_);
  const auto found = leases_.find(id);
  if (found == leases_.end()) throw VaultError::bad_request("lease not found");
  found->second.expire_time = expire;
  found->second.last_renewal = now;
  return found->second;
}

bool LeaseManager::revoke_one(const std::string& id, bool throw_on_failure) {
  Lease snapshot;
  {
    std::lock_guard lock(mutex_);
    const auto found = leases_.find(id);
    if (found == leases_.end() || found->second.revoking) return false;
    found->second.revoking = true;
    snapshot = found->second;
  }
  try {
    if (snapshot.handler) snapshot.handler->revoke(snapshot);
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    const auto found = leases_.find(id);
    if (found != leases_.end()) {
      auto& lease = found->second;
      lease.revoking = false;
      lease.failed_revocations += 1;
      lease.last_error = e.what();
      // Back off 2, 4, 8 … seconds; after six attempts stop trying (Vault: irrevocable).
      lease.expire_time = Clock::now() + std::chrono::seconds(1LL << std::min(lease.failed_revocations, 10));
      lease.irrevocable = lease.failed_revocations >= kMaxRevokeAttempts;
    }
    std::fprintf(stderr, "[mock-vault] revoking lease %s failed: %s\n", id.c_str(), e.what());
    if (throw_on_failure) throw;
    return false;
  }
  std::lock_guard lock(mutex_);
  leases_.erase(id);
  return true;
}

void LeaseManager::revoke(const std::string& id) {
  if (!lookup(id)) throw VaultError::bad_request("lease not found");
  revoke_one(id, true);
}

std::size_t LeaseManager::revoke_prefix(const std::string& prefix) {
  std::size_t count = 0;
  for (const auto& id : list(prefix)) count += revoke_one(id, false) ? 1 : 0;
  return count;
}

void LeaseManager::revoke_by_token(const std::string& token_id) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, lease] : leases_) {
      if (lease.token_id == token_id) ids.push_back(id);
    }
  }
  for (const auto& id : ids) revoke_one(id, false);
}

void LeaseManager::expire_due(TimePoint now) {
  std::vector<std::string> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, lease] : leases_) {
      if (!lease.irrevocable && !lease.revoking && lease.expire_time <= now) due.push_back(id);
    }
  }
  for (const auto& id : due) revoke_one(id, false);
}

std::vector<std::string> LeaseManager::list(const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (auto it = leases_.lower_bound(prefix); it != leases_.end() && starts_with(it->first, prefix); ++it) {
    ids.push_back(it->first);
  }
  return ids;
}

std::size_t LeaseManager::size() const {
  std::lock_guard lock(mutex_);
  return leases_.size();
}

}  // namespace mcph::mock_vault
