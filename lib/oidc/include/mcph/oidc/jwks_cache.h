#pragma once
// Verifies JWTs against a provider's JWKS, fetched once and kept; a token whose kid is not in
// the cached set triggers one refetch (key rotation). Fetches are bounded: at most one attempt
// per refetch interval, successful or not, and never two at once — so a flood of forged kids,
// or of any tokens while the provider is down, cannot hammer it. A fetch runs outside the lock:
// tokens with known kids keep verifying with the cached set meanwhile. A token verified before
// with the current set is checked again by its time claims only (VerifiedTokens). Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mcph/http/client.h"
#include "mcph/jose/jwt.h"
#include "mcph/oidc/verified_tokens.h"

namespace mcph::oidc {

struct JwksCacheOptions {
  std::chrono::seconds max_age{300};              // refetch a set older than this
  std::chrono::milliseconds min_refetch_interval{1000};  // between two fetch attempts
  // A set older than max_age + max_stale is no longer used while its refetch fails
  // (JwksUnavailable instead), so a key removed at the provider is trusted for at most that long
  // even while the provider is kept from answering. nullopt: the last set is kept for as long as
  // the provider does not answer.
  std::optional<std::chrono::seconds> max_stale = std::chrono::seconds(60);
  std::size_t remembered_tokens = 4096;           // tokens whose verification is kept
  http::ClientOptions http;
};

class JwksCache {
 public:
  explicit JwksCache(std::string jwks_url, JwksCacheOptions options = {});

  // Throws jose::JoseError for a rejected token, and JwksUnavailable when the set cannot be
  // fetched at all.
  jose::VerifiedJwt verify(std::string_view token, const jose::VerifyOptions& options);

  // The current key set (fetching it if needed).
  jose::JwkSet keys();
  // Number of successful fetches so far (observability for tests and metrics).
  int fetch_count() const;
  // Number of tokens checked in full (signature and claims) so far: a token seen before with
  // the same key set is not.
  int full_checks() const { return full_checks_.load(); }

 private:
  using Clock = std::chrono::steady_clock;
  std::shared_ptr<const jose::JwkSet> current(bool force_refresh);
  // The cached set may still be used at `now` (max_stale); under the lock.
  bool usable(Clock::time_point now) const;
  // One GET of the set; the keys, or nullptr with `error` set.
  std::shared_ptr<const jose::JwkSet> fetch(std::string& error) const;
  // verify_jwt with these keys, remembered for the next use of the same token.
  jose::VerifiedJwt verify_with(const std::shared_ptr<const jose::JwkSet>& keys, std::string_view token,
                                const jose::VerifyOptions& options);
  std::string url_;
  JwksCacheOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable fetched_;
  std::shared_ptr<const jose::JwkSet> keys_;
  Clock::time_point fetched_at_{};
  std::optional<Clock::time_point> attempted_at_;
  bool fetching_ = false;
  std::string last_error_;
  int fetches_ = 0;
  VerifiedTokens verified_;
  std::atomic<int> full_checks_{0};
};

class JwksUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mcph::oidc
