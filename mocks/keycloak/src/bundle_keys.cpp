#include "bundle_keys.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

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

FetchedBundle fetch_bundle(const std::string& bundle_endpoint) {
  const http::Url url = http::parse_url(bundle_endpoint);
  http::ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.read_timeout = std::chrono::milliseconds(5000);
  http::Client client(url.origin(), options);
  const auto response = client.get(url.path);
  if (response.status != 200) {
    throw std::runtime_error("the bundle endpoint answered " + std::to_string(response.status));
  }
  FetchedBundle bundle;
  try {
    const jose::JwkSet all = jose::JwkSet::from_json(response.body);
    bundle.keys = keys_for_use(all, "jwt-svid");
    if (bundle.keys.empty()) bundle.keys = keys_for_use(all, "sig");
  } catch (const jose::JoseError& error) {
    throw std::runtime_error(std::string("the bundle is not a JWK set: ") + error.what());
  }
  const auto document = nlohmann::json::parse(response.body, nullptr, false);
  const auto hint = document.find("spiffe_refresh_hint");
  if (hint != document.end() && hint->is_number_integer() && hint->get<std::int64_t>() > 0) {
    bundle.refresh_hint = hint->get<std::int64_t>();
  }
  return bundle;
}

std::shared_ptr<const jose::JwkSet> BundleKeyCache::keys(const std::string& cache_key,
                                                         const std::string& bundle_endpoint, const std::string& kid) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(cache_key);
    if (found != entries_.end() && found->second.endpoint == bundle_endpoint) {
      const Entry& entry = found->second;
      const bool kept = !entry.kept_for || now - entry.fetched < *entry.kept_for;
      const bool fetch_allowed = now - entry.fetched >= kMinTimeBetweenRequests;
      // Without a hint the kid is looked up first; with one the entry counts as expired, so
      // only a fetch that is not allowed yet sends the token to the cached keys.
      if (kept && (!fetch_allowed || (!entry.kept_for && has_kid(*entry.keys, kid)))) return entry.keys;
    }
  }
  std::optional<FetchedBundle> fetched;
  try {
    fetched = fetch_bundle(bundle_endpoint);
  } catch (const std::exception&) {
    return std::make_shared<const jose::JwkSet>();
  }
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[cache_key];
  if (entry.endpoint != bundle_endpoint) entry = Entry{};
  jose::JwkSet keys = std::move(fetched->keys);
  if (keep_removed_keys_ && entry.keys) {
    for (const jose::Jwk& jwk : entry.keys->keys()) {
      if (!has_kid(keys, jwk.kid)) keys.add(jwk);
    }
  }
  entry.keys = std::make_shared<const jose::JwkSet>(std::move(keys));
  entry.endpoint = bundle_endpoint;
  entry.fetched = now;
  entry.kept_for.reset();
  if (fetched->refresh_hint) entry.kept_for = std::chrono::milliseconds(*fetched->refresh_hint);
  return entry.keys;
}

void BundleKeyCache::forget(const std::string& cache_key) {
  std::lock_guard lock(mutex_);
  entries_.erase(cache_key);
}

}  // namespace mcph::mock_keycloak
