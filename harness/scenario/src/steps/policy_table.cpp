// The `policy_table` step: a policy engine's decisions held to the decision table a scenario file
// writes (docs/trust-tiers.md's shape), or to the server's own (its stack entry's `policy`), cell
// by cell. Each cell is asked of OPA's data API with the input a server of the workload-identity
// design builds from verified facts, and every cell whose decision differs is reported — an
// undefined decision too, whatever the table says, so that a policy that did not load fails the
// table instead of passing its denies. Its probes ask instead with inputs no verified identity
// yields (a tier claimed beside the SPIFFE ID, a look-alike of an agent's SPIFFE ID, an identity
// marked unverified), and report each pose the policy granted.
#include "../recorder.h"
#include "../step_executor.h"
#include "../workload_client.h"
#include "mcph/harness/provision/workload_provisioning.h"
#include "mcph/http/client.h"
#include "mcph/spiffe/spiffe_id.h"
#include "mcph/text/join.h"
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

// The policy engine's word on one input: "allow", "deny", or what came instead of a decision
// (`decided` false: no policy answered there).
struct Decision {
  std::string word;
  bool decided = true;
};

Decision ask(http::Client& client, const stack::PolicyProfile& policy, const Json& input) {
  const auto response = client.post("/v1/data/" + policy.decision_path, Json{{"input", input}}.dump(), "application/json");
  const Json body = Json::parse(response.body, nullptr, false);
  if (response.status != 200 || !body.is_object()) return {"no decision (HTTP " + std::to_string(response.status) + ")", false};
  if (!body.contains("result")) return {"undefined", false};
  const auto allowed = policy.allowed(body["result"]);
  if (!allowed) return {policy.allow.empty() ? "no boolean" : "no boolean at " + policy.allow};
  return {*allowed ? "allow" : "deny"};
}

// One input a verified identity never yields: who it poses as, the cell it asks, the input, and
// the honest input it bends, when a grant counts only if the bend made it (null: any grant does).
struct BentInput {
  std::string who, cell;
  Json input, honest;
};

// The places a caller's claim of a tier is written: the input's root, and beside the SPIFFE ID.
std::vector<Json::json_pointer> claim_places(const stack::PolicyProfile& policy) {
  std::vector<Json::json_pointer> places = {Json::json_pointer("/tier")};
  for (const auto& [pointer, fact] : policy.input) {
    if (fact != "spiffe_id") continue;
    const Json::json_pointer beside = Json::json_pointer(pointer).parent_pointer() / "tier";
    if (beside != places.front()) places.push_back(beside);
  }
  return places;
}

// Each tier's SPIFFE ID with each other tier claimed, for the cells only the claimed tier may do.
std::vector<BentInput> claimed_tier_inputs(const stack::PolicyProfile& policy, const std::map<std::string, std::string>& ids) {
  const std::vector<Json::json_pointer> places = claim_places(policy);
  std::vector<std::string> at;
  for (const auto& place : places) at.push_back(place.to_string());
  std::vector<BentInput> bent;
  for (const auto& [tier, id] : ids) {
    for (const PolicyCell& cell : policy.cells) {
      if (cell.tier == tier || !cell.allow || policy.decides(tier, cell.operation, cell.tool) == true) continue;
      const Json honest = policy.input_for({tier, cell.operation, cell.tool, false}, id);
      Json input = honest;
      for (const auto& place : places) input[place] = cell.tier;
      // The policy's own grant of the cell to that ID (against its table, the table's finding)
      // is no claim believed: only a grant the claim made counts.
      bent.push_back({id + " claiming the " + cell.tier + " tier (at " + text::join(at, ", ") + ")",
                      cell.operation + " " + cell.tool, std::move(input), honest});
    }
  }
  return bent;
}

// SPIFFE IDs that are not the agent's: its path in another trust domain, a longer name that
// starts with its ID, and a path below it.
std::vector<std::string> look_alikes(const std::string& id) {
  std::vector<std::string> alikes = {id + "-impostor", id + "/impostor"};
  if (const std::string foreign = spiffe::in_trust_domain(id, provision::kForeignTrustDomain); foreign != id) {
    alikes.insert(alikes.begin(), foreign);
  }
  return alikes;
}

// Each look-alike of each tier's SPIFFE ID, for every cell that tier may do.
std::vector<BentInput> foreign_identity_inputs(const stack::PolicyProfile& policy, const std::map<std::string, std::string>& ids) {
  std::vector<BentInput> bent;
  for (const auto& [tier, id] : ids) {
    for (const std::string& alike : look_alikes(id)) {
      for (const PolicyCell& cell : policy.cells) {
        if (cell.tier != tier || !cell.allow) continue;
        bent.push_back({alike + " (not " + id + ")", cell.operation + " " + cell.tool, policy.input_for(cell, alike), nullptr});
      }
    }
  }
  return bent;
}

