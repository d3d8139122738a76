// warm_path_guard: fails when a reference server's warm tool call has grown slower against the
// loopback floor than the ratio recorded in the repository (bench/warm_path_ratios.json).
//
// For each MCP server of the stack (a local one it starts, or --stack FILE), in the same process
// and on the same server: the floor, a keep-alive GET /health, and the warm call, the same tool
// call tool_call_bench's BM_WarmCall times (session open, token known to the server). Rounds
// interleave them: each round times --calls floors then --calls warm calls of every server in
// turn and takes the ratio of their medians; a server's ratio is the median over the rounds, so
// a burst of load from elsewhere on the machine moves a round, not the verdict. Red when a
// ratio exceeds its recorded value by more than the file's margin. --write records the ratios
// measured instead (a deliberate commit says why).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/bench/bench_stack.h"
#include "mcph/bench/mcp_servers.h"
#include "mcph/cli/flags.h"

namespace {

using namespace mcph;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The median of `calls` timings of `once`, in microseconds; `once` throws on a failed call.
template <typename Call>
double median_micros(int calls, Call&& once) {
  std::vector<double> micros;
  for (int i = 0; i < calls; ++i) {
    const auto start = Clock::now();
    once();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return median(std::move(micros));
}

struct Measured {
  const bench::McpServer* server;
  std::unique_ptr<mcp::Client> client;
  std::unique_ptr<bench::HealthFloor> floor;
  std::vector<double> floor_us, warm_us, ratios;
};

void warm_call(Measured& m) {
  const auto call = m.client->call_tool(m.server->tool, m.server->arguments);
  if (!call.ok()) {
    throw std::runtime_error(m.server->service + ": the warm call failed (HTTP " + std::to_string(call.rpc.http_status) + ")");
  }
}

void floor_call(Measured& m) {
  if (const std::string failure = (*m.floor)(); !failure.empty()) throw std::runtime_error(m.server->service + ": " + failure);
}

Json read_record(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Json record = Json::parse(in, nullptr, false);
  if (!record.is_object() || !record.contains("margin") || !record["margin"].is_number() || !record.contains("ratios") ||
      !record["ratios"].is_object()) {
    throw std::runtime_error(path + " holds no {\"margin\": number, \"ratios\": {server: ratio}}");
  }
  return record;
}

int run(const cli::Flags& flags) {
  const int rounds = std::max(1, flags.get_int("rounds"));
  const int calls = std::max(1, flags.get_int("calls"));
  harness::StackParams local;
  local.fault_proxy = false;  // the servers' own path: no proxy hop to Vault and the backends
  std::vector<std::string> stack_files;
  if (!flags.get("stack").empty()) stack_files.push_back(flags.get("stack"));
  const auto stacks = bench::stacks_from_flags(stack_files, local);
  bench::BenchStack& stack = *stacks.front();
  bench::Identities who;
  const std::string token = stack.access_token(who, who.username, who.password);

  std::vector<Measured> servers;
  for (const auto& server : bench::mcp_servers()) {
    const bench::Endpoint endpoint = bench::endpoint_of(stack, server.service);
    Measured m{&server, std::make_unique<mcp::Client>(bench::client_for(endpoint, token)),
               std::make_unique<bench::HealthFloor>(endpoint), {}, {}, {}};
    for (int i = 0; i < 5; ++i) {  // the server's session, pools and caches warmed, outside the timing
      warm_call(m);
      floor_call(m);
    }
    servers.push_back(std::move(m));
  }
  for (int round = 0; round < rounds; ++round) {
    for (Measured& m : servers) {
      const double floor = median_micros(calls, [&] { floor_call(m); });
      const double warm = median_micros(calls, [&] { warm_call(m); });
      m.floor_us.push_back(floor);
      m.warm_us.push_back(warm);
      m.ratios.push_back(warm / floor);
    }
  }
  stack.down();

  const std::string record_path = flags.get("record");
  if (flags.on("write")) {
    Json record = {{"margin", flags.get("margin").empty() ? 0.5 : std::stod(flags.get("margin"))}, {"ratios", Json::object()}};
    for (const Measured& m : servers) record["ratios"][m.server->service] = std::round(median(m.ratios) * 100) / 100;
    std::ofstream(record_path) << record.dump(2) << "\n";
    std::printf("warm-path guard: recorded %s\n", record.dump().c_str());
    return 0;
  }
  const Json record = read_record(record_path);
  const double margin = flags.get("margin").empty() ? record["margin"].get<double>() : std::stod(flags.get("margin"));
  std::vector<std::string> grown;
  std::printf("%-14s %10s %10s %8s %9s %8s\n", "server", "floor_us", "warm_us", "ratio", "recorded", "limit");
  for (const Measured& m : servers) {
    const double ratio = median(m.ratios);
    const auto recorded = record["ratios"].find(m.server->service);
    if (recorded == record["ratios"].end() || !recorded->is_number()) {
      grown.push_back(m.server->service + " (no ratio recorded)");
      continue;
    }
    const double limit = recorded->get<double>() * (1 + margin);
    std::printf("%-14s %10.0f %10.0f %8.2f %9.2f %8.2f\n", m.server->service.c_str(), median(m.floor_us),
                median(m.warm_us), ratio, recorded->get<double>(), limit);
    if (ratio > limit) grown.push_back(m.server->service);
  }
  if (grown.empty()) {
    std::printf("warm-path guard: green (%d rounds of %d calls, margin %.0f %%)\n", rounds, calls, margin * 100);
    return 0;
  }
  std::string names;
  for (const auto& name : grown) names += (names.empty() ? "" : ", ") + name;
  std::printf("warm-path guard: red: the warm call grew against the floor beyond the margin at %s\n", names.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("warm_path_guard",
                   "Each MCP server's warm tool call against its keep-alive GET /health, as a ratio, compared "
                   "with the ratios recorded in the repository.");
  flags.option("stack", "", "the stack file of the stack to measure (default: start a local one, no fault proxy)")
      .option("record", "", "the recorded ratios (bench/warm_path_ratios.json)")
      .option("rounds", "9", "interleaved rounds; a server's ratio is their median")
      .option("calls", "30", "floor calls, then warm calls, per server and round")
      .option("margin", "", "how much a ratio may exceed the recorded one, as a fraction (default: the file's)")
      .toggle("write", "record the measured ratios in --record instead of comparing");
  flags.parse(argc, argv);
  if (flags.get("record").empty()) {
    std::fprintf(stderr, "warm_path_guard: --record FILE is needed\n");
    return 2;
  }
  try {
    return run(flags);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warm_path_guard: %s\n", e.what());
    return 2;
  }
}
