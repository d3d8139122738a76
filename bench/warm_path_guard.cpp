// warm_path_guard: fails when a reference server's warm tool call has grown slower against the
// loopback floor than the ratio recorded in the repository (bench/warm_path_ratios.json).
//
// For each of the five reference servers of the stack (a local one it starts, or --stack FILE),
// in the same process and on the same server: the floor, a keep-alive GET /health; the round
// trips the call makes behind the server, made here as the server makes them (Vault, the
// backend, PostgreSQL: tool_call_bench's); and the warm call, the same tool call
// tool_call_bench's BM_WarmCall times (session open, token known to the server; agent-bridge-mcp
// with an agent's API key, workload-mcp with a DPoP proof per call and OPA's decision kept). What
// the guard holds is the server's own part: the warm call's median less its round trips'
// medians, over the floor's median (tool_call_bench's own_floor_ratio), so that the stand-ins'
// own speed, which is not the servers', moves no verdict. Rounds interleave them: each round
// makes --calls iterations of every server in turn, each a floor, its round trips and a warm
// call, and takes the ratio of the medians; a server's ratio is the median over the rounds, so
// a burst of load from elsewhere on the machine moves a round, not the verdict. Red when a
// ratio exceeds its recorded value by more than its margin: the file's "margins" entry for the
// server, else the file's "margin".
// --write records the ratios measured instead (a deliberate commit says why). A server the
// stack lacks leaves the guard unable to tell: it says so and exits 2, as on any failed call.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/bench/agent_servers.h"
#include "mcph/bench/bench_stack.h"
#include "mcph/bench/cpu_idle.h"
#include "mcph/bench/latency.h"
#include "mcph/bench/mcp_servers.h"
#include "mcph/bench/user_round_trips.h"
#include "mcph/cli/flags.h"

