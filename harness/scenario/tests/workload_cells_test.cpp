// A workload step's cell picked from the target's table and tool map by what the policy should
// decide, and an answer read back as the policy's decision (workload_cells.h).
#include "../src/workload_cells.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

// agentgate's (corpus/workload-python): tiers core, edge, sandbox; five tools over four classes.
stack::ServiceEntry agentgate() {
  const Json entry = {
      {"url", "http://127.0.0.1:9/mcp"},
      {"plays", "workload-mcp"},
      {"policy",
       {{"decision_path", "agentgate/authz/verdict"},
        {"input", {{"/workload/spiffe_id", "spiffe_id"}, {"/tool/class", "tool"}, {"/tool/verb", "operation"}}},
        {"allow", "/permit"},
        {"agents", {{"core", "trusted-agent"}, {"edge", "semi-trusted-agent"}, {"sandbox", "untrusted-agent"}}},
        {"table", "| tier | operation | documents | records | http | process |\n"
                  "| core | read | allow | allow | allow | deny |\n| core | write | allow | allow | deny | deny |\n"
                  "| core | run | deny | deny | deny | allow |\n| edge | read | allow | allow | allow | deny |\n"
                  "| edge | write | deny | deny | deny | deny |\n| edge | run | deny | deny | deny | deny |\n"
                  "| sandbox | read | deny | deny | allow | deny |\n| sandbox | write | deny | deny | deny | deny |\n"
                  "| sandbox | run | deny | deny | deny | deny |\n"}}},
      {"workload_tools", Json::parse(R"({
         "documents": {"read": {"tool": "read_document", "arguments": {"path": "a"}, "caller": "/read_by"},
                       "write": {"tool": "write_document", "arguments": {"path": "b", "content": "x"}}},
         "records": {"read": {"tool": "query_records", "arguments": {"table": "t"}}},
         "http": {"read": {"tool": "fetch_url", "arguments": {"url": "https://api.example/"}}},
         "process": {"run": {"tool": "run_command", "arguments": {"argv": ["true"]}}},
         "refusals": {"policy_denied": {"tool_error": ["denied: "]},
                      "policy_unavailable": {"tool_error": ["denied: policy unavailable: "]}}})")}};
  return stack::parse_service_entry(entry.dump(), "services.agentgate");
}

std::string cell_of(const stack::PolicyProfile& policy, const stack::WorkloadToolMap& map, const CellWish& wish) {
  const PickedCell cell = pick_cell(policy, map, wish);
  return cell.operation + " " + cell.tool_class + " → " + cell.tool.tool;
}

TEST(WorkloadCellsTest, OnWorkloadMcpTheFirstCellOfTheReferenceTableThatHoldsIsPicked) {
  const stack::PolicyProfile& policy = stack::reference_workload_policy();
  const stack::WorkloadToolMap map = stack::workload_mcp_tool_map();
  EXPECT_EQ(cell_of(policy, map, {"", "", {"trusted"}, {"semi-trusted", "untrusted"}}), "read shell → shell");
  EXPECT_EQ(cell_of(policy, map, {"", "write", {"semi-trusted"}, {}}), "write api → api");
  EXPECT_EQ(cell_of(policy, map, {"", "write", {"trusted"}, {"semi-trusted"}}), "write filesystem → filesystem");
  EXPECT_EQ(cell_of(policy, map, {"", "", {}, tiers_of(policy)}), "write shell → shell");  // no tier is granted it
  EXPECT_EQ(cell_of(policy, map, {"network", "execute", {"trusted"}, {}}), "execute network → network");
  EXPECT_EQ(pick_cell(policy, map, {"api", "list", {}, {}}).tool.arguments, Json::parse(R"({"operation": "list"})"));
}

TEST(WorkloadCellsTest, OnAgentgateOnlyTheCellsItsToolsReachArePicked) {
  const stack::ServiceEntry entry = agentgate();
  const stack::PolicyProfile& policy = stack::workload_policy_of(entry);
  const stack::WorkloadToolMap map = stack::workload_tools_of(entry, "agentgate");
  EXPECT_EQ(tier_of(policy, "untrusted-agent"), "sandbox");
  EXPECT_EQ(tier_of(policy, "unlisted-agent"), std::nullopt);
  EXPECT_EQ(cell_of(policy, map, {"", "", {"sandbox"}, {}}), "read http → fetch_url");
  EXPECT_EQ(cell_of(policy, map, {"", "", {"core"}, {"edge", "sandbox"}}), "write documents → write_document");
  EXPECT_EQ(cell_of(policy, map, {"", "read", {"core"}, {"sandbox"}}), "read documents → read_document");
  // core may call every tool agentgate has: no cell denied to it is reachable, though the table has some.
  try {
    (void)pick_cell(policy, map, {"", "", {}, {"core"}});
    FAIL() << "a cell was picked";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no cell of the target's decision table that its workload tools reach is denied to core"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("operations")));
  }
  // An operation the table calls otherwise: the error names the key that says so.
  try {
    (void)pick_cell(policy, map, {"", "modify", {"core"}, {}});
    FAIL() << "a cell was picked";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("for the operation modify, granted to core (no row of the table has the operation "
                                    "modify: the policy's `operations` names the table's word for it)"));
  }
}

StepOutcome cell_answer(int status, bool tool_error = false, std::string text = "") {
  StepOutcome out;
  out.http.status = status;
  out.tool.error = tool_error;
  out.tool.text = std::move(text);
  return out;
}

TEST(WorkloadCellsTest, AnAnswerIsReadAsTheDecisionByTheMapsRefusalShapes) {
  const stack::WorkloadToolMap agentgate_map = stack::workload_tools_of(agentgate(), "agentgate");
  EXPECT_EQ(policy_decision(agentgate_map, cell_answer(200), true, nullptr), "granted");
  EXPECT_EQ(policy_decision(agentgate_map, cell_answer(200, true, "denied: tier sandbox may not read documents"), false, nullptr), "denied");
  // Its words contain a denial's: unavailable comes first.
  EXPECT_EQ(policy_decision(agentgate_map, cell_answer(200, true, "denied: policy unavailable: OPA did not answer"), false, nullptr),
            "unavailable");
  EXPECT_EQ(policy_decision(agentgate_map, cell_answer(401), false, nullptr), "");                       // before the policy
  EXPECT_EQ(policy_decision(agentgate_map, cell_answer(200, true, "internal error"), false, nullptr), "");  // not the map's
  const stack::WorkloadToolMap reference = stack::workload_mcp_tool_map();
  EXPECT_EQ(policy_decision(reference, cell_answer(200, true, "denied: trusted may not admin filesystem"), false, nullptr), "denied");
  EXPECT_EQ(policy_decision(reference, cell_answer(403), false, nullptr), "denied");  // an agent without a tier, at the door
  EXPECT_EQ(policy_decision(reference, cell_answer(200, true, "policy_unavailable: the policy engine did not answer"), false, nullptr),
            "unavailable");
  EXPECT_EQ(policy_decision(reference, cell_answer(503), false, nullptr), "");  // a full replay cache: no policy was asked
  EXPECT_EQ(policy_decision(reference, cell_answer(404), false, nullptr), "");
}

}  // namespace
}  // namespace mcph::harness::scenario
