#include "mcph/oidc/jwks_cache.h"

namespace mcph::oidc {

JwksCache::JwksCache(std::string jwks_url, JwksCacheOptions options)
    : url_(std::move(jwks_url)), options_(std::move(options)), verified_(options_.remembered_tokens) {}

std::shared_ptr<const jose::JwkSet> JwksCache::fetch(std::string& error) const {
  try {
    http::Client client(url_, options_.http);
    const auto response = client.get("");
    if (response.status != 200) {
      error = "JWKS endpoint " + url_ + " answered " + std::to_string(response.status);
      return nullptr;
    }
    return std::make_shared<const jose::JwkSet>(jose::JwkSet::from_json(response.body));
  } catch (const http::TransportError& e) {
    error = std::string("JWKS unavailable: ") + e.what();
  } catch (const jose::JoseError& e) {
    error = "JWKS from " + url_ + " is malformed: " + e.what();
  }
  return nullptr;
}

std::shared_ptr<const jose::JwkSet> JwksCache::current(bool force_refresh) {
  std::unique_lock lock(mutex_);
  for (;;) {
    // First: another thread is fetching (its attempt is also "the last attempt", too recent to
    // make another). A token whose kid we know goes on with the cached set; one that needs the
    // new set (unknown kid, or nothing cached yet: the first requests of a cold server) waits
    // for that fetch and takes its outcome.
    if (fetching_) {
      if (keys_ && !force_refresh && usable(Clock::now())) return keys_;
      fetched_.wait(lock, [this] { return !fetching_; });
      force_refresh = false;  // that fetch was the refresh this token asked for
      continue;
    }
    const auto now = Clock::now();
    const bool stale = !keys_ || now - fetched_at_ > options_.max_age;
    const bool may_attempt = !attempted_at_ || now - *attempted_at_ >= options_.min_refetch_interval;
    if (!(stale || force_refresh) || !may_attempt) {
      // Nothing to fetch, or the last attempt was too recent: what we have (kept while the
      // provider is unreachable, up to max_stale), else the reason the last attempt failed.
      if (keys_ && usable(now)) return keys_;
      throw JwksUnavailable(last_error_.empty() ? "JWKS unavailable" : last_error_);
    }
    fetching_ = true;
    attempted_at_ = now;
    lock.unlock();
    std::string error;
    auto keys = fetch(error);
    lock.lock();
    fetching_ = false;
    if (keys) {
      keys_ = std::move(keys);
      fetched_at_ = now;
      ++fetches_;
      last_error_.clear();
    } else {
      last_error_ = std::move(error);
    }
    fetched_.notify_all();
    if (keys_ && usable(now)) return keys_;
    throw JwksUnavailable(last_error_);
  }
}

bool JwksCache::usable(Clock::time_point now) const {
  return !options_.max_stale || now - fetched_at_ <= options_.max_age + *options_.max_stale;
}

jose::VerifiedJwt JwksCache::verify_with(const std::shared_ptr<const jose::JwkSet>& keys, std::string_view token,
                                         const jose::VerifyOptions& options) {
  if (auto known = verified_.find(token, keys, options)) {
    jose::check_time_claims(*known, options);
    return std::move(*known);
  }
  ++full_checks_;
  jose::VerifiedJwt jwt = jose::verify_jwt(token, *keys, options);
  verified_.remember(token, keys, options, jwt);
  return jwt;
}

jose::VerifiedJwt JwksCache::verify(std::string_view token, const jose::VerifyOptions& options) {
  auto keys = current(false);
  try {
    return verify_with(keys, token, options);
  } catch (const jose::JoseError& e) {
    if (e.kind() != jose::ErrorKind::unknown_kid) throw;
  }
  keys = current(true);
  return verify_with(keys, token, options);
}

jose::JwkSet JwksCache::keys() { return *current(false); }

int JwksCache::fetch_count() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

}  // namespace mcph::oidc
