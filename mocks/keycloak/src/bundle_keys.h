#pragma once
// The keys of SPIFFE identity providers' bundle endpoints, cached as Keycloak's
// PublicKeyStorageProvider caches an identity provider's keys: fetched on first use, fetched
// again when a token names a kid the cache lacks — at most once every 10 s
// (minTimeBetweenRequests) — and otherwise kept. A bundle that stopped publishing a key keeps
// verifying it until a fetch replaces the cached set. Fetches happen without the state lock.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mcph/jose/jwk.h"

namespace mcph::mock_keycloak {

class BundleKeyCache {
 public:
  // The cached keys of the provider `cache_key` (realm id + provider internal id), fetched
  // from `bundle_endpoint` when there are none yet or `kid` is not among them and the last
  // fetch is at least 10 s old. A fetch that fails (unreachable, not a JWK set) leaves the
  // cached keys as they were; an empty set comes back when there never were any.
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
    std::string endpoint;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  bool keep_removed_keys_ = false;
};

// GET bundle_endpoint and its keys for JWT-SVIDs: those with use "jwt-svid", or, when none
// has it, those with use "sig" (Keycloak's SpiffeBundleEndpointLoader). Throws
// std::runtime_error when it cannot be fetched or read.
jose::JwkSet fetch_bundle_keys(const std::string& bundle_endpoint);

}  // namespace mcph::mock_keycloak
