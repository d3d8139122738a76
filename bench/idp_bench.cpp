// A user's way in with each identity provider, side by side: Keycloak (the realm's password
// grant) and a Cognito user pool (InitiateAuth USER_PASSWORD_AUTH with SECRET_HASH), on stacks
// alike but for `--idp`:
//   BM_SignIn              alice signs in (a kept-alive connection per sign-in client);
//   BM_SignInAndFirstCall  a user the server has not seen signs in and calls jira-mcp's
//                          get_issue: sign-in, initialize, JWT verification, Vault login (the
//                          exchanged token on Keycloak, the passed-through one on Cognito), the
//                          secret, the backend.
// Each request is timed on its own; p50/p90/p99 are counters in microseconds. Without --stack it
// starts two local stacks, labelled keycloak and cognito; with --stack, the stacks named.
#include <benchmark/benchmark.h>

#include <string>

#include "mcph/bench/bench_main.h"
#include "mcph/bench/latency.h"
#include "mcph/bench/mcp_servers.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/stack_tokens.h"

namespace {

using namespace mcph;
using bench::BenchStack;

constexpr int kFirstCallUsers = 30;  // user0001…: new to the server on each stack
bench::Identities who;

std::string signed_in(BenchStack& stack, const std::string& username, const std::string& password) {
  const std::string token = stack.access_token(who, username, password);
  return token.empty() ? "the identity provider gave no access token" : std::string();
}

void sign_in_and_first_call(benchmark::State& state, BenchStack& stack) {
  bench::require_generated_users(who, kFirstCallUsers);
  const bench::McpServer& jira = bench::mcp_servers().front();
  const bench::Endpoint endpoint = bench::endpoint_of(stack, jira.service);
  int next = 1;
  bench::time_each_request(state, [&]() -> std::string {
    if (next > kFirstCallUsers) return "ran out of new users";
    const harness::fixtures::UserFixture user = harness::fixtures::generated_user(next++);
    mcp::Client client = bench::client_for(endpoint, stack.access_token(who, user.username, user.password));
    const mcp::ToolCallOutcome call = client.call_tool(jira.tool, jira.arguments);
    return bench::tool_call_failure(call);
  });
}

void register_benchmarks(const bench::BenchProgram::Stacks& given, const bench::Identities& identities,
                         const cli::Flags&) {
  who = identities;
  bench::BenchProgram::Stacks stacks = given;
  if (stacks.size() == 1 && stacks.front()->origin() == "local") {
    harness::stack::StackParams params;
    params.generated_users = kFirstCallUsers;
    params.fault_proxy = false;  // latency: the servers reach each service directly
    static const bench::BenchProgram::Stacks pair = [&] {
      harness::stack::StackParams cognito = params;
      cognito.idp = harness::idp::IdentityProviderKind::cognito;
      return bench::BenchProgram::Stacks{BenchStack::local(params, "keycloak"), BenchStack::local(cognito, "cognito")};
    }();
    stacks = pair;
    who.generated_users = kFirstCallUsers;
  }
  for (const auto& stack : stacks) {
    bench::register_for_stack("BM_SignIn", stack, [](benchmark::State& state, BenchStack& on) {
      (void)on.stack();  // a local stack comes up here, untimed
      bench::time_each_request(state, [&] { return signed_in(on, who.username, who.password); });
    })->Unit(benchmark::kMicrosecond)->MinTime(1.0)->UseRealTime();
  }
  for (const auto& stack : stacks) {
    // Each repetition needs users of its own: one repetition.
    bench::register_for_stack("BM_SignInAndFirstCall", stack, sign_in_and_first_call)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(kFirstCallUsers)
        ->Repetitions(1)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "idp_bench";
  program.summary = "Sign-in and a first tool call with Keycloak next to a Cognito user pool.";
  program.local.generated_users = kFirstCallUsers;
  program.register_benchmarks = register_benchmarks;
  return bench::run_bench_program(argc, argv, std::move(program));
}