// Each cell the table grants, asked with the input's mark of a verified identity false.
std::vector<BentInput> unverified_inputs(const stack::PolicyProfile& policy, const std::map<std::string, std::string>& ids) {
  std::vector<std::string> marks;
  for (const auto& [pointer, fact] : policy.input) {
    if (fact == "verified") marks.push_back(pointer);
  }
  std::vector<BentInput> bent;
  for (const PolicyCell& cell : policy.cells) {
    if (!cell.allow) continue;
    const auto id = ids.find(cell.tier);
    const std::string who = id == ids.end() ? "the " + cell.tier + " tier" : id->second;
    Json input = policy.input_for(cell, id == ids.end() ? "" : id->second);
    for (const std::string& mark : marks) input[Json::json_pointer(mark)] = false;
    bent.push_back({who + " marked unverified (at " + text::join(marks, ", ") + ")", cell.operation + " " + cell.tool,
                    std::move(input), nullptr});
  }
  return bent;
}

// Each probe: as a scenario names it, the inputs it asks, what the step's title says it asks, and
// what the reference says of its inputs.
struct ProbeKind {
  PolicyTableStep::Probe probe;
  const char* name;
  std::vector<BentInput> (*bend)(const stack::PolicyProfile&, const std::map<std::string, std::string>&);
  const char* asked;
  const char* inputs;
};
const ProbeKind kProbeKinds[] = {
    {PolicyTableStep::Probe::claimed_tier, "claimed_tier", claimed_tier_inputs, "asked with a tier claimed in its input",
     "each tier's SPIFFE ID with another tier written at /tier and beside the ID, for what only that tier may do"},
    {PolicyTableStep::Probe::foreign_identity, "foreign_identity", foreign_identity_inputs,
     "asked for look-alikes of its agents' SPIFFE IDs",
     "each tier's SPIFFE ID in another trust domain, with a suffix, with a path below it, for what the tier may do"},
    {PolicyTableStep::Probe::unverified_identity, "unverified_identity", unverified_inputs,
     "asked for its agents marked unverified", "every cell the table grants, the input's `verified` mark false"},
};

const ProbeKind& kind_of(PolicyTableStep::Probe probe) {
  for (const ProbeKind& kind : kProbeKinds) {
    if (kind.probe == probe) return kind;
  }
  throw std::logic_error("a policy_table probe without a name");
}

// Why the probe cannot be asked of this policy, or "". The unverified_identity probe needs the
// input's mark of a verified identity. The other two hold a policy that maps SPIFFE IDs to tiers
// itself; where the server writes the tier into the input, that mapping is the server's, and the
// scenarios that call the server test it.
std::string probe_not_applicable(const stack::PolicyProfile& policy, PolicyTableStep::Probe probe) {
  if (probe == PolicyTableStep::Probe::unverified_identity) {
    if (!policy.carries("verified")) return "the policy's input carries no mark of a verified identity (no `verified` fact)";
    if (policy.carries("spiffe_id") && policy.agents.empty()) return "the policy names no agent standing for each tier";
    return "";
  }
  if (!policy.carries("spiffe_id") || policy.agents.empty()) return "the policy's input carries no SPIFFE ID for the harness to bend";
  if (policy.carries("tier")) {
    return "the server writes the tier into the policy's input itself: the policy does not map SPIFFE IDs to tiers, "
           "the server does";
  }
  return "";
}

// Every bent input asked; at /granted, each pose that was granted something, with what:
// "<who>: <operation> <tool>, …".
void run_probe(const PolicyTableStep& step, const stack::PolicyProfile& policy, const std::map<std::string, std::string>& ids,
               http::Client& client, StepRun& run) {
  const std::vector<BentInput> bent = kind_of(step.probe).bend(policy, ids);
  std::vector<std::pair<std::string, std::vector<std::string>>> grants;  // who → cells, in the order asked
  std::size_t undecided = 0;
  for (const BentInput& one : bent) {
    const Decision decision = ask(client, policy, one.input);
    undecided += !decision.decided;
    if (decision.word != "allow") continue;
    if (!one.honest.is_null() && ask(client, policy, one.honest).word == "allow") continue;
    if (grants.empty() || grants.back().first != one.who) grants.push_back({one.who, {}});
    grants.back().second.push_back(one.cell);
  }
  Json granted = Json::array();
  for (const auto& [who, cells] : grants) granted.push_back(who + ": " + text::join(cells, ", "));
  if (bent.empty()) {
    run.out.caveat = step.probe == PolicyTableStep::Probe::unverified_identity
                         ? "the decision table grants nothing: nothing to ask unverified"
                         : "the decision table gives no tier a grant another lacks: nothing to claim";
  }
  if (!bent.empty() && undecided == bent.size()) {
    run.out.caveat = "the policy engine gave no decision at /v1/data/" + policy.decision_path + " for any input";
  }
  run.out.result = {{"asked", bent.size()}, {"decided", bent.size() - undecided}, {"granted", granted}};
}

