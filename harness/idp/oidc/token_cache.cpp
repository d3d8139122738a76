#include "token_cache.h"

#include <algorithm>

namespace mcph::harness::idp {

std::chrono::seconds TokenCache::renew_margin(std::chrono::seconds lifetime) {
  return std::max(std::chrono::seconds(30), lifetime / 10);
}

oidc::TokenResponse TokenCache::hold(const std::string& key, oidc::TokenResponse tokens) {
  if (tokens.expires_in <= 0) {
    held_.erase(key);
    return tokens;
  }
  const std::chrono::seconds lifetime(tokens.expires_in);
  held_[key] = {tokens, clock_() + lifetime, renew_margin(lifetime)};
  return tokens;
}

oidc::TokenResponse TokenCache::get(const std::string& key, const Acquire& acquire, const Refresh& refresh) {
  // One renewal at a time: parallel users of one identity share its token, not its sign-ins.
  const std::lock_guard lock(mutex_);
  const auto found = held_.find(key);
  if (found == held_.end()) return hold(key, acquire());
  const Held& held = found->second;
  if (held.expires - clock_() > held.margin) return held.tokens;
  if (!held.tokens.refresh_token.empty()) {
    try {
      oidc::TokenResponse renewed = refresh(held.tokens.refresh_token);
      if (renewed.refresh_token.empty()) renewed.refresh_token = held.tokens.refresh_token;
      return hold(key, std::move(renewed));
    } catch (const std::exception&) {
      // A refresh token expired or revoked: sign in again, below.
    }
  }
  return hold(key, acquire());
}

}  // namespace mcph::harness::idp
