#include "mcph/oidc/verified_tokens.h"

namespace mcph::oidc {
namespace {

// Everything that decides verify_jwt's outcome besides the token, the keys and the clock. A
// field added to VerifyOptions must be compared here; the size check makes that a build error.
static_assert(sizeof(jose::VerifyOptions) == 144,
              "VerifyOptions changed: compare the new field in same_checks, then update this size");
bool same_checks(const jose::VerifyOptions& a, const jose::VerifyOptions& b) {
  return a.allowed_algs == b.allowed_algs && a.issuer == b.issuer && a.audience == b.audience &&
         a.leeway == b.leeway && a.require_exp == b.require_exp && a.max_token_bytes == b.max_token_bytes;
}

bool same_set(const std::weak_ptr<const jose::JwkSet>& remembered, const std::shared_ptr<const jose::JwkSet>& keys) {
  return !remembered.owner_before(keys) && !keys.owner_before(remembered) && !remembered.expired();
}

}  // namespace

VerifiedTokens::VerifiedTokens(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::optional<jose::VerifiedJwt> VerifiedTokens::find(std::string_view token,
                                                      const std::shared_ptr<const jose::JwkSet>& keys,
                                                      const jose::VerifyOptions& options) const {
  std::lock_guard lock(mutex_);
  const auto found = index_.find(token);
  if (found == index_.end()) return std::nullopt;
  const Entry& entry = *found->second;
  if (!same_set(entry.keys, keys) || !same_checks(entry.options, options)) return std::nullopt;
  return entry.jwt;
}

void VerifiedTokens::remember(std::string_view token, const std::shared_ptr<const jose::JwkSet>& keys,
                              const jose::VerifyOptions& options, const jose::VerifiedJwt& jwt) {
  std::lock_guard lock(mutex_);
  if (const auto found = index_.find(token); found != index_.end()) {
    // Verified again under another key set or other options: the newer outcome replaces it.
    const auto entry = found->second;
    index_.erase(found);
    entries_.erase(entry);
  }
  if (entries_.size() >= capacity_) {
    index_.erase(entries_.front().token);
    entries_.pop_front();
  }
  entries_.push_back(Entry{std::string(token), keys, options, jwt});
  const auto added = std::prev(entries_.end());
  index_.emplace(added->token, added);
}

std::size_t VerifiedTokens::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace mcph::oidc
