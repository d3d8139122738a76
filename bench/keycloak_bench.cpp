// The IdP's token endpoint (/realms/<realm>/protocol/openid-connect/token) of a stack: the
// password grant and the client_credentials grant, each request over a kept-alive connection,
// as the harness issues them. Target (mock-keycloak on loopback): p50 under 1 ms per grant.
// Every request is timed on its own; p50/p90/p99 are counters in microseconds, and
// repetitions (--benchmark_repetitions) show how stable they are.
// Against a local stack it starts, or any stack file (--stack, repeatable: side by side).
#include <benchmark/benchmark.h>

#include <string>

#include "mcph/bench/bench_main.h"
#include "mcph/bench/latency.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"

namespace {

using namespace mcph;
using bench::BenchStack;

bench::Identities who;

void grant(benchmark::State& state, BenchStack& stack, const http::Fields& form) {
  http::Client http(stack.realm_url());
  const std::string body = http::form_encode(form);
  bench::time_each_request(state, [&]() -> std::string {
    const auto response = http.post("/protocol/openid-connect/token", body, "application/x-www-form-urlencoded");
    if (response.status == 200) return {};
    return "the token endpoint answered " + std::to_string(response.status);  // the body may echo the form
  });
}

void register_benchmarks(const bench::BenchProgram::Stacks& stacks, const bench::Identities& identities,
                         const cli::Flags&) {
  who = identities;
  for (const auto& stack : stacks) {
    bench::register_for_stack("BM_PasswordGrant", stack, [](benchmark::State& state, BenchStack& on) {
      grant(state, on,
            {{"grant_type", "password"}, {"client_id", who.client_id}, {"client_secret", who.client_secret},
             {"username", who.username}, {"password", who.password}});
    })->Unit(benchmark::kMicrosecond)->MinTime(1.0)->UseRealTime();
  }
  for (const auto& stack : stacks) {
    bench::register_for_stack("BM_ClientCredentialsGrant", stack, [](benchmark::State& state, BenchStack& on) {
      grant(state, on,
            {{"grant_type", "client_credentials"}, {"client_id", who.client_id}, {"client_secret", who.client_secret}});
    })
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(1.0)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "keycloak_bench";
  program.summary = "The token endpoint of a stack's IdP: password and client_credentials grants.";
  program.register_benchmarks = register_benchmarks;
  return bench::run_bench_program(argc, argv, std::move(program));
}
