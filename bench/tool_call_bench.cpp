// End-to-end MCP tool calls, one client on loopback, for each of jira-mcp, github-mcp and
// postgres-mcp of a stack, and (warm calls only) agent-bridge-mcp and workload-mcp, whose
// callers are agents (agent_servers.h):
//   BM_WarmCall   the caller's Vault session (and database role) already cached by the
//                 server: JWT verification, the secret or query, the backend (target p50 ≤ 1 ms);
//                 each call follows a keep-alive GET /health of the same server, timed apart:
//                 the floor (floor_p50_us) and the warm call's p50 over it (floor_ratio); the
//                 round trips the call makes behind the server timed beside it too (jira-mcp's
//                 and github-mcp's KV read of the caller's secret and backend request,
//                 postgres-mcp's query as the caller's role, agent-bridge-mcp's child token
//                 and KV read; workload-mcp reuses OPA's decision and makes none), and what
//                 is left of the call without them over the floor (own_floor_ratio; the
//                 project's target: a warm call within 3 floors plus the round trips it must
//                 make, so ≤ 3); and, on a stack started on this machine, the server's CPU
//                 an iteration, its floor's and its call's (server_cpu_us), and the call's
//                 alone: that less a floor's, counted over floors made after the timed loop
//                 (call_cpu_us; the round trips' client ends in the server are the call's);
//   BM_FirstCall  the first call of a user the server has not seen: JWT verification, Vault
//                 login, token lookup, entity read, then the secret (KV read) or a new
//                 database role and its login, then the backend (target ≤ 5 ms);
//   BM_Floor      what the floor is made of: each iteration the floor as BM_WarmCall times it
//                 (the project's HTTP client; floor_p50_us), then the same GET /health over a
//                 plain socket, written whole (p50_us, the benchmark's time); floor_ratio is
//                 the socket's over the client's, and the rest of the floor is the client's;
//                 server_cpu_us is the server's CPU for the two requests.
// The MCP sessions (initialize) are opened before the timed loop. Each request is timed on its
// own; p50/p90/p99 are counters in microseconds. vault_bench times the Vault requests alone.
// Against a local stack it starts, or any stack file (--stack, repeatable: side by side).
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/bench/agent_servers.h"
#include "mcph/bench/bench_main.h"
#include "mcph/bench/latency.h"
#include "mcph/bench/mcp_servers.h"
#include "mcph/bench/process_cpu.h"
#include "mcph/bench/socket_floor.h"
#include "mcph/bench/user_round_trips.h"

