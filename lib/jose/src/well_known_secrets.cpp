#include "mcph/jose/well_known_secrets.h"

namespace mcph::jose {

const std::vector<std::string>& well_known_hs256_secrets() {
  // jwt.io's current and former samples first; several are shorter than the 32 bytes this
  // library requires of an HS256 key, so a signer of them uses raw HMAC.
  static const std::vector<std::string> secrets = {
      "a-string-secret-at-least-256-bits-long", "your-256-bit-secret", "secret",    "changeme", "your_jwt_secret",
      "jwt-secret",                             "supersecret",         "secretkey", "default"};
  return secrets;
}

}  // namespace mcph::jose
