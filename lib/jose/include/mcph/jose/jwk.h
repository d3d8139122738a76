#pragma once
// JWK and JWK Set (RFC 7517) import and export for RSA, EC P-256 and oct keys.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"

namespace mcph::jose {

struct Jwk {
  Key key;
  std::string kid;               // may be empty
  std::optional<Alg> alg;        // "alg" member, when present and known
  std::string use;               // "sig", "enc" or empty

  // Public members only (kty, kid, alg, use, n/e or crv/x/y); never private parts.
  std::string to_public_json() const;
  // Every member, private ones included (d, p, q, dp, dq, qi; d; k). For tooling and test
  // fixtures that must hand a signing key to another process; never publish its output.
  std::string to_private_json() const;
  // Accepts public or private JWKs (d, p, q, dp, dq, qi for RSA; d for EC; k for oct).
  // Throws JoseError(malformed) naming the bad or missing member.
  static Jwk from_json(std::string_view json);
};

class JwkSet {
 public:
  JwkSet() = default;
  explicit JwkSet(std::vector<Jwk> keys) : keys_(std::move(keys)) {}

  // {"keys":[...]}; members with an unsupported kty, an EC crv other than P-256, or an alg other
  // than RS256/ES256/HS256 (e.g. Keycloak's RSA-OAEP key) are skipped, as RFC 7517 §5 allows.
  // A member of a supported type that is broken throws JoseError(malformed).
  static JwkSet from_json(std::string_view json);
  std::string to_json() const;  // public members only

  void add(Jwk jwk) { keys_.push_back(std::move(jwk)); }
  const Jwk* find(std::string_view kid) const;
  const std::vector<Jwk>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<Jwk> keys_;
};

}  // namespace mcph::jose
