#pragma once
// A user's Vault session on a stack, made the way an MCP server makes it: the user's IdP token
// exchanged for one issued for Vault, then Vault's JWT login to the role "user".
#include <string>

#include "mcph/bench/bench_stack.h"
#include "mcph/vault/client.h"

namespace mcph::bench {

struct VaultSession {
  vault::Client vault;
  std::string jwt;  // the token Vault's role takes
  vault::Login login;

  // Throws (vault::VaultError, std::runtime_error) when the exchange or the login is refused.
  VaultSession(BenchStack& stack, const std::string& access_token);
};

}  // namespace mcph::bench
