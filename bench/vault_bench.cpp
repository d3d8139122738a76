// A stack's Vault as an MCP server calls it for one user, each request over a kept-alive
// connection: JWT login with the user's IdP token (target p50 under 0.5 ms on mock-vault),
// token lookup-self and the entity read (where the server learns who the user is), the KV v2
// read of the user's Jira secret (target p50 under 0.2 ms), and database credentials (a real
// PostgreSQL role per request; reported). Every request is timed on its own; p50/p90/p99 are
// counters in microseconds. The user is --user (alice): its entity, KV path and database role
// are named after it, as the demo's policy templates them.
// Against a local stack it starts, or any stack file (--stack, repeatable: side by side).
#include <benchmark/benchmark.h>

#include <string>

#include "mcph/bench/bench_main.h"
#include "mcph/bench/latency.h"
#include "mcph/bench/vault_session.h"

namespace {

using namespace mcph;
using bench::BenchStack;

bench::Identities who;

// Times `request` (a Vault call); a VaultError stops the benchmark with Vault's answer.
template <typename Request>
void time_vault(benchmark::State& state, Request&& request) {
  bench::time_each_request(state, [&]() -> std::string {
    try {
      benchmark::DoNotOptimize(request());
      return {};
    } catch (const vault::VaultError& e) {
      return std::string("Vault refused: ") + e.what();
    }
  });
}

void register_one(const std::string& name, const std::shared_ptr<BenchStack>& stack,
                  std::function<void(benchmark::State&, bench::VaultSession&)> body, int iterations = 0) {
  auto* benchmark = bench::register_for_stack(name, stack, [body](benchmark::State& state, BenchStack& on) {
    bench::VaultSession session(on, on.access_token(who, who.username, who.password));
    body(state, session);
  });
  benchmark->Unit(benchmark::kMicrosecond)->UseRealTime();
  if (iterations > 0) {
    benchmark->Iterations(iterations);
  } else {
    benchmark->MinTime(1.0);
  }
}

void register_benchmarks(const bench::BenchProgram::Stacks& stacks, const bench::Identities& identities,
                         const cli::Flags&) {
  who = identities;
  for (const auto& stack : stacks) {
    register_one("BM_JwtLogin", stack, [](benchmark::State& state, bench::VaultSession& s) {
      time_vault(state, [&] { return s.vault.login_jwt("user", s.jwt); });
    });
  }
  for (const auto& stack : stacks) {
    register_one("BM_LookupSelf", stack, [](benchmark::State& state, bench::VaultSession& s) {
      time_vault(state, [&] { return s.vault.lookup_self(s.login.client_token); });
    });
  }
  for (const auto& stack : stacks) {
    register_one("BM_EntityRead", stack, [](benchmark::State& state, bench::VaultSession& s) {
      time_vault(state, [&] { return s.vault.entity_name(s.login.entity_id, s.login.client_token); });
    });
  }
  for (const auto& stack : stacks) {
    register_one("BM_KvRead", stack, [](benchmark::State& state, bench::VaultSession& s) {
      time_vault(state, [&] { return s.vault.read_kv("users/" + who.username + "/jira", s.login.client_token); });
    });
  }
  for (const auto& stack : stacks) {
    // Each iteration creates a real role (its lease lives on); bounded.
    register_one(
        "BM_DatabaseCreds", stack,
        [](benchmark::State& state, bench::VaultSession& s) {
          time_vault(state, [&] { return s.vault.database_credentials(who.username, s.login.client_token); });
        },
        200);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "vault_bench";
  program.summary = "A stack's Vault as an MCP server calls it: JWT login, lookup, entity, KV read, database credentials.";
  program.register_benchmarks = register_benchmarks;
  return bench::run_bench_program(argc, argv, std::move(program));
}
