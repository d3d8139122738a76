// The `policy_table` step: a policy engine's decisions held to the decision table a scenario file
// writes (docs/trust-tiers.md's shape), cell by cell. Each cell is asked of OPA's data API with the
// input a server of the workload-identity design builds from verified facts, and every cell whose
// decision differs is reported — an undefined decision too, whatever the table says, so that a
// policy that did not load fails the table instead of passing its denies.
#include "../recorder.h"
#include "../step_executor.h"
#include "../workload_client.h"
#include "mcph/http/client.h"
#include "mcph/sync/elapsed.h"
#include "step_kind.h"

namespace mcph::harness {
namespace {

using Json = nlohmann::json;

std::vector<std::string> table_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string text = line;
  const auto first = text.find('|'), last = text.rfind('|');
  if (first == std::string::npos || last == first) return cells;
  text = text.substr(first + 1, last - first - 1);
  std::size_t start = 0;
  while (true) {
    const auto bar = text.find('|', start);
    std::string cell = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    cells.push_back(cell);
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return cells;
}

void run_policy_table(const PolicyTableStep& step, StepRun& run) {
  const StackFile& stack = run.executor.stack();
  if (!stack.services.count(step.service)) throw std::runtime_error("the stack has no policy engine " + step.service);
  const std::string url = stack.service(step.service).url;
  const WorkloadClient workloads(stack);
  std::map<std::string, std::string> spiffe_ids;
  for (const auto& [tier, agent] : step.agents) spiffe_ids[tier] = workloads.spiffe_id(agent);

  http::Client client(url);
  Json differing = Json::array();
  const auto started = sync::SteadyClock::now();
  for (const PolicyCell& cell : step.cells) {
    const Json input = {{"spiffe_id", spiffe_ids.at(cell.tier)}, {"operation", cell.operation}, {"tool", cell.tool}};
    const auto response = client.post("/v1/data/" + step.decision_path, Json{{"input", input}}.dump(), "application/json");
    const Json body = Json::parse(response.body, nullptr, false);
    std::string decided;
    if (response.status != 200 || !body.is_object()) {
      decided = "no decision (HTTP " + std::to_string(response.status) + ")";
    } else if (!body.contains("result")) {
      decided = "undefined";
    } else if (!body["result"].is_object() || !body["result"].contains("allow") || !body["result"]["allow"].is_boolean()) {
      decided = "not {\"allow\": bool}";
    } else {
      decided = body["result"]["allow"].get<bool>() ? "allow" : "deny";
    }
    if (decided != (cell.allow ? "allow" : "deny")) {
      differing.push_back(cell.tier + " " + cell.operation + " " + cell.tool + ": the table says " +
                          (cell.allow ? "allow" : "deny") + ", the policy decides " + decided);
    }
  }
  run.out.http_status = 200;
  run.out.result = {{"cells", step.cells.size()}, {"differing", differing}};
  run.record.note({{"policy_table", {{"url", url}, {"cells", step.cells.size()}, {"differing", differing},
                                     {"ms", sync::ms_since(started)}}}});
}

PolicyTableStep read_policy_table(const StepSource& source) {
  const Reader& reader = source.reader;
  const YAML::Node& value = source.value;
  const std::string& here = source.here;
  reader.only_keys(value, here, {"service", "decision_path", "agents", "table"});
  PolicyTableStep step;
  step.service = reader.text_or(value, "service", here, step.service);
  step.decision_path = reader.text_or(value, "decision_path", here, step.decision_path);
  if (!value["agents"].IsDefined()) reader.fail(value, Reader::join(here, "agents"), "missing");
  step.agents = reader.text_map(value["agents"], Reader::join(here, "agents"));
  const std::string table = reader.required_text(value, "table", here);
  const std::string table_field = Reader::join(here, "table");
  std::vector<std::string> tools;
  std::size_t start = 0;
  while (start < table.size()) {
    const auto end = table.find('\n', start);
    const std::string line = table.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? table.size() : end + 1;
    const std::vector<std::string> cells = table_cells(line);
    if (cells.empty() || cells[0].find_first_not_of("-: ") == std::string::npos) continue;  // blank or |---|
    if (tools.empty()) {
      if (cells.size() < 3 || cells[0] != "tier" || cells[1] != "operation") {
        reader.fail(value["table"], table_field, "the first row must be | tier | operation | <tool> | …");
      }
      tools.assign(cells.begin() + 2, cells.end());
      continue;
    }
    if (cells.size() != tools.size() + 2) {
      reader.fail(value["table"], table_field, "the row \"" + line + "\" has " + std::to_string(cells.size()) + " cells, not " +
                                                    std::to_string(tools.size() + 2));
    }
    if (!step.agents.count(cells[0])) reader.fail(value["table"], table_field, "no agent stands for the tier " + cells[0]);
    for (std::size_t i = 0; i < tools.size(); ++i) {
      const std::string& word = cells[i + 2];
      if (word != "allow" && word != "deny") reader.fail(value["table"], table_field, "a cell is allow or deny, not \"" + word + "\"");
      step.cells.push_back({cells[0], cells[1], tools[i], word == "allow"});
    }
  }
  if (step.cells.empty()) reader.fail(value["table"], table_field, "the table has no cells");
  return step;
}

std::string policy_table_title(const PolicyTableStep& step, const std::string&) {
  return step.service + " decides the " + std::to_string(step.cells.size()) + " cells of the decision table";
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
      .fields = {{"policy_table.agents", "tier → the agent whose SPIFFE ID stands for it (a name of the trust domain or a SPIFFE ID)"},
                 {"policy_table.table", "| tier | operation | <tool> | … | rows of allow or deny (docs/trust-tiers.md's shape)"},
                 {"policy_table.service", "the stack's policy engine, default opa"},
                 {"policy_table.decision_path", "asked as POST /v1/data/<path>, default mcp/authz/decision"}},
      .yields = {ResultPart::json_result},
      .read = [](const StepSource& source) -> StepSpec { return read_policy_table(source); },
      .run = runner<PolicyTableStep>(run_policy_table),
      .title = titler<PolicyTableStep>(policy_table_title),
      .addressed = [](const StepExecutor&, const Step& step) { return step.get<PolicyTableStep>().service; },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness
