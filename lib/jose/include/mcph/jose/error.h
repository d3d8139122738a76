#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace mcph::jose {

// Why a token (or a key) was rejected. Each kind has its own test.
enum class ErrorKind {
  malformed,              // not three base64url parts, bad JSON, wrong claim types, oversized
  unsupported_algorithm,  // alg not allowed, "none", or not usable with the key's type
  unknown_kid,            // header kid is not in the key set
  bad_signature,          // signature does not verify with the selected key(s)
  expired,                // exp + leeway <= now
  not_yet_valid,          // nbf - leeway > now
  issued_in_future,       // iat - leeway > now
  wrong_issuer,
  wrong_audience,
  missing_claim,          // a required claim (exp, iss, aud) is absent
};

std::string_view to_string(ErrorKind kind);

class JoseError : public std::runtime_error {
 public:
  JoseError(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace mcph::jose
