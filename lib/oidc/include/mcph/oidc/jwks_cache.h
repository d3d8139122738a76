#pragma once
// Verifies JWTs against a provider's JWKS, fetched once and kept; a token whose kid is not in
// the cached set triggers one refetch (key rotation), at most once per refetch interval so a
// flood of forged kids cannot hammer the provider. Thread-safe.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "mcph/http/client.h"
#include "mcph/jose/jwt.h"

namespace mcph::oidc {

struct JwksCacheOptions {
  std::chrono::seconds max_age{300};              // refetch a set older than this
  std::chrono::milliseconds min_refetch_interval{1000};
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
  // Number of fetches so far (observability for tests and metrics).
  int fetch_count() const;

 private:
  std::shared_ptr<const jose::JwkSet> current(bool force_refresh);
  std::string url_;
  JwksCacheOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const jose::JwkSet> keys_;
  std::chrono::steady_clock::time_point fetched_at_{};
  int fetches_ = 0;
};

class JwksUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mcph::oidc