void run_table(const stack::PolicyProfile& policy, const std::map<std::string, std::string>& ids, http::Client& client,
               StepRun& run) {
  Json differing = Json::array();
  std::size_t undecided = 0;
  for (const PolicyCell& cell : policy.cells) {
    const auto id = ids.find(cell.tier);
    const Decision decision = ask(client, policy, policy.input_for(cell, id == ids.end() ? "" : id->second));
    undecided += !decision.decided;
    if (decision.word != (cell.allow ? "allow" : "deny")) {
      differing.push_back(cell.tier + " " + cell.operation + " " + cell.tool + ": the table says " +
                          (cell.allow ? "allow" : "deny") + ", the policy decides " + decision.word);
    }
  }
  // Not one decision at the path: the harness asked where no policy is (not loaded, the path
  // or the engine wrong), which says nothing of the policy the server asks.
  if (undecided == policy.cells.size()) {
    run.out.caveat = "the policy engine gave no decision at /v1/data/" + policy.decision_path +
                     " for any cell: no policy is loaded there, or the decision path is not the server's";
  }
  run.out.result = {{"cells", policy.cells.size()}, {"differing", differing}};
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
  const auto started = sync::SteadyClock::now();
  run.out.http.status = 200;
  if (step.probe == PolicyTableStep::Probe::none) {
    run_table(policy, spiffe_ids, client, run);
  } else if (const std::string why = probe_not_applicable(policy, step.probe); !why.empty()) {
    run.out.caveat = why;
    run.out.result = {{"asked", 0}, {"decided", 0}, {"granted", Json::array()}};
  } else {
    run_probe(step, policy, spiffe_ids, client, run);
  }
  Json noted = run.out.result;
  noted.update({{"url", url}, {"decision_path", policy.decision_path}, {"servers_own", own != nullptr}, {"ms", sync::ms_since(started)}});
  run.record.note({{"policy_table", noted}});
}

PolicyTableStep read_policy_table(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here, {"service", "decision_path", "server", "agents", "table", "probe"});
  PolicyTableStep step;
  if (const std::string probe = reader.text_or(value, "probe", here, ""); !probe.empty()) {
    std::vector<std::string> names;
    for (const ProbeKind& kind : kProbeKinds) {
      if (kind.name == probe) step.probe = kind.probe;
      names.push_back(kind.name);
    }
    if (step.probe == PolicyTableStep::Probe::none) {
      reader.fail(value["probe"], Reader::join(here, "probe"), "is one of " + text::join(names, ", ") + ", not " + probe);
    }
  }
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
  if (step.probe != PolicyTableStep::Probe::none) return "the policy of " + step.server + " " + kind_of(step.probe).asked;
  return "the policy decides each cell of " + step.server + "'s decision table";
}

// The reference's field meanings are views: this one is made once and kept.
const std::string& probe_field_help() {
  static const std::string help = [] {
    std::string kinds;
    for (const ProbeKind& kind : kProbeKinds) kinds += std::string(kinds.empty() ? "" : ", ") + kind.name + " (" + kind.inputs + ")";
    return "instead of the table, inputs no verified identity yields, each granted one listed at /granted: " + kinds;
  }();
  return help;
}

}  // namespace

StepKindInfo policy_table_step_kind() {
  return {
      .kind = StepKind::policy_table,
      .name = "policy_table",
      .summary = "A policy engine's decisions (OPA's data API) held to a decision table, cell by cell; every differing "
                 "cell, an undefined decision included, is listed at the result's /differing. With `probe`, the policy "
                 "is asked with inputs no verified identity yields instead, and each pose it granted is listed at /granted.",
      .example = "policy_table:\n  agents: {trusted: trusted-agent}\n  table: |\n    | tier | operation | shell |\n"
                 "    | trusted | execute | allow |\nexpect: {result_json: {/differing: {equals: []}}}",
      .fields = {{"policy_table.agents", "tier → the agent whose SPIFFE ID stands for it (a name of the trust domain or a SPIFFE ID); "
                                         "with table"},
                 {"policy_table.table", "| tier | operation | <tool> | … | rows of allow or deny (docs/trust-tiers.md's shape); "
                                        "default the reference policy's (workload-mcp's)"},
                 {"policy_table.service", "the stack's policy engine, default opa"},
                 {"policy_table.decision_path", "asked as POST /v1/data/<path>, default mcp/authz/decision"},
                 {"policy_table.server", "the MCP server whose policy this is, default workload-mcp: when its stack entry has a "
                                         "`policy`, that policy's decision path, input, agents and table are asked instead"},
                 {"policy_table.probe", probe_field_help()}},
      .yields = {ResultPart::json_result, ResultPart::policy_probe},
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
