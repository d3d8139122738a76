// Resident memory of each service of a stack that runs as a process of this machine:
// BM_ResidentMemory/<service> reads the service's resident set (VmRSS) at idle, after 10,000
// requests and after 10,000 more. The first 10,000 are the warm-up (caches, pools, allocator
// arenas fill); `growth_kib`, the difference between the second reading and the third, is what
// a leak shows as: it should stay near zero however long the service runs.
//
// What the requests are, per service (each the kind of request the service serves all day):
// - jira-mcp, github-mcp, postgres-mcp: warm tool calls from 16 users over 8 kept-alive
//   connections (the load driver), which also drive mock-jira and mock-github behind them;
// - mock-vault: a user's token lookup and KV read, alternately (no login: each login makes a
//   token that lives for its TTL, which is growth by design, not a leak);
// - mock-keycloak: token exchanges, as the MCP servers make them for Vault.
// Services without a pid in the stack file (external, compose) or of other implementations
// (PostgreSQL, the real Keycloak and Vault) are not measured.
// Against a local stack it starts, or any local stack file (--stack, repeatable: side by side).
#include <benchmark/benchmark.h>

#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/bench/bench_main.h"
#include "mcph/bench/mcp_servers.h"
#include "mcph/harness/load/load_driver.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/vault/client.h"

namespace {

using namespace mcph;
using bench::BenchStack;

struct Settings {
  bench::Identities who;
  int requests = 10000;  // per reading
  int users = 16;        // generated users whose calls interleave on the MCP servers
};

Settings settings;

// The resident set of `pid` in KiB, from /proc/<pid>/status. Throws when the process is gone.
long resident_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  throw std::runtime_error("process " + std::to_string(pid) + " is gone (no VmRSS in /proc)");
}

// Sends `count` requests of the kind the service serves; throws on the first failure.
using Workload = std::function<void(int count)>;

Workload mcp_server_workload(BenchStack& stack, const bench::McpServer& server) {
  bench::require_generated_users(settings.who, settings.users);
  const bench::Endpoint endpoint = bench::endpoint_of(stack, server.service);
  harness::load::LoadOptions options;
  options.endpoint_url = endpoint.url;
  options.transport = endpoint.transport;
  for (int i = 1; i <= settings.users; ++i) {
    options.authorizations.push_back("Bearer " + bench::generated_user_token(stack, settings.who, i));
  }
  options.next_call = [server](std::size_t, std::size_t) { return harness::load::ToolCall{server.tool, server.arguments}; };
  return [options](int count) mutable {
    // 8 connections, users interleaved: each connection's calls cycle over its user's token.
    std::vector<std::string> users = options.authorizations;
    options.authorizations.clear();
    for (std::size_t i = 0; i < 8; ++i) options.authorizations.push_back(users[i % users.size()]);
    options.calls_per_connection = static_cast<std::size_t>(count) / options.authorizations.size();
    const harness::load::LoadReport report = harness::load::run_load(options);
    options.authorizations = users;
    if (report.failed > 0 || report.unfinished > 0 || report.setups_failed > 0) {
      throw std::runtime_error(std::to_string(report.failed + report.unfinished) + " calls failed: " +
                               (report.sample_errors.empty() ? std::string("no answer") : report.sample_errors.front()));
    }
  };
}

Workload vault_workload(BenchStack& stack) {
  auto vault = std::make_shared<vault::Client>(stack.stack().service("vault").url);
  const std::string jwt = harness::stack::vault_login_token(
      stack.stack(), {}, stack.access_token(settings.who, settings.who.username, settings.who.password));
  const std::string token = vault->login_jwt("user", jwt).client_token;
  const std::string path = "users/" + settings.who.username + "/jira";
  return [vault, token, path](int count) {
    for (int i = 0; i < count; ++i) {
      if (i % 2 == 0) {
        (void)vault->lookup_self(token);
      } else if (!vault->read_kv(path, token)) {
        throw std::runtime_error("KV read of " + path + " found nothing");
      }
    }
  };
}

Workload keycloak_workload(BenchStack& stack) {
  const std::string access_token = stack.access_token(settings.who, settings.who.username, settings.who.password);
  return [&stack, access_token](int count) {
    for (int i = 0; i < count; ++i) (void)harness::stack::vault_login_token(stack.stack(), {}, access_token);
  };
}

void measure(benchmark::State& state, int pid, const Workload& workload) {
  long idle = 0, warm = 0, after = 0;
  for (auto _ : state) {
    idle = resident_kib(pid);
    workload(settings.requests);
    warm = resident_kib(pid);
    workload(settings.requests);
    after = resident_kib(pid);
  }
  state.counters["idle_kib"] = static_cast<double>(idle);
  state.counters["after_warmup_kib"] = static_cast<double>(warm);
  state.counters["after_kib"] = static_cast<double>(after);
  state.counters["growth_kib"] = static_cast<double>(after - warm);
  state.SetItemsProcessed(2 * settings.requests);
}

// The workload of `service`, or nothing when this program does not measure it.
std::function<Workload(BenchStack&)> workload_of(const std::string& service) {
  for (const auto& server : bench::mcp_servers()) {
    if (server.service == service) return [server](BenchStack& stack) { return mcp_server_workload(stack, server); };
  }
  if (service == "vault") return vault_workload;
  if (service == "keycloak") return keycloak_workload;
  return {};
}

void register_benchmarks(const bench::BenchProgram::Stacks& stacks, const bench::Identities& who, const cli::Flags& flags) {
  settings.who = who;
  settings.requests = flags.get_int("requests");
  for (const std::string service : {"jira-mcp", "github-mcp", "postgres-mcp", "vault", "keycloak"}) {
    for (const auto& stack : stacks) {
      const auto make_workload = workload_of(service);
      bench::register_for_stack("BM_ResidentMemory/" + service, stack,
                                [service, make_workload](benchmark::State& state, BenchStack& on) {
                                  const harness::stack::ServiceEntry& entry = on.stack().service(service);
                                  if (entry.pid <= 0) throw std::runtime_error(service + " is not a process of this machine (no pid in the stack file)");
                                  if (!entry.implementation.empty() && entry.implementation != "standin") {
                                    throw std::runtime_error(service + " is " + entry.implementation + ", not one of this project's services");
                                  }
                                  measure(state, entry.pid, make_workload(on));
                                })
          ->Unit(benchmark::kSecond)
          ->Iterations(1)
          ->UseRealTime();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "memory_bench";
  program.summary = "Resident memory of each service at idle, after a warm-up of N requests and after N more.";
  program.local.generated_users = settings.users;
  program.declare_flags = [](cli::Flags& flags) {
    flags.option("requests", "10000", "requests per reading (the warm-up, then the measured ones)");
  };
  program.register_benchmarks = register_benchmarks;
  return bench::run_bench_program(argc, argv, std::move(program));
}
