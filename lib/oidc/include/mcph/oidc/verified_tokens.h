#pragma once
// Tokens that verified, remembered with the key set and the options that accepted them, so that
// the next use of the same token skips the signature check and the parsing. Only the time
// claims can change the outcome while the key set and the options stay the same (verify_jwt is
// otherwise a function of the token's bytes), so a hit is checked again for those alone. A new
// key set, even with the same kids, is a new set: none of its tokens is remembered yet, so a
// removed or replaced key's tokens are refused as soon as the set is refetched.
//
// An MCP client sends the same token with every call until it expires; the check it saves is
// most of what the server spends on a warm call besides the network (bench/token_check_bench).
// Bounded: past `capacity` tokens the oldest is forgotten. Thread-safe.
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "mcph/jose/jwt.h"
#include "mcph/sync/bounded_map.h"

namespace mcph::oidc {

class VerifiedTokens {
 public:
  explicit VerifiedTokens(std::size_t capacity = 4096);

  // What verify_jwt said of token, when it accepted it with these keys and options (the
  // clock aside), nullopt otherwise. The caller checks its time claims.
  std::optional<jose::VerifiedJwt> find(std::string_view token, const std::shared_ptr<const jose::JwkSet>& keys,
                                        const jose::VerifyOptions& options) const;
  void remember(std::string_view token, const std::shared_ptr<const jose::JwkSet>& keys,
                const jose::VerifyOptions& options, const jose::VerifiedJwt& jwt);
  std::size_t size() const;

 private:
  struct Entry {
    std::weak_ptr<const jose::JwkSet> keys;  // identity only: a forgotten set is never matched
    jose::VerifyOptions options;
    jose::VerifiedJwt jwt;
  };
  sync::BoundedMap<Entry> entries_;  // by token
};

}  // namespace mcph::oidc
