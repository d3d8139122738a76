#pragma once
// The signing keys behind a JWT auth config: a JWKS URL (or the jwks_uri of an OIDC discovery
// document) fetched with short timeouts and cached, refetched when a token does not verify with
// the cached keys (go-oidc's RemoteKeySet), or a fixed set of PEM public keys.
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "mcph/jose/jwk.h"

namespace mcph::mock_vault {

// A fetch failure, worded like go-oidc ("oidc: get keys failed …").
class KeyFetchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RemoteKeySet {
 public:
  // Either a JWKS URL, or an OIDC issuer whose discovery document names the JWKS.
  static std::shared_ptr<RemoteKeySet> from_jwks_url(std::string url);
  static std::shared_ptr<RemoteKeySet> from_discovery(std::string issuer);

  // The cached keys, fetched on first use. Throws KeyFetchError.
  std::shared_ptr<const jose::JwkSet> keys();
  // Fetches again, unless another caller finished a fetch after `seen` was returned.
  std::shared_ptr<const jose::JwkSet> refresh(const std::shared_ptr<const jose::JwkSet>& seen);

 private:
  RemoteKeySet() = default;
  std::string resolve_jwks_url_locked();
  std::shared_ptr<const jose::JwkSet> fetch_locked();

  std::mutex mutex_;
  std::string jwks_url_;
  std::string discovery_issuer_;
  std::shared_ptr<const jose::JwkSet> cached_;
};

// GET with the project's client (connect 2 s, read 5 s); returns the body of a 200, else throws
// KeyFetchError with go-oidc's wording.
std::string fetch_document(const std::string& url, const char* what);

}  // namespace mcph::mock_vault
