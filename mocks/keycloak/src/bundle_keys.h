#pragma once
// The keys of SPIFFE identity providers' bundle endpoints, cached as Keycloak 26.5's
// PublicKeyStorageProvider caches an identity provider's keys. A bundle without a
// spiffe_refresh_hint is kept until a token names a kid it lacks, and fetched again for that at
// most once every 10 s (minTimeBetweenRequests): a key the trust domain removed keeps verifying
// until then. A bundle with a hint of N is kept N milliseconds, not seconds (Keycloak's
// SpiffeBundleEndpointLoader hands the hint to the cache as the entry's expiration, which the
// cache counts in milliseconds), and counts as expired all the while: every token asks for a
// fetch, which is made when the 10 s since the last one have passed or the bundle is no longer
// kept. A fetch that fails gives that token no keys and leaves the cache as it was. Fetches
// happen without the state lock.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mcph/jose/jwk.h"

namespace mcph::mock_keycloak {

class BundleKeyCache {
 public:
  // The keys of the provider `cache_key` (realm id + provider internal id) to verify a token of
  // `kid` with: the cached ones, or those of a fetch from `bundle_endpoint` when the rules above
  // call for one; an empty set when there are none.
  std::shared_ptr<const jose::JwkSet> keys(const std::string& cache_key, const std::string& bundle_endpoint,
                                           const std::string& kid);
  void forget(const std::string& cache_key);  // the provider was deleted or changed
  // UNSAFE, sabotage only: a fetch adds the bundle's keys to those cached, so that a key the
  // trust domain removed is never forgotten.
  void keep_removed_keys(bool keep) { keep_removed_keys_ = keep; }

 private:
  struct Entry {
    std::shared_ptr<const jose::JwkSet> keys;
    std::chrono::steady_clock::time_point fetched;
    std::optional<std::chrono::milliseconds> kept_for;  // from the bundle's refresh hint
    std::string endpoint;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  bool keep_removed_keys_ = false;
};

// A bundle endpoint's keys for JWT-SVIDs: those with use "jwt-svid", or, when none has it,
// those with use "sig" (Keycloak's SpiffeBundleEndpointLoader), and its spiffe_refresh_hint.
struct FetchedBundle {
  jose::JwkSet keys;
  std::optional<std::int64_t> refresh_hint;
};
// GETs bundle_endpoint. Throws std::runtime_error when it cannot be fetched or read.
FetchedBundle fetch_bundle(const std::string& bundle_endpoint);

}  // namespace mcph::mock_keycloak
