// The `policy_table` step: a policy engine's decisions held to the decision table a scenario file
// writes (docs/trust-tiers.md's shape), or to the server's own (its stack entry's `policy`), cell by cell. Each cell is asked of OPA's data API with the
// input a server of the workload-identity design builds from verified facts, and every cell whose
// decision differs is reported — an undefined decision too, whatever the table says, so that a
// policy that did not load fails the table instead of passing its denies.
#include "../recorder.h"
#include "../step_executor.h"
#include "../workload_client.h"
#include "mcph/http/client.h"
#include "mcph/sync/elapsed.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// The server's own policy (its stack entry's `policy`), or none: the step's.
const stack::PolicyProfile* servers_policy(const stack::StackFile& stack, const PolicyTableStep& step) {
  const std::string server = stack.serving(step.server);
  if (server.empty() || !stack.services.count(server)) return nullptr;
  const auto& policy = stack.service(server).mcp.policy;
  return policy ? &*policy : nullptr;
}

// The step's own table, with the reference design's input ({"spiffe_id", "operation", "tool"});
// without one, the reference policy (policy_profile.h) at the step's engine.
stack::PolicyProfile step_policy(const PolicyTableStep& step) {
  stack::PolicyProfile policy = stack::reference_workload_policy();
  policy.engine = step.service;
  policy.decision_path = step.decision_path;
  if (!step.cells.empty()) {
    policy.agents = step.agents;
    policy.cells = step.cells;
  }
  return policy;
}

void run_policy_table(const PolicyTableStep& step, StepRun& run) {
  const stack::StackFile& stack = run.executor.stack();
  const stack::PolicyProfile* own = servers_policy(stack, step);
  const stack::PolicyProfile policy = own ? *own : step_policy(step);
  if (!stack.services.count(policy.engine)) throw std::runtime_error("the stack has no policy engine " + policy.engine);
  const std::string url = stack.service(policy.engine).url;
  std::map<std::string, std::string> spiffe_ids;
  if (!policy.agents.empty()) {
    const WorkloadClient workloads(stack);
    for (const auto& [tier, agent] : policy.agents) spiffe_ids[tier] = workloads.spiffe_id(agent);
  }

  http::Client client(url);
  Json differing = Json::array();
  std::size_t undecided = 0;
  const auto started = sync::SteadyClock::now();
  for (const PolicyCell& cell : policy.cells) {
    const auto id = spiffe_ids.find(cell.tier);
    const Json input = policy.input_for(cell, id == spiffe_ids.end() ? "" : id->second);
    const auto response = client.post("/v1/data/" + policy.decision_path, Json{{"input", input}}.dump(), "application/json");
    const Json body = Json::parse(response.body, nullptr, false);
    std::string decided;
    if (response.status != 200 || !body.is_object()) {
      decided = "no decision (HTTP " + std::to_string(response.status) + ")";
      ++undecided;
    } else if (!body.contains("result")) {
      decided = "undefined";
      ++undecided;
    } else if (const auto allowed = policy.allowed(body["result"]); !allowed) {
      decided = policy.allow.empty() ? "no boolean" : "no boolean at " + policy.allow;
    } else {
      decided = *allowed ? "allow" : "deny";
    }
    if (decided != (cell.allow ? "allow" : "deny")) {
      differing.push_back(cell.tier + " " + cell.operation + " " + cell.tool + ": the table says " +
                          (cell.allow ? "allow" : "deny") + ", the policy decides " + decided);
    }
  }
  // Not one decision at the path: the harness asked where no policy is (not loaded, the path
  // or the engine wrong), which says nothing of the policy the server asks.
  if (undecided == policy.cells.size()) {
    run.out.caveat = "the policy engine gave no decision at /v1/data/" + policy.decision_path +
                     " for any cell: no policy is loaded there, or the decision path is not the server's";
  }
  run.out.http.status = 200;
  run.out.result = {{"cells", policy.cells.size()}, {"differing", differing}};
  run.record.note({{"policy_table", {{"url", url}, {"decision_path", policy.decision_path}, {"servers_own", own != nullptr},
                                     {"cells", policy.cells.size()}, {"differing", differing}, {"ms", sync::ms_since(started)}}}});
}

PolicyTableStep read_policy_table(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here, {"service", "decision_path", "server", "agents", "table"});
  PolicyTableStep step;
  step.service = reader.text_or(value, "service", here, step.service);
  step.decision_path = reader.text_or(value, "decision_path", here, step.decision_path);
  step.server = reader.text_or(value, "server", here, step.server);
  if (value["agents"].IsDefined() != value["table"].IsDefined()) {
    reader.fail(value, here, "give agents and table together, or neither (the reference policy's)");
  }
  if (!value["table"].IsDefined()) return step;
  step.agents = reader.text_map(value["agents"], Reader::join(here, "agents"));
  std::vector<std::string> tiers;
  for (const auto& [tier, agent] : step.agents) tiers.push_back(tier);
  try {
    step.cells = stack::parse_decision_table(reader.required_text(value, "table", here), tiers);
  } catch (const std::runtime_error& e) {
    reader.fail(value["table"], Reader::join(here, "table"), e.what());
  }
  return step;
}

std::string policy_table_title(const PolicyTableStep& step, const std::string&) {
  // The server's own policy and table may stand in for these when the step runs.
  return "the policy decides each cell of " + step.server + "'s decision table";
}

}  // namespace

StepKindInfo policy_table_step_kind() {
  return {
      .kind = StepKind::policy_table,
      .name = "policy_table",
      .summary = "A policy engine's decisions (OPA's data API) held to a decision table, cell by cell; every differing "
                 "cell, an undefined decision included, is listed at the result's /differing.",
      .example = "policy_table:\n  agents: {trusted: trusted-agent}\n  table: |\n    | tier | operation | shell |\n"
                 "    | trusted | execute | allow |\nexpect: {result_json: {/differing: {equals: []}}}",
      .fields = {{"policy_table.agents", "tier → the agent whose SPIFFE ID stands for it (a name of the trust domain or a SPIFFE ID); "
                                         "with table"},
                 {"policy_table.table", "| tier | operation | <tool> | … | rows of allow or deny (docs/trust-tiers.md's shape); "
                                        "default the reference policy's (workload-mcp's)"},
                 {"policy_table.service", "the stack's policy engine, default opa"},
                 {"policy_table.decision_path", "asked as POST /v1/data/<path>, default mcp/authz/decision"},
                 {"policy_table.server", "the MCP server whose policy this is, default workload-mcp: when its stack entry has a "
                                         "`policy`, that policy's decision path, input, agents and table are asked instead"}},
      .yields = {ResultPart::json_result},
      .read = [](const StepSource& source) -> StepSpec { return read_policy_table(source); },
      .run = runner<PolicyTableStep>(run_policy_table),
      .title = titler<PolicyTableStep>(policy_table_title),
      // The server whose own policy it asks, else the engine.
      .addressed = [](const StepExecutor& executor, const Step& step) {
        const auto& table = step.get<PolicyTableStep>();
        return servers_policy(executor.stack(), table) ? executor.stack().serving(table.server) : table.service;
      },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness::scenario
