// The MCP servers of a stack under concurrency (issue 12): for each of jira-mcp, github-mcp and
// postgres-mcp,
//   BM_WarmCall    one client, the caller's Vault session already cached: p50/p90/p99
//                  (target p50 ≤ 1 ms);
//   BM_FirstCall   the first call of a user the server has not seen (JWT verification, Vault
//                  login, entity lookup, secret or database role, backend): target ≤ 5 ms;
//   BM_Load        a bounded keep-alive load at 1, 16, 64 and 256 connections, users
//                  interleaved across connections, each connection calling back to back:
//                  calls/s, p50/p99/max, calls over 900 ms, connection setups over 900 ms and
//                  the kernel's listen-queue drops during the run (targets at 64 and 256
//                  connections: p99 ≤ 50 ms, nothing over 1 s).
// Against a local stack it starts, or any stack file (--stack, repeatable: side by side).
// Every benchmark's name ends in /stack:LABEL.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "mcph/bench/bench_main.h"
#include "mcph/bench/percentiles.h"
#include "mcph/harness/load_driver.h"
#include "mcph/harness/user_fixtures.h"
#include "mcph/mcp/client.h"

namespace {

using namespace mcph;
using Clock = std::chrono::steady_clock;
using bench::BenchStack;

struct ServerUnderTest {
  std::string service;  // the stack file's name for it
  std::string tool;
  std::string arguments;
};

const std::vector<ServerUnderTest>& servers() {
  static const std::vector<ServerUnderTest> list = {
      {"jira-mcp", "get_issue", R"({"issue_key":"DEMO-1"})"},
      {"github-mcp", "list_repos", "{}"},
      {"postgres-mcp", "execute_query", R"({"query":"SELECT key, name FROM projects ORDER BY id"})"},
  };
  return list;
}

struct Settings {
  bench::Identities who;
  bool legacy = false;          // POST <server>/sse instead of the stack's transport
  int first_call_users = 30;    // user0001… : new to every server
  int load_users = 16;          // the next ones: the users of the load runs
  int load_calls = 4000;        // per load run (at least 10 per connection)
  std::chrono::milliseconds time_limit{60000};
  std::vector<int> connections = {1, 16, 64, 256};
};

Settings settings;

// Where to send tool calls, and how.
struct Endpoint {
  std::string url;
  mcp::Transport transport = mcp::Transport::streamable_http;
};

Endpoint endpoint_of(BenchStack& stack, const std::string& service) {
  const harness::ServiceEntry& entry = stack.stack().service(service);
  Endpoint endpoint{entry.url, mcp::parse_transport(entry.get("transport", "streamable-http"))};
  if (settings.legacy && endpoint.transport == mcp::Transport::streamable_http) {
    const auto path = endpoint.url.rfind("/mcp");
    endpoint.url = (path == std::string::npos ? endpoint.url : endpoint.url.substr(0, path)) + "/sse";
    endpoint.transport = mcp::Transport::legacy_sse_post;
  }
  return endpoint;
}

mcp::Client client_for(const Endpoint& endpoint, const std::string& token) {
  mcp::ClientOptions options;
  options.transport = endpoint.transport;
  mcp::Client client(endpoint.url, options);
  client.set_header("Authorization", "Bearer " + token);
  if (endpoint.transport == mcp::Transport::streamable_http && !client.connect().ok()) {
    throw std::runtime_error("initialize failed at " + endpoint.url);
  }
  return client;
}

std::string generated_token(BenchStack& stack, int index) {
  const harness::UserFixture user = harness::generated_user(index);
  return stack.access_token(settings.who, user.username, user.password);
}

bool enough_generated_users(benchmark::State& state, int needed) {
  if (settings.who.generated_users >= needed) return true;
  const std::string message = "needs " + std::to_string(needed) + " generated users, the stack has " +
                              std::to_string(settings.who.generated_users) +
                              " (mcp-harness up --users N, then --generated-users N)";
  state.SkipWithError(message.c_str());
  return false;
}

void warm_call(benchmark::State& state, BenchStack& stack, const ServerUnderTest& server) {
  const Endpoint endpoint = endpoint_of(stack, server.service);
  mcp::Client client = client_for(endpoint, stack.access_token(settings.who, settings.who.username, settings.who.password));
  if (auto first = client.call_tool(server.tool, server.arguments); !first.ok()) {
    state.SkipWithError(("the warm-up call failed: " + first.text()).c_str());
    return;
  }
  std::vector<double> micros;
  for (auto _ : state) {
    const auto start = Clock::now();
    const auto call = client.call_tool(server.tool, server.arguments);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!call.ok()) {
      state.SkipWithError(("tool call failed: " + call.text()).c_str());
      break;
    }
  }
  bench::report_percentiles(state, micros);
  state.SetItemsProcessed(state.iterations());
}

void first_call(benchmark::State& state, BenchStack& stack, const ServerUnderTest& server) {
  if (!enough_generated_users(state, settings.first_call_users)) return;
  const Endpoint endpoint = endpoint_of(stack, server.service);
  // Tokens and MCP sessions first: initialize touches neither Vault nor the backend.
  std::vector<mcp::Client> clients;
  for (int i = 1; i <= settings.first_call_users; ++i) clients.push_back(client_for(endpoint, generated_token(stack, i)));
  std::size_t next = 0;
  std::vector<double> micros;
  for (auto _ : state) {
    if (next == clients.size()) {
      state.SkipWithError("ran out of new users");
      break;
    }
    const auto start = Clock::now();
    const auto call = clients[next++].call_tool(server.tool, server.arguments);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!call.ok()) {
      state.SkipWithError(("first call failed: " + call.text()).c_str());
      break;
    }
  }
  bench::report_percentiles(state, micros);
}

