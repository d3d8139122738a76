#pragma once
// Service tokens: creation, lookup with expiry and use counts, renewal, revocation (children
// included). Entries are immutable snapshots; a change replaces the entry.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common.h"

namespace mcph::mock_vault {

struct TokenEntry {
  std::string id;
  std::string accessor;
  std::vector<std::string> policies;  // token policies (identity policies are added per request)
  std::string path;                   // "auth/jwt/login", "auth/token/create", "auth/token/root"
  std::string display_name;
  std::map<std::string, std::string> meta;
  std::string entity_id;
  std::string parent_id;
  bool orphan = false;
  bool renewable = false;
  TimePoint issue_time{};
  std::int64_t creation_ttl = 0;  // seconds; 0 = never expires
  std::int64_t explicit_max_ttl = 0;
  std::int64_t period = 0;
  std::optional<TimePoint> expire_time;  // unset: never expires
  std::optional<TimePoint> max_expire;   // the hard limit renewals cannot pass
  std::optional<TimePoint> last_renewal;
  std::int64_t num_uses = 0;             // 0 = unlimited
  std::string mount_accessor;            // the auth mount that issued it
  std::string mount_path;                // "auth/jwt/"
  std::string role;                      // the auth method's role (for renewals)

  // Whole seconds left, 0 for tokens that never expire.
  std::int64_t ttl_left(TimePoint now) const;
};

class TokenStore {
 public:
  // Called (outside the store's lock) with each token id that is revoked or expires, so its
  // leases can be revoked.
  using RevokeListener = std::function<void(const std::string& token_id)>;
  void set_revoke_listener(RevokeListener listener);

  // Assigns id ("hvs." + 24 base62 when empty) and accessor; returns the stored entry.
  std::shared_ptr<const TokenEntry> create(TokenEntry entry);
  // The live token, or null when unknown, revoked or expired. Counts one use when `use` is set
  // (a token whose last use this is stays valid for this request, then is revoked).
  std::shared_ptr<const TokenEntry> lookup(const std::string& id, bool use = false);
  std::shared_ptr<const TokenEntry> lookup_accessor(const std::string& accessor);
  // Extends the token's expiry (clamped to its hard limit); returns the new entry.
  std::shared_ptr<const TokenEntry> renew(const std::string& id, std::int64_t ttl_seconds);
  // Revokes the token and every descendant. Returns false when it did not exist.
  bool revoke(const std::string& id);
  // Revokes tokens whose expiry has passed; returns how many.
  std::size_t expire_due(TimePoint now);
  // Revokes every token issued through this mount path ("auth/jwt/").
  void revoke_mount(const std::string& mount_path);

 private:
  std::vector<std::string> collect_descendants_locked(const std::string& id) const;
  std::vector<std::string> erase_locked(const std::vector<std::string>& ids);
  void index_locked(const TokenEntry& entry);
  void unindex_locked(const TokenEntry& entry);
  void notify(const std::vector<std::string>& ids);

  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const TokenEntry>> tokens_;
  std::unordered_map<std::string, std::string> by_accessor_;
  // Each token's children, and every expiring token in the order of its expiry: a revocation and
  // the reaper's round touch the tokens concerned, not every live one (an agent's child token
  // per call leaves hundreds of thousands live within their TTL).
  std::unordered_map<std::string, std::unordered_set<std::string>> children_;
  std::set<std::pair<TimePoint, std::string>> expiries_;
  RevokeListener listener_;
};

}  // namespace mcph::mock_vault
