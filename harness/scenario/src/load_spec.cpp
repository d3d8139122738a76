#include "load_spec.h"

#include <set>
#include <string>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/text/join.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

constexpr long kMaxCalls = 10'000'000;
constexpr int kMaxConnections = 4096;
constexpr int kMaxMs = 600'000;  // ten minutes, as every other wait of a step

long integer(const Json& value, const std::string& key, long low, long high) {
  if (!value.is_number_integer() || value.get<long long>() < low || value.get<long long>() > high) {
    throw StepSpecError(key, "expected an integer from " + std::to_string(low) + " to " + std::to_string(high) +
                                 ", got " + value.dump());
  }
  return value.get<long>();
}

void only_keys(const Json& object, const std::string& where, const std::set<std::string>& allowed) {
  if (!object.is_object()) throw StepSpecError(where, "expected a mapping");
  for (const auto& [key, value] : object.items()) {
    if (allowed.count(key)) continue;
    throw StepSpecError(where.empty() ? key : where + "." + key, "unknown key (allowed here: " + text::join(allowed) + ")");
  }
}

const Json& required(const Json& object, const std::string& key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) throw StepSpecError(where.empty() ? key : where + "." + key, "missing");
  return *it;
}

// servers: {jira: {tool: get_issue, args: {…}}, postgres: {tool: …, role_at: /rows/0/who}}
std::vector<LoadCall> read_servers(const Json& servers) {
  if (!servers.is_object() || servers.empty()) {
    throw StepSpecError("servers", "expected a mapping of servers to their call, e.g. {github: {tool: list_repos}}");
  }
  std::vector<LoadCall> calls;
  for (const auto& [server, spec] : servers.items()) {
    const std::string where = "servers." + server;
    only_keys(spec, where, {"tool", "args", "role_at"});
    LoadCall call;
    call.server = server;
    const Json& tool = required(spec, "tool", where);
    if (!tool.is_string() || tool.get<std::string>().empty()) throw StepSpecError(where + ".tool", "expected a tool name");
    call.tool = tool.get<std::string>();
    if (spec.contains("args")) {
      if (!spec["args"].is_object()) throw StepSpecError(where + ".args", "expected a mapping");
      call.args = spec["args"].dump();
    }
    if (spec.contains("role_at")) {
      const Json& pointer = spec["role_at"];
      if (!pointer.is_string() || pointer.get<std::string>().rfind('/', 0) != 0) {
        throw StepSpecError(where + ".role_at", "expected a JSON pointer into the result, e.g. /rows/0/who");
      }
      call.role_at = pointer.get<std::string>();
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

}  // namespace

LoadSpec read_load_spec(const Json& step, const StackNeeds& needs) {
  only_keys(step, "", {"users", "first_user", "connections", "calls", "servers", "time_limit_ms", "call_timeout_ms", "rate_limit_probe"});
  LoadSpec spec;
  spec.users = static_cast<int>(integer(required(step, "users", ""), "users", 1, 10'000));
  if (step.contains("first_user")) spec.first_user = static_cast<int>(integer(step["first_user"], "first_user", 1, 10'000));
  const Json& connections = required(step, "connections", "");
  if (connections.is_number_integer()) {
    spec.connections.push_back(static_cast<int>(integer(connections, "connections", 1, kMaxConnections)));
  } else if (connections.is_array() && !connections.empty()) {
    for (const auto& level : connections) {
      spec.connections.push_back(static_cast<int>(integer(level, "connections", 1, kMaxConnections)));
    }
  } else {
    throw StepSpecError("connections", "expected a connection count or a list of them, e.g. [64, 256]");
  }
  spec.calls = integer(required(step, "calls", ""), "calls", 1, kMaxCalls);
  spec.servers = read_servers(required(step, "servers", ""));
  const long runs = static_cast<long>(spec.connections.size() * spec.servers.size());
  if (spec.calls < runs) {
    throw StepSpecError("calls", "at least one call per level and server (" + std::to_string(runs) + ")");
  }
  if (step.contains("time_limit_ms")) spec.time_limit_ms = static_cast<int>(integer(step["time_limit_ms"], "time_limit_ms", 1, kMaxMs));
  if (step.contains("call_timeout_ms")) {
    spec.call_timeout_ms = static_cast<int>(integer(step["call_timeout_ms"], "call_timeout_ms", 1, kMaxMs));
  }
  if (step.contains("rate_limit_probe")) {
    const Json& probe = step["rate_limit_probe"];
    only_keys(probe, "rate_limit_probe", {"users", "calls"});
    spec.probe_users = static_cast<int>(integer(required(probe, "users", "rate_limit_probe"), "rate_limit_probe.users", 1, 100));
    spec.probe_calls =
        static_cast<int>(integer(required(probe, "calls", "rate_limit_probe"), "rate_limit_probe.calls", 1, 100'000));
    if (needs.rate_limit <= 0) {
      throw StepSpecError("rate_limit_probe", "the file must state the servers' limit to probe it "
                                              "(needs: {rate_limit: {requests: N, window_ms: W}})");
    }
  }
  // The users must be provisioned: the file says so, and the runner checks the stack has them.
  const int last_user = spec.first_user - 1 + spec.users + spec.probe_users;
  if (needs.generated_users < last_user) {
    throw StepSpecError("users", "the step acts for " + fixtures::generated_user(spec.first_user).username + "…" +
                                     fixtures::generated_user(last_user).username +
                                     " (probe users included): the file's needs.generated_users must be at least " +
                                     std::to_string(last_user) + ", not " + std::to_string(needs.generated_users));
  }
  spec.rate_limit = needs.rate_limit;
  spec.rate_window_ms = needs.rate_window_ms;
  return spec;
}

}  // namespace mcph::harness::scenario
