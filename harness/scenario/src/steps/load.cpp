// The `load` step: isolation under load (family 10), carried out by run_load_step (load_step.h)
// on every server it names, resolved against the stack here.
#include "../capability_call.h"
#include "../load_spec.h"
#include "../load_step.h"
#include "../step_executor.h"
#include "mcph/harness/stack/protocol_era.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/target_profile.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

void run_load(const LoadSpec& load, StepRun& run) {
  StepExecutor& executor = run.executor;
  const stack::StackFile& stack = executor.stack();
  std::vector<LoadTarget> targets;
  for (const LoadCall& call : load.servers) {
    const std::string service = executor.mcp_service(call.server);
    const stack::ServiceEntry& entry = stack.service(service);
    const std::string backend = backend_of(stack, service);
    if (backend.empty() && call.role_at.empty()) {
      throw std::runtime_error("load: " + service + " has no backend ledger to check its calls by, and no role_at");
    }
    const stack::TargetProfile profile = stack::target_profile(entry, service);
    LoadCall as_named = call;
    const NamedCall named = named_call(profile, call.tool, nlohmann::json::parse(call.args));
    as_named.tool = named.tool;
    as_named.args = named.args.dump();
    targets.push_back({service, entry.url, profile.transport, stack::protocol_era(entry, service),
                       backend.empty() ? "" : stack.service(backend).url, std::move(as_named)});
  }
  const RunnerOptions& options = executor.options();
  run_load_step(load, targets,
                LoadContext{stack, executor.users().fixtures_dir(), options.progress, options.shard.index, options.shard.count},
                run.out, run.record);
}

std::string load_title(const LoadSpec& load, const std::string&) {
  std::string levels;
  for (int connections : load.connections) levels += (levels.empty() ? "" : "/") + std::to_string(connections);
  return "load: " + std::to_string(load.users) + " users, " + levels + " connections, " + std::to_string(load.calls) + " calls";
}

}  // namespace

StepKindInfo load_step_kind() {
  return {
      .kind = StepKind::load,
      .name = "load",
      .summary = "Isolation under load: generated users, each interleaved on every server, at each concurrency level; "
                 "every call's backend entry checked to be its own user's.",
      .example = "load: {users: 200, connections: [16, 64], calls: 6000, servers: {jira: {tool: get_issue, args: {issue_key: DEMO-1}}}}",
      .fields = {{"load.users", "generated users user0001 … (the file's `needs: generated_users` must cover them)"},
                 {"load.first_user", "the first generated user the step acts as (default 1)"},
                 {"load.connections", "the concurrency levels: connections per server at once"},
                 {"load.calls", "tool calls in all, split evenly over levels and servers"},
                 {"load.servers", "`{server: {tool, args, role_at}}`: each server's call; `role_at` is a JSON pointer to "
                                  "the database role in the result, for a server without a backend ledger"},
                 {"load.time_limit_ms", "per level: no call starts after it (default 120000)"},
                 {"load.call_timeout_ms", "per call (default 10000)"},
                 {"load.rate_limit_probe", "`{users, calls}`: users offered far more than their rate limit at once"}},
      .yields = {ResultPart::load, ResultPart::duration},
      .read = [](const StepSource& source) -> StepSpec {
        return read_json_step(source.reader, source.value, source.here,
                              [&](const Json& json) { return read_load_spec(json, source.needs); });
      },
      .run = runner<LoadSpec>(run_load),
      .title = titler<LoadSpec>(load_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string(); },  // every MCP server
      .needs_caller = never,
      .audit = AuditReading::skipped,
  };
}

}  // namespace mcph::harness::scenario