namespace {

using namespace mcph;
using bench::BenchStack;

struct Settings {
  bench::Identities who;
  bool legacy = false;
  int first_call_users = 30;  // user0001…: new to every server
};

Settings settings;
constexpr int kWorkloadCalls = 150;

// Runs `work` and, where the stack's file names the server's process (a stack started on this
// machine), says the CPU the server spent meanwhile, every thread of it.
template <typename Work>
std::optional<double> server_cpu_during(BenchStack& stack, const std::string& service, Work&& work) {
  const int pid = stack.stack().service(service).pid;
  const auto before = bench::process_cpu_us(pid);
  work();
  const auto after = bench::process_cpu_us(pid);
  if (!before || !after) return std::nullopt;
  return *after - *before;
}

// Runs the timed loop and counts the CPU the server spent an iteration (server_cpu_us).
template <typename Timed>
void counting_server_cpu(benchmark::State& state, BenchStack& stack, const std::string& service, Timed&& timed) {
  const auto spent = server_cpu_during(stack, service, timed);
  if (spent && state.iterations() > 0) state.counters["server_cpu_us"] = *spent / static_cast<double>(state.iterations());
}

// The server's CPU for one floor, over floors made one after another: what an iteration's CPU
// less it leaves is its call's (call_cpu_us). Nothing when the process cannot be read.
std::optional<double> floor_cpu_us(BenchStack& stack, const std::string& service, bench::HealthFloor& floor) {
  constexpr int kFloors = 200;
  const auto spent = server_cpu_during(stack, service, [&] {
    for (int i = 0; i < kFloors; ++i) {
      if (const std::string failure = floor(); !failure.empty()) throw std::runtime_error(failure);
    }
  });
  if (!spent) return std::nullopt;
  return *spent / kFloors;
}

void warm_call(benchmark::State& state, BenchStack& stack, const bench::McpServer& server, bool agents) {
  const bench::Endpoint endpoint = bench::endpoint_of(stack, server.service, settings.legacy && !agents);
  const std::string token = agents ? "" : stack.access_token(settings.who, settings.who.username, settings.who.password);
  bench::TimedClient timed = agents ? bench::agent_client_for(stack, server)
                                    : bench::TimedClient{bench::client_for(endpoint, token), {}};
  mcp::Client& client = timed.client;
  if (const std::string failure = bench::tool_call_failure(client.call_tool(server.tool, server.arguments)); !failure.empty()) {
    throw std::runtime_error("the warm-up call: " + failure);
  }
  const std::vector<bench::RoundTrip> round_trips =
      agents ? bench::agent_round_trips(stack, server) : bench::user_round_trips(stack, server, settings.who, token);
  bench::HealthFloor floor(endpoint);
  counting_server_cpu(state, stack, server.service, [&] {
    bench::time_each_request_against_floor(
        state, [&] { return bench::tool_call_failure(client.call_tool(server.tool, server.arguments)); }, floor, round_trips,
        timed.ready_next_call);
  });
  const auto iteration_cpu = state.counters.find("server_cpu_us");
  if (iteration_cpu == state.counters.end()) return;
  if (const auto floor_cpu = floor_cpu_us(stack, server.service, floor)) {
    state.counters["call_cpu_us"] = iteration_cpu->second.value - *floor_cpu;
  }
}

void floors(benchmark::State& state, BenchStack& stack, const bench::McpServer& server) {
  const bench::Endpoint endpoint = bench::endpoint_of(stack, server.service);
  bench::HealthFloor through_the_client(endpoint);
  bench::SocketFloor over_a_socket(endpoint);
  counting_server_cpu(state, stack, server.service,
                      [&] { bench::time_each_request_against_floor(state, over_a_socket, through_the_client); });
}

void first_call(benchmark::State& state, BenchStack& stack, const bench::McpServer& server) {
  bench::require_generated_users(settings.who, settings.first_call_users);
  const bench::Endpoint endpoint = bench::endpoint_of(stack, server.service, settings.legacy);
  std::vector<mcp::Client> clients;
  for (int i = 1; i <= settings.first_call_users; ++i) {
    clients.push_back(bench::client_for(endpoint, bench::generated_user_token(stack, settings.who, i)));
  }
  std::size_t next = 0;
  bench::time_each_request(state, [&]() -> std::string {
    if (next == clients.size()) return "ran out of new users";
    return bench::tool_call_failure(clients[next++].call_tool(server.tool, server.arguments));
  });
}

void register_benchmarks(const bench::BenchProgram::Stacks& stacks, const bench::Identities& who,
                         const cli::Flags& flags) {
  settings.who = who;
  settings.legacy = flags.on("legacy-sse");
  settings.first_call_users = flags.get_int("first-call-users");
  const auto register_warm_call = [&](const bench::McpServer& server, bool agents) {
    for (const auto& stack : stacks) {
      auto* warm = bench::register_for_stack("BM_WarmCall/" + server.service, stack,
                                             [&server, agents](benchmark::State& state, BenchStack& on) {
                                               warm_call(state, on, server, agents);
                                             })
                       ->Unit(benchmark::kMillisecond)
                       ->UseManualTime();
      // workload-mcp remembers 200 live DPoP proofs per agent (10 s each), then answers 429
      // until they expire: one repetition of fewer calls than that.
      if (server.service == "workload-mcp") {
        warm->Iterations(kWorkloadCalls)->Repetitions(1);
      } else {
        warm->MinTime(1.0);
      }
    }
  };
  for (const auto& server : bench::agent_servers()) register_warm_call(server, true);
  const auto register_floors = [&](const bench::McpServer& server) {
    for (const auto& stack : stacks) {
      bench::register_for_stack("BM_Floor/" + server.service, stack,
                                [&server](benchmark::State& state, BenchStack& on) { floors(state, on, server); })
          ->UseManualTime()
          ->MinTime(0.5);
    }
  };
  for (const auto& server : bench::mcp_servers()) register_floors(server);
  for (const auto& server : bench::agent_servers()) register_floors(server);
  for (const auto& server : bench::mcp_servers()) {
    register_warm_call(server, false);
    for (const auto& stack : stacks) {
      // Each repetition needs users of its own: one repetition.
      bench::register_for_stack("BM_FirstCall/" + server.service, stack,
                                [&server](benchmark::State& state, BenchStack& on) { first_call(state, on, server); })
          ->Unit(benchmark::kMillisecond)
          ->Iterations(settings.first_call_users)
          ->Repetitions(1)
          ->UseRealTime();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "tool_call_bench";
  program.summary = "Warm and first MCP tool calls on each MCP server of a stack.";
  program.local.generated_users = 30;
  program.declare_flags = [](cli::Flags& flags) {
    flags.toggle("legacy-sse", "call POST <server>/sse (the demo's plain JSON-RPC) instead of the stack's transport")
        .option("first-call-users", "30", "generated users (user0001…) whose first call BM_FirstCall times");
  };
  program.register_benchmarks = register_benchmarks;
  return bench::run_bench_program(argc, argv, std::move(program));
}
