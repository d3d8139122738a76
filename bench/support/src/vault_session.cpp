#include "mcph/bench/vault_session.h"

#include "mcph/harness/stack/stack_tokens.h"

namespace mcph::bench {

VaultSession::VaultSession(BenchStack& stack, const std::string& access_token)
    : vault(stack.stack().service("vault").url),
      jwt(harness::stack::vault_login_token(stack.stack(), {}, access_token)),
      login(vault.login_jwt("user", jwt)) {}

}  // namespace mcph::bench
