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
  auto& slot = tokens_[stored->id];
  if (slot) unindex_locked(*slot);  // an id given again (the root token) replaces the entry
  slot = stored;
  index_locked(*stored);
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
  unindex_locked(*found->second);
  found->second = updated;
  index_locked(*updated);
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
    for (auto next = expiries_.begin(); next != expiries_.end() && next->first <= now; ++next) {
      due.push_back(next->second);
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
  std::unordered_set<std::string> seen{id};
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto children = children_.find(all[i]);
    if (children == children_.end()) continue;
    for (const auto& child : children->second) {
      if (seen.insert(child).second) all.push_back(child);
    }
  }
  return all;
}

std::vector<std::string> TokenStore::erase_locked(const std::vector<std::string>& ids) {
  std::vector<std::string> erased;
  for (const auto& id : ids) {
    const auto found = tokens_.find(id);
    if (found == tokens_.end()) continue;
    unindex_locked(*found->second);
    tokens_.erase(found);
    erased.push_back(id);
  }
  return erased;
}

void TokenStore::index_locked(const TokenEntry& entry) {
  by_accessor_[entry.accessor] = entry.id;
  if (!entry.parent_id.empty()) children_[entry.parent_id].insert(entry.id);
  if (entry.expire_time) expiries_.emplace(*entry.expire_time, entry.id);
}

// The token's own children stay listed under it until each is erased or unindexed in turn.
void TokenStore::unindex_locked(const TokenEntry& entry) {
  by_accessor_.erase(entry.accessor);
  if (const auto siblings = children_.find(entry.parent_id); siblings != children_.end()) {
    siblings->second.erase(entry.id);
    if (siblings->second.empty()) children_.erase(siblings);
  }
  if (entry.expire_time) expiries_.erase({*entry.expire_time, entry.id});
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
