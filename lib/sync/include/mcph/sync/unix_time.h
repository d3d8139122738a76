#pragma once
// The wall clock in whole seconds since the Unix epoch, as JWT and DPoP claims (iat, exp, nbf)
// and expiry times are written: one definition for every such reading.
#include <chrono>
#include <cstdint>

namespace mcph::sync {

inline std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace mcph::sync
