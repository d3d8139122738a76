#pragma once
// Each identity's tokens held for a run, renewed before they expire: a long run keeps signing in
// with a live token, and a token_command is not run for every step. A token with less than 30 s,
// or less than a tenth of its lifetime, left is refreshed with its refresh token, else (no
// refresh token, or the refresh refused) got anew.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "mcph/oidc/token_client.h"

namespace mcph::harness::idp {

class TokenCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Acquire = std::function<oidc::TokenResponse()>;
  using Refresh = std::function<oidc::TokenResponse(const std::string& refresh_token)>;

  explicit TokenCache(Clock clock = [] { return std::chrono::steady_clock::now(); }) : clock_(std::move(clock)) {}

  // The token held under `key` while it is fresh enough; else refreshed or acquired, and held.
  // A token of no known lifetime (expires_in 0) is never held. Throws what `acquire` throws.
  oidc::TokenResponse get(const std::string& key, const Acquire& acquire, const Refresh& refresh);

  // How long before its end a token of `lifetime` is renewed: 30 s, or a tenth of it if more.
  static std::chrono::seconds renew_margin(std::chrono::seconds lifetime);

 private:
  struct Held {
    oidc::TokenResponse tokens;
    std::chrono::steady_clock::time_point expires;
    std::chrono::seconds margin;
  };
  oidc::TokenResponse hold(const std::string& key, oidc::TokenResponse tokens);

  Clock clock_;
  std::mutex mutex_;
  std::map<std::string, Held> held_;
};

}  // namespace mcph::harness::idp
