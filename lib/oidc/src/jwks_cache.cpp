#include "mcph/oidc/jwks_cache.h"

namespace mcph::oidc {

JwksCache::JwksCache(std::string jwks_url, JwksCacheOptions options)
    : url_(std::move(jwks_url)), options_(std::move(options)) {}

std::shared_ptr<const jose::JwkSet> JwksCache::current(bool force_refresh) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  const auto age = now - fetched_at_;
  const bool stale = !keys_ || age > options_.max_age;
  const bool may_refetch = !keys_ || age >= options_.min_refetch_interval;
  if (!stale && !(force_refresh && may_refetch)) return keys_;
  try {
    http::Client client(url_, options_.http);
    const auto response = client.get("");
    if (response.status != 200) {
      throw JwksUnavailable("JWKS endpoint " + url_ + " answered " + std::to_string(response.status));
    }
    keys_ = std::make_shared<const jose::JwkSet>(jose::JwkSet::from_json(response.body));
    fetched_at_ = now;
    ++fetches_;
  } catch (const http::TransportError& e) {
    if (!keys_) throw JwksUnavailable(std::string("JWKS unavailable: ") + e.what());
    // Keep verifying with the keys we have while the provider is unreachable.
  } catch (const JwksUnavailable&) {
    if (!keys_) throw;
  } catch (const jose::JoseError& e) {
    if (!keys_) throw JwksUnavailable("JWKS from " + url_ + " is malformed: " + e.what());
  }
  return keys_;
}

jose::VerifiedJwt JwksCache::verify(std::string_view token, const jose::VerifyOptions& options) {
  auto keys = current(false);
  try {
    return jose::verify_jwt(token, *keys, options);
  } catch (const jose::JoseError& e) {
    if (e.kind() != jose::ErrorKind::unknown_kid) throw;
  }
  keys = current(true);
  return jose::verify_jwt(token, *keys, options);
}

jose::JwkSet JwksCache::keys() { return *current(false); }

int JwksCache::fetch_count() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

}  // namespace mcph::oidc
