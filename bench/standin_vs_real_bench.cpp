// The stand-ins against the real servers, side by side in one run: the same calls, over the same
// kind of kept-alive loopback connection, on a local stack (mock-keycloak, mock-vault) and on a
// real one (Keycloak 26.5.6, Vault 1.21.1; skipped, saying why, without the real tier). Both
// stacks are brought up and provisioned by the harness exactly as `mcp-harness up` does.
//
//   /0 = stand-in, /1 = real. Counters: p50_us, p90_us, p99_us per request.
//   BM_PasswordGrant   Keycloak's token endpoint, alice's password grant on mcp-client
//   BM_JwtLogin        Vault's auth/jwt/login with alice's access token (role user)
//   BM_KvRead          Vault KV v2 read of alice's own secret with her Vault token
//
// The ratio real/stand-in says how much of a latency measured on the local stack is the
// stand-ins' (mock-keycloak keeps SHA-256 password hashes where Keycloak uses PBKDF2).
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/bench/latency.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/vault/client.h"

namespace {

using namespace mcph;

// The stack of a mode, started on first use and kept for the whole run; nullptr (with `why`)
// when it cannot come up (no real tier).
struct ModeStack {
  std::unique_ptr<harness::stack::LocalStack> stack;
  std::string why;
};

ModeStack& stack_of(harness::stack::StackMode mode) {
  static std::map<harness::stack::StackMode, ModeStack> stacks;
  auto [it, fresh] = stacks.try_emplace(mode);
  if (fresh) {
    try {
      if (mode == harness::stack::StackMode::real) harness::stack::find_real_tier();
      harness::stack::StackParams params;
      params.mode = mode;
      it->second.stack = harness::stack::LocalStack::up(params);
    } catch (const std::exception& e) {
      it->second.why = e.what();
    }
  }
  return it->second;
}

harness::stack::LocalStack* stack_for(benchmark::State& state) {
  const auto mode = state.range(0) == 0 ? harness::stack::StackMode::local : harness::stack::StackMode::real;
  state.SetLabel(mode == harness::stack::StackMode::local ? "stand-in" : "real");
  ModeStack& entry = stack_of(mode);
  if (!entry.stack) state.SkipWithError(entry.why.c_str());
  return entry.stack.get();
}

// Alice's token for Vault's JWT login: issued for the MCP servers, exchanged for Vault as they
// do it.
std::string alice_vault_jwt(const harness::stack::LocalStack& stack) {
  return harness::stack::vault_login_token(stack.stack(), {},
                                    harness::stack::user_access_token(stack.stack(), {}, "alice", "alice123"));
}

// Times each call of `call` (false: it failed) with the latency programs' percentiles.
template <typename Call>
void timed(benchmark::State& state, Call&& call) {
  bench::time_each_request(state, [&]() -> std::string { return call() ? "" : "the call failed"; });
}

void BM_PasswordGrant(benchmark::State& state) {
  harness::stack::LocalStack* stack = stack_for(state);
  if (!stack) return;
  http::Client keycloak(stack->stack().service("keycloak").url);
  const std::string path = "/realms/" + stack->stack().realm + "/protocol/openid-connect/token";
  const std::string form = http::form_encode({{"grant_type", "password"},
                                              {"client_id", "mcp-client"},
                                              {"client_secret", "mcp-client-secret"},
                                              {"username", "alice"},
                                              {"password", "alice123"}});
  timed(state, [&] { return keycloak.post(path, form, "application/x-www-form-urlencoded").status == 200; });
}

void BM_JwtLogin(benchmark::State& state) {
  harness::stack::LocalStack* stack = stack_for(state);
  if (!stack) return;
  const std::string jwt = alice_vault_jwt(*stack);  // lives 5 minutes: longer than a run of this
  vault::Client vault(stack->stack().service("vault").url);
  timed(state, [&] { return !vault.login_jwt("user", jwt).client_token.empty(); });
}

void BM_KvRead(benchmark::State& state) {
  harness::stack::LocalStack* stack = stack_for(state);
  if (!stack) return;
  vault::Client vault(stack->stack().service("vault").url);
  const std::string token = vault.login_jwt("user", alice_vault_jwt(*stack)).client_token;
  timed(state, [&] { return vault.read_kv("users/alice/jira", token).has_value(); });
}

BENCHMARK(BM_PasswordGrant)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(1.0)->UseRealTime();
BENCHMARK(BM_JwtLogin)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(1.0)->UseRealTime();
BENCHMARK(BM_KvRead)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(1.0)->UseRealTime();

}  // namespace