namespace {

using namespace mcph;
using Json = nlohmann::json;

// workload-mcp remembers 200 live DPoP proofs per agent for 10 s and then answers 429: its warm
// calls of the whole run (the five of the warm-up too) stay below that.
constexpr int kWorkloadProofBudget = 180;

struct Measured {
  const bench::McpServer* server;
  bench::TimedClient caller;
  std::unique_ptr<bench::HealthFloor> floor;
  std::vector<bench::RoundTrip> round_trips;
  int iterations = 0;  // per round: each a floor, the round trips, a warm call
  std::vector<double> floor_us, warm_us, behind_us, ratios;  // per round: medians, their ratio
};

// The stack's server, or why the guard cannot measure it.
void require_service(bench::BenchStack& stack, const std::string& service) {
  const harness::stack::StackFile& file = stack.stack();
  if (file.services.count(service)) return;
  const auto left_out = file.services_left_out.find(service);
  throw std::runtime_error("inconclusive: the stack has no " + service +
                           (left_out == file.services_left_out.end() ? "" : " (" + left_out->second + ")"));
}

// The warm call: "" or why it failed.
std::string warm_call(Measured& m) {
  const auto call = m.caller.client.call_tool(m.server->tool, m.server->arguments);
  return call.ok() ? "" : "the warm call failed (HTTP " + std::to_string(call.rpc.http_status) + ")";
}

// One iteration of a server into `samples`: a floor, the round trips and a warm call.
void measure_once(Measured& m, bench::FloorSamples& samples) {
  const std::string failure =
      bench::time_once_against_floor(samples, [&] { return warm_call(m); }, *m.floor, m.round_trips,
                                     m.caller.ready_next_call);
  if (!failure.empty()) throw std::runtime_error(m.server->service + ": " + failure);
}

// One round of a server: its iterations, the medians of each part, and the server's own part of
// the call over the floor.
void measure_round(Measured& m) {
  bench::FloorSamples samples;
  for (int i = 0; i < m.iterations; ++i) measure_once(m, samples);
  const bench::OwnPart part = bench::own_part_of(std::move(samples));
  m.floor_us.push_back(part.floor_p50);
  m.warm_us.push_back(part.call_p50);
  m.behind_us.push_back(part.behind_p50());
  m.ratios.push_back(part.own_floor_ratio());
}

Json read_record(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Json record = Json::parse(in, nullptr, false);
  if (!record.is_object() || !record.contains("margin") || !record["margin"].is_number() || !record.contains("ratios") ||
      !record["ratios"].is_object() || (record.contains("margins") && !record["margins"].is_object())) {
    throw std::runtime_error(path + " holds no {\"margin\": number, \"margins\": {server: number} (optional), "
                                    "\"ratios\": {server: ratio}}");
  }
  return record;
}

// How much the server's ratio may exceed the recorded one, as a fraction: --margin, else the
// record's own for the server, else the record's margin.
double margin_of(const Json& record, const std::string& service, const cli::Flags& flags) {
  if (!flags.get("margin").empty()) return std::stod(flags.get("margin"));
  if (const auto margins = record.find("margins"); margins != record.end()) {
    if (const auto own = margins->find(service); own != margins->end() && own->is_number()) return own->get<double>();
  }
  return record["margin"].get<double>();
}

int run(const cli::Flags& flags) {
  const int rounds = std::max(1, flags.get_int("rounds"));
  const int calls = std::max(1, flags.get_int("calls"));
  harness::stack::StackParams local;
  local.fault_proxy = false;  // the servers' own path: no proxy hop to Vault and the backends
  std::vector<std::string> stack_files;
  if (!flags.get("stack").empty()) stack_files.push_back(flags.get("stack"));
  const auto stacks = bench::stacks_from_flags(stack_files, local);
  bench::BenchStack& stack = *stacks.front();
  bench::Identities who;
  const std::string token = stack.access_token(who, who.username, who.password);

  std::vector<Measured> servers;
  const auto add = [&](const bench::McpServer& server, bool agent) {
    require_service(stack, server.service);
    const bench::Endpoint endpoint = bench::endpoint_of(stack, server.service);
    Measured m{&server,
               agent ? bench::agent_client_for(stack, server) : bench::TimedClient{bench::client_for(endpoint, token), {}},
               std::make_unique<bench::HealthFloor>(endpoint),
               agent ? bench::agent_round_trips(stack, server) : bench::user_round_trips(stack, server, who, token),
               calls,
               {},
               {},
               {},
               {}};
    if (server.service == "workload-mcp") m.iterations = std::max(1, std::min(calls, kWorkloadProofBudget / rounds));
    bench::FloorSamples warm_up;  // the server's session, pools and caches warmed, outside the timing
    for (int i = 0; i < 5; ++i) measure_once(m, warm_up);
    servers.push_back(std::move(m));
  };
  for (const auto& server : bench::mcp_servers()) add(server, false);
  for (const auto& server : bench::agent_servers()) add(server, true);
  for (int round = 0; round < rounds; ++round) {
    for (Measured& m : servers) measure_round(m);
  }
  stack.down();

  const std::string record_path = flags.get("record");
  if (flags.on("write")) {  // the margins stay as the file has them (0.5 in a new file), unless --margin
    Json record = {{"margin", 0.5}};
    if (std::ifstream(record_path)) record = read_record(record_path);
    if (!flags.get("margin").empty()) record["margin"] = std::stod(flags.get("margin"));
    record["ratios"] = Json::object();
    for (const Measured& m : servers) {
      record["ratios"][m.server->service] = std::round(bench::p50_of(m.ratios) * 100) / 100;
    }
    std::ofstream(record_path) << record.dump(2) << "\n";
    std::printf("warm-path guard: recorded %s\n", record.dump().c_str());
    return 0;
  }
  const Json record = read_record(record_path);
  std::vector<std::string> grown;
  if (const std::string idle = bench::cpu_idle_state(); !idle.empty()) std::printf("cpu idle: %s\n", idle.c_str());
  std::printf("%-16s %9s %9s %9s %9s %7s %9s %7s %7s\n", "server", "floor_us", "warm_us", "behind_us", "own_us", "ratio",
              "recorded", "margin", "limit");
  for (const Measured& m : servers) {
    const double ratio = bench::p50_of(m.ratios);
    const auto recorded = record["ratios"].find(m.server->service);
    if (recorded == record["ratios"].end() || !recorded->is_number()) {
      grown.push_back(m.server->service + " (no ratio recorded)");
      continue;
    }
    const double margin = margin_of(record, m.server->service, flags);
    const double limit = recorded->get<double>() * (1 + margin);
    const double warm = bench::p50_of(m.warm_us), behind = bench::p50_of(m.behind_us);
    std::printf("%-16s %9.0f %9.0f %9.0f %9.0f %7.2f %9.2f %6.0f%% %7.2f\n", m.server->service.c_str(),
                bench::p50_of(m.floor_us), warm, behind, warm - behind, ratio, recorded->get<double>(), margin * 100, limit);
    if (ratio > limit) grown.push_back(m.server->service);
  }
  if (grown.empty()) {
    std::printf("warm-path guard: green (%d rounds of %d calls)\n", rounds, calls);
    return 0;
  }
  std::string names;
  for (const auto& name : grown) names += (names.empty() ? "" : ", ") + name;
  std::printf("warm-path guard: red: the server's own part of the warm call grew against the floor beyond the margin at %s\n",
              names.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("warm_path_guard",
                   "Each MCP server's own part of a warm tool call (the call less the round trips it makes behind "
                   "the server) against its keep-alive GET /health, as a ratio, compared with the ratios recorded in "
                   "the repository.");
  flags.option("stack", "", "the stack file of the stack to measure (default: start a local one, no fault proxy)")
      .option("record", "", "the recorded ratios (bench/warm_path_ratios.json)")
      .option("rounds", "9", "interleaved rounds; a server's ratio is their median")
      .option("calls", "30", "iterations per server and round: a floor, the round trips, a warm call")
      .option("margin", "", "how much every ratio may exceed the recorded one, as a fraction (default: the file's "
                            "margin for the server, else its margin)")
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
