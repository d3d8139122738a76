// End-to-end MCP tool calls on a local stack (loopback): a warm call (the caller's Vault session
// cached in jira-mcp) and a cold one (first call of a subject: JWT verification, Vault login,
// token lookup, entity read, KV read, then the backend). Target for warm: p50 under 2 ms.
#include <benchmark/benchmark.h>

#include <memory>
#include <stdexcept>

#include "mcph/harness/local_stack.h"
#include "mcph/mcp/client.h"
#include "mcph/oidc/token_client.h"
#include "mcph/vault/client.h"

namespace {

using namespace mcph;

constexpr int kColdUsers = 60;

harness::LocalStack& stack() {
  static std::unique_ptr<harness::LocalStack> instance = [] {
    harness::StackParams options;
    options.generated_users = kColdUsers;
    return harness::LocalStack::up(options);
  }();
  return *instance;
}

std::string token_of(const harness::ProvisionedUser& user) {
  oidc::TokenClient client(stack().stack().service("keycloak").url + "/realms/" + stack().stack().realm,
                           {"mcp-client", "mcp-client-secret"});
  return client.password_grant(user.fixture.username, user.fixture.password).access_token;
}

mcp::Client session_of(const harness::ProvisionedUser& user) {
  mcp::Client client(stack().stack().service("jira-mcp").url);
  client.set_header("Authorization", "Bearer " + token_of(user));
  if (!client.connect().ok()) throw std::runtime_error("initialize failed for " + user.fixture.username);
  return client;
}

void BM_WarmToolCall(benchmark::State& state) {
  const auto& alice = stack().provisioned().users.front();
  mcp::Client client = session_of(alice);
  client.call_tool("get_issue", R"({"issue_key":"DEMO-1"})");  // fills the session cache
  for (auto _ : state) {
    auto call = client.call_tool("get_issue", R"({"issue_key":"DEMO-1"})");
    if (!call.ok()) state.SkipWithError("tool call failed");
  }
}
BENCHMARK(BM_WarmToolCall)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

// Each iteration is the first call of a generated user that jira-mcp has not seen, so it pays
// for the whole Vault path. The sessions (MCP initialize) are opened before the timed loop.
void BM_ColdToolCall(benchmark::State& state) {
  std::vector<mcp::Client> clients;
  for (const auto& user : stack().provisioned().users) {
    if (user.fixture.generated) clients.push_back(session_of(user));
  }
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == clients.size()) {
      state.SkipWithError("ran out of fresh users");
      break;
    }
    auto call = clients[next++].call_tool("get_issue", R"({"issue_key":"DEMO-1"})");
    if (!call.ok()) state.SkipWithError("tool call failed");
  }
}
BENCHMARK(BM_ColdToolCall)->Unit(benchmark::kMillisecond)->Iterations(kColdUsers)->Repetitions(1);

}  // namespace

namespace {

// The pieces of the cold path, each against the stack's Vault from this process: where a cold
// call's time goes.
struct VaultPieces {
  vault::Client vault{stack().stack().service("vault").url};
  std::string jwt = token_of(stack().provisioned().users.front());
  vault::Login login = vault.login_jwt("user", jwt);
};

void BM_VaultJwtLogin(benchmark::State& state) {
  VaultPieces pieces;
  for (auto _ : state) benchmark::DoNotOptimize(pieces.vault.login_jwt("user", pieces.jwt));
}
BENCHMARK(BM_VaultJwtLogin)->Unit(benchmark::kMillisecond);

void BM_VaultLookupSelf(benchmark::State& state) {
  VaultPieces pieces;
  for (auto _ : state) benchmark::DoNotOptimize(pieces.vault.lookup_self(pieces.login.client_token));
}
BENCHMARK(BM_VaultLookupSelf)->Unit(benchmark::kMillisecond);

void BM_VaultEntityRead(benchmark::State& state) {
  VaultPieces pieces;
  for (auto _ : state) benchmark::DoNotOptimize(pieces.vault.entity_name(pieces.login.entity_id, pieces.login.client_token));
}
BENCHMARK(BM_VaultEntityRead)->Unit(benchmark::kMillisecond);

void BM_VaultKvRead(benchmark::State& state) {
  VaultPieces pieces;
  for (auto _ : state) benchmark::DoNotOptimize(pieces.vault.read_kv("users/alice/jira", pieces.login.client_token));
}
BENCHMARK(BM_VaultKvRead)->Unit(benchmark::kMillisecond);

}  // namespace