void load(benchmark::State& state, BenchStack& stack, const ServerUnderTest& server, int connections) {
  if (!enough_generated_users(state, settings.first_call_users + settings.load_users)) return;
  const Endpoint endpoint = endpoint_of(stack, server.service);
  std::vector<std::string> tokens;
  for (int i = 1; i <= settings.load_users; ++i) {
    tokens.push_back("Bearer " + generated_token(stack, settings.first_call_users + i));
  }
  harness::load::LoadOptions options;
  options.endpoint_url = endpoint.url;
  options.transport = endpoint.transport;
  options.next_call = [&](std::size_t, std::size_t) { return harness::load::ToolCall{server.tool, server.arguments}; };
  options.time_limit = settings.time_limit;
  // One unmeasured call per user, so the runs measure warm calls under concurrency.
  options.authorizations = tokens;
  options.calls_per_connection = 1;
  (void)harness::load::run_load(options);

  options.authorizations.clear();
  for (int i = 0; i < connections; ++i) options.authorizations.push_back(tokens[static_cast<std::size_t>(i) % tokens.size()]);
  options.calls_per_connection = static_cast<std::size_t>(std::max(10, settings.load_calls / connections));
  for (auto _ : state) {
    const std::int64_t overflows_before = harness::load::listen_overflows();
    const harness::load::LoadReport report = harness::load::run_load(options);
    const std::int64_t overflows_after = harness::load::listen_overflows();
    state.SetIterationTime(std::max(report.elapsed_s, 1e-6));
    state.counters["calls_per_s"] = report.calls_per_second();
    state.counters["p50_ms"] = report.percentile_ms(0.50);
    state.counters["p99_ms"] = report.percentile_ms(0.99);
    state.counters["max_ms"] = report.max_ms();
    state.counters["over_900ms"] = static_cast<double>(report.slow);
    state.counters["setup_p99_ms"] = harness::load::percentile_of_sorted(report.setup_latencies_ms, 0.99);
    state.counters["setups_over_900ms"] = static_cast<double>(report.slow_setups);
    state.counters["failed"] = static_cast<double>(report.failed + report.setups_failed);
    state.counters["unfinished"] = static_cast<double>(report.unfinished);
    state.counters["listen_overflows"] = static_cast<double>(overflows_after - overflows_before);
    for (const auto& error : report.sample_errors) {
      std::fprintf(stderr, "%s %s: %s\n", stack.label().c_str(), server.service.c_str(), error.c_str());
    }
  }
}

// Runs a benchmark body; a stack that cannot be brought up or reached skips it with the reason.
template <typename Body>
void guarded(benchmark::State& state, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

std::vector<int> parse_list(const std::string& text) {
  std::vector<int> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const int value = std::stoi(item);
    if (value < 1 || value > 4096) throw std::invalid_argument("connections must be between 1 and 4096");
    values.push_back(value);
  }
  return values;
}

void register_benchmarks(const bench::BenchProgram::Stacks& stacks, const bench::Identities& who,
                         const cli::Flags& flags) {
  settings.who = who;
  settings.legacy = flags.on("legacy-sse");
  settings.first_call_users = flags.get_int("first-call-users");
  settings.load_users = flags.get_int("load-users");
  settings.load_calls = flags.get_int("load-calls");
  settings.time_limit = std::chrono::milliseconds(flags.get_int("time-limit-ms"));
  settings.connections = parse_list(flags.get("connections"));
  for (const auto& server : servers()) {
    for (const auto& stack : stacks) {
      benchmark::RegisterBenchmark(bench::bench_name("BM_WarmCall/" + server.service, *stack).c_str(),
                                   [stack, &server](benchmark::State& state) {
                                     guarded(state, [&] { warm_call(state, *stack, server); });
                                   })
          ->Unit(benchmark::kMillisecond)
          ->MinTime(1.0)
          ->UseRealTime();
    }
    for (const auto& stack : stacks) {
      benchmark::RegisterBenchmark(bench::bench_name("BM_FirstCall/" + server.service, *stack).c_str(),
                                   [stack, &server](benchmark::State& state) {
                                     guarded(state, [&] { first_call(state, *stack, server); });
                                   })
          ->Unit(benchmark::kMillisecond)
          ->Iterations(settings.first_call_users)
          ->UseRealTime();
    }
    for (const int connections : settings.connections) {
      for (const auto& stack : stacks) {
        const std::string name = "BM_Load/" + server.service + "/connections:" + std::to_string(connections);
        benchmark::RegisterBenchmark(bench::bench_name(name, *stack).c_str(),
                                     [stack, &server, connections](benchmark::State& state) {
                                       guarded(state, [&] { load(state, *stack, server, connections); });
                                     })
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1)
            ->UseManualTime();
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "server_load_bench";
  program.summary = "MCP servers of a stack: warm call, first call of a new user, keep-alive load.";
  program.local.generated_users = 46;  // the defaults below: 30 first-call users + 16 load users
  program.declare_flags = [](cli::Flags& flags) {
    flags.toggle("legacy-sse", "call POST <server>/sse (the demo's plain JSON-RPC) instead of the stack's transport")
        .option("first-call-users", "30", "generated users whose first call BM_FirstCall times")
        .option("load-users", "16", "generated users (after those) whose calls the load runs interleave")
        .option("load-calls", "4000", "tool calls per load run (at least 10 per connection)")
        .option("time-limit-ms", "60000", "no load call starts after this")
        .option("connections", "1,16,64,256", "the load runs' connection counts");
  };
  program.register_benchmarks = register_benchmarks;
  return bench::run_bench_program(argc, argv, std::move(program));
}
