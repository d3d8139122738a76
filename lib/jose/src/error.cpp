#include "mcph/jose/error.h"

namespace mcph::jose {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::malformed: return "malformed";
    case ErrorKind::unsupported_algorithm: return "unsupported_algorithm";
    case ErrorKind::unknown_kid: return "unknown_kid";
    case ErrorKind::bad_signature: return "bad_signature";
    case ErrorKind::expired: return "expired";
    case ErrorKind::not_yet_valid: return "not_yet_valid";
    case ErrorKind::issued_in_future: return "issued_in_future";
    case ErrorKind::wrong_issuer: return "wrong_issuer";
    case ErrorKind::wrong_audience: return "wrong_audience";
    case ErrorKind::missing_claim: return "missing_claim";
  }
  return "unknown";
}

}  // namespace mcph::jose
