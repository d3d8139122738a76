#include "token_store.h"

#include <algorithm>

namespace mcph::mock_vault {

std::int64_t TokenEntry::ttl_left(TimePoint now) const {
  if (!expire_time) return 0;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(*expire_time - now).count();
  return std::max<std::int64_t>(0, left);
}

void TokenStore::set_revoke_listener(RevokeListener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

std::shared_ptr<const TokenEntry> TokenStore::create(TokenEntry entry) {
  if (entry.id.empty()) entry.id = "hvs." + random_base62(24);
  if (entry.accessor.empty()) entry.accessor = random_base62(24);
  auto stored = std::make_shared<const TokenEntry>(std::move(entry));
  std::lock_guard lock(mutex_);
  tokens_[stored->id] = stored;
  by_accessor_[stored->accessor] = stored->id;
  return stored;
}

std::shared_ptr<const TokenEntry> TokenStore::lookup(const std::string& id, bool use) {
  std::vector<std::string> revoked;
  std::shared_ptr<const TokenEntry> result;
  {
    std::lock_guard lock(mutex_);
    const auto found = tokens_.find(id);
    if (found == tokens_.end()) return nullptr;
    const auto& entry = found->second;
    if (entry->expire_time && *entry->expire_time <= Clock::now()) {
      revoked = erase_locked(collect_descendants_locked(id));
    } else {
      result = entry;
      if (use && entry->num_uses > 0) {
        if (entry->num_uses == 1) {
          revoked = erase_locked(collect_descendants_locked(id));
        } else {
          auto updated = std::make_shared<TokenEntry>(*entry);
          updated->num_uses -= 1;
          found->second = updated;
        }
      }
    }
  }
  notify(revoked);
  return result;
}

std::shared_ptr<const TokenEntry> TokenStore::lookup_accessor(const std::string& accessor) {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    const auto found = by_accessor_.find(accessor);
    if (found == by_accessor_.end()) return nullptr;
    id = found->second;
  }
  return lookup(id);
}

std::shared_ptr<const TokenEntry> TokenStore::renew(const std::string& id, std::int64_t ttl_seconds) {
  std::lock_guard lock(mutex_);
  const auto found = tokens_.find(id);
  if (found == tokens_.end()) return nullptr;
  auto updated = std::make_shared<TokenEntry>(*found->second);
  const TimePoint now = Clock::now();
  TimePoint expiry = now + std::chrono::seconds(ttl_seconds);
  if (updated->max_expire && expiry > *updated->max_expire) expiry = *updated->max_expire;
  updated->expire_time = expiry;
  updated->last_renewal = now;
  found->second = updated;
  return updated;
}

bool TokenStore::revoke(const std::string& id) {
  std::vector<std::string> revoked;
  {
    std::lock_guard lock(mutex_);
    if (tokens_.find(id) == tokens_.end()) return false;
    revoked = erase_locked(collect_descendants_locked(id));
  }
  notify(revoked);
  return true;
}

std::size_t TokenStore::expire_due(TimePoint now) {
  std::vector<std::string> revoked;
  {
    std::lock_guard lock(mutex_);
    std::vector<std::string> due;
    for (const auto& [id, entry] : tokens_) {
      if (entry->expire_time && *entry->expire_time <= now) due.push_back(id);
    }
    for (const auto& id : due) {
      if (tokens_.count(id) == 0) continue;
      auto ids = erase_locked(collect_descendants_locked(id));
      revoked.insert(revoked.end(), ids.begin(), ids.end());
    }
  }
  notify(revoked);
  return revoked.size();
}

void TokenStore::revoke_mount(const std::string& mount_path) {
  std::vector<std::string> revoked;
  {
    std::lock_guard lock(mutex_);
    std::vector<std::string> matching;
    for (const auto& [id, entry] : tokens_) {
      if (entry->mount_path == mount_path) matching.push_back(id);
    }
    for (const auto& id : matching) {
      if (tokens_.count(id) == 0) continue;
      auto ids = erase_locked(collect_descendants_locked(id));
      revoked.insert(revoked.end(), ids.begin(), ids.end());
    }
  }
  notify(revoked);
}

std::vector<std::string> TokenStore::collect_descendants_locked(const std::string& id) const {
  std::vector<std::string> all{id};
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (const auto& [child_id, entry] : tokens_) {
      if (entry->parent_id == all[i] && std::find(all.begin(), all.end(), child_id) == all.end()) {
        all.push_back(child_id);
      }
    }
  }
  return all;
}

std::vector<std::string> TokenStore::erase_locked(const std::vector<std::string>& ids) {
  std::vector<std::string> erased;
  for (const auto& id : ids) {
    const auto found = tokens_.find(id);
    if (found == tokens_.end()) continue;
    by_accessor_.erase(found->second->accessor);
    tokens_.erase(found);
    erased.push_back(id);
  }
  return erased;
}

void TokenStore::notify(const std::vector<std::string>& ids) {
  RevokeListener listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (!listener) return;
  for (const auto& id : ids) listener(id);
}

}  // namespace mcph::mock_vault
