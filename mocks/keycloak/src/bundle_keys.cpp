#include "bundle_keys.h"

#include <stdexcept>

#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/jose/error.h"

namespace mcph::mock_keycloak {
namespace {

constexpr std::chrono::seconds kMinTimeBetweenRequests{10};

bool has_kid(const jose::JwkSet& keys, const std::string& kid) { return keys.find(kid) != nullptr; }

jose::JwkSet keys_for_use(const jose::JwkSet& all, const std::string& use) {
  jose::JwkSet chosen;
  for (const jose::Jwk& jwk : all.keys()) {
    if (jwk.use == use) chosen.add(jwk);
  }
  return chosen;
}

}  // namespace

jose::JwkSet fetch_bundle_keys(const std::string& bundle_endpoint) {
  const http::Url url = http::parse_url(bundle_endpoint);
  http::ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.read_timeout = std::chrono::milliseconds(5000);
  http::Client client(url.origin(), options);
  const auto response = client.get(url.path);
  if (response.status != 200) {
    throw std::runtime_error("the bundle endpoint answered " + std::to_string(response.status));
  }
  try {
    const jose::JwkSet all = jose::JwkSet::from_json(response.body);
    jose::JwkSet svid_keys = keys_for_use(all, "jwt-svid");
    return svid_keys.empty() ? keys_for_use(all, "sig") : svid_keys;
  } catch (const jose::JoseError& error) {
    throw std::runtime_error(std::string("the bundle is not a JWK set: ") + error.what());
  }
}

std::shared_ptr<const jose::JwkSet> BundleKeyCache::keys(const std::string& cache_key,
                                                         const std::string& bundle_endpoint, const std::string& kid) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(cache_key);
    if (found != entries_.end() && found->second.endpoint == bundle_endpoint &&
        (has_kid(*found->second.keys, kid) || now - found->second.fetched < kMinTimeBetweenRequests)) {
      return found->second.keys;
    }
  }
  std::shared_ptr<const jose::JwkSet> fetched;
  try {
    fetched = std::make_shared<const jose::JwkSet>(fetch_bundle_keys(bundle_endpoint));
  } catch (const std::exception&) {
    fetched = nullptr;
  }
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[cache_key];
  if (entry.endpoint != bundle_endpoint) entry = Entry{};
  entry.endpoint = bundle_endpoint;
  entry.fetched = now;
  if (fetched && keep_removed_keys_ && entry.keys) {
    jose::JwkSet merged = *fetched;
    for (const jose::Jwk& jwk : entry.keys->keys()) {
      if (!has_kid(merged, jwk.kid)) merged.add(jwk);
    }
    fetched = std::make_shared<const jose::JwkSet>(std::move(merged));
  }
  if (fetched) entry.keys = std::move(fetched);
  if (!entry.keys) entry.keys = std::make_shared<const jose::JwkSet>();
  return entry.keys;
}

void BundleKeyCache::forget(const std::string& cache_key) {
  std::lock_guard lock(mutex_);
  entries_.erase(cache_key);
}

}  // namespace mcph::mock_keycloak
