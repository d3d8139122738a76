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

VerifiedTokens::VerifiedTokens(std::size_t capacity) : entries_(capacity) {}

std::optional<jose::VerifiedJwt> VerifiedTokens::find(std::string_view token,
                                                      const std::shared_ptr<const jose::JwkSet>& keys,
                                                      const jose::VerifyOptions& options) const {
  return entries_.read(token, [&](const Entry* entry) -> std::optional<jose::VerifiedJwt> {
    if (entry == nullptr || !same_set(entry->keys, keys) || !same_checks(entry->options, options)) return std::nullopt;
    return entry->jwt;
  });
}

// Verified again under another key set or other options: the newer outcome replaces it.
void VerifiedTokens::remember(std::string_view token, const std::shared_ptr<const jose::JwkSet>& keys,
                              const jose::VerifyOptions& options, const jose::VerifiedJwt& jwt) {
  entries_.put(token, Entry{keys, options, jwt});
}

std::size_t VerifiedTokens::size() const { return entries_.size(); }

}  // namespace mcph::oidc
