// A stack entry's `workload_tools` (workload_tool_map.h): read, checked against the entry's
// policy table, and workload-mcp's map when the entry has none.
#include "mcph/harness/stack/workload_tool_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::stack {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

// agentgate's (corpus/workload-python): five tools over four classes, refusals as tool errors.
Json agentgate_tools() {
  return Json::parse(R"({
    "documents": {"read": {"tool": "read_document", "arguments": {"path": "notes/a.txt"}, "caller": "/read_by"},
                  "write": {"tool": "write_document", "arguments": {"path": "notes/b.txt", "content": "x"}, "caller": "/written_by"}},
    "records": {"read": {"tool": "query_records", "arguments": {"table": "jobs"}, "caller": "/read_by"}},
    "http": {"read": {"tool": "fetch_url", "arguments": {"url": "https://api.example/"}, "caller": "/fetched_by"}},
    "process": {"run": {"tool": "run_command", "arguments": {"argv": ["true"]}, "caller": "/run_by"}},
    "refusals": {"policy_denied": {"tool_error": ["denied: "]},
                 "policy_unavailable": {"tool_error": ["denied: policy unavailable: "]}}})");
}

Json agentgate_policy() {
  return Json{{"decision_path", "agentgate/authz/verdict"},
          {"input", {{"/workload/tier", "tier"}, {"/tool/class", "tool"}, {"/tool/verb", "operation"}}},
          {"allow", "/permit"},
          {"table", "| tier | operation | documents | records | http | process |\n"
                    "| core | read | allow | allow | allow | deny |\n| core | write | allow | allow | deny | deny |\n"
                    "| core | run | deny | deny | deny | allow |\n| sandbox | read | deny | deny | allow | deny |\n"
                    "| sandbox | write | deny | deny | deny | deny |\n| sandbox | run | deny | deny | deny | deny |\n"}};
}

ServiceEntry entry_with_workload_tools(const Json& tools) {
  const Json entry = {{"url", "http://127.0.0.1:9/mcp"}, {"plays", "workload-mcp"}, {"policy", agentgate_policy()},
                      {"workload_tools", tools}};
  return parse_service_entry(entry.dump(), "services.agentgate");
}

std::string workload_tools_error(const Json& tools) {
  try {
    (void)entry_with_workload_tools(tools);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(WorkloadToolMapTest, AgentgatesMapIsReadWithItsArgumentsCallersAndRefusals) {
  const ServiceEntry entry = entry_with_workload_tools(agentgate_tools());
  const WorkloadToolMap map = workload_tools_of(entry, "agentgate");
  const WorkloadTool* run = map.find("process", "run");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->tool, "run_command");
  EXPECT_EQ(run->arguments, Json::parse(R"({"argv": ["true"]})"));
  EXPECT_EQ(run->caller, "/run_by");
  EXPECT_EQ(run->result, "structured_content");
  EXPECT_EQ(map.find("process", "read"), nullptr);  // no tool reads a process
  ASSERT_EQ(map.refusals.at("policy_unavailable").size(), 1u);
  EXPECT_EQ(map.refusals.at("policy_unavailable")[0].tool_error, std::vector<std::string>{"denied: policy unavailable: "});
  // Written back as it was read.
  EXPECT_EQ(Json::parse(entry.mcp.workload_tools), agentgate_tools());
}

TEST(WorkloadToolMapTest, WithoutTheKeyAnEntryHasWorkloadMcpsMapOverTheReferenceTable) {
  const ServiceEntry entry = parse_service_entry(R"({"url": "http://127.0.0.1:9/mcp", "plays": "workload-mcp"})", "services.w");
  const WorkloadToolMap map = workload_tools_of(entry, "w");
  ASSERT_NE(map.find("shell", "execute"), nullptr);
  EXPECT_EQ(map.find("shell", "execute")->arguments, Json::parse(R"({"operation": "execute"})"));
  EXPECT_EQ(map.find("shell", "execute")->caller, "/agent");
  ASSERT_EQ(map.refusals.at("policy_denied").size(), 2u);  // a tool error, or 403 at the door
  EXPECT_EQ(map.refusals.at("policy_denied")[0].tool_error, std::vector<std::string>{"denied: "});
  EXPECT_EQ(map.refusals.at("policy_denied")[1].http_status, 403);
  EXPECT_EQ(map.refusals.at("policy_unavailable")[0].tool_error, std::vector<std::string>{"policy_unavailable: "});
  EXPECT_EQ(&workload_policy_of(entry), &reference_workload_policy());
  EXPECT_NO_THROW(check_workload_tools(map, reference_workload_policy(), "w"));
  EXPECT_EQ(reference_workload_policy().cells.size(), 75u);  // three tiers, five operations, five classes
}

TEST(WorkloadToolMapTest, AToolClassOrOperationOutsideThePolicysTableNamesTheClosest) {
  Json tools = agentgate_tools();
  tools["document"] = tools["documents"];
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("\"document\""));
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("documents"));
  tools = agentgate_tools();
  tools["process"]["execute"] = tools["process"]["run"];
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("\"execute\""));
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("an operation of the policy's table"));
}

TEST(WorkloadToolMapTest, AnUnknownKeyOfAToolOrARefusalNamesTheClosest) {
  Json tools = agentgate_tools();
  tools["http"]["read"]["argumnts"] = Json::object();
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("services.agentgate.workload_tools.http.read: unknown key \"argumnts\""));
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("arguments"));
  tools = agentgate_tools();
  tools["refusals"]["policy_denid"] = tools["refusals"]["policy_denied"];
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("\"policy_denid\""));
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("policy_denied"));
  tools = agentgate_tools();
  tools["refusals"]["policy_denied"] = {{"tool_eror", Json::array()}};
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("tool_error"));
}

TEST(WorkloadToolMapTest, BadValuesAndAMissingRefusalKindAreErrors) {
  Json tools = agentgate_tools();
  tools["refusals"].erase("policy_unavailable");
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("workload_tools.refusals.policy_unavailable is missing"));
  tools = agentgate_tools();
  tools["refusals"]["policy_denied"] = Json::array();
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("policy_denied must be a shape or a list of shapes"));
  tools["refusals"]["policy_denied"] = Json::array({{{"tool_error", Json::array({"denied: "})}}, {{"http_statu", 403}}});
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("policy_denied[1]: unknown key \"http_statu\""));
  tools = agentgate_tools();
  tools["http"]["read"]["caller"] = "fetched_by";
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("http.read.caller must be a JSON pointer"));
  tools = agentgate_tools();
  tools["http"]["read"]["arguments"] = "https://api.example/";
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("http.read.arguments must be the tool's argument object"));
  tools = agentgate_tools();
  tools["http"]["read"].erase("tool");
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("http.read.tool must name the server's tool"));
  tools = agentgate_tools();
  tools["http"]["read"]["result"] = "json";
  EXPECT_THAT(workload_tools_error(tools), HasSubstr("must be one of structured_content, text_json, text"));
  EXPECT_THAT(workload_tools_error(Json::array()), HasSubstr("must be an object of tool class"));
}

// The built-in reference table is the page's, cell by cell (policies/check holds the policy to it).
TEST(WorkloadToolMapTest, TheReferencePolicysTableIsTheOneTheTrustTiersPageShows) {
  std::ifstream page(MCPH_TRUST_TIERS_PAGE);
  ASSERT_TRUE(page) << MCPH_TRUST_TIERS_PAGE;
  std::string line, table;
  bool inside = false;
  while (std::getline(page, line)) {
    if (line == "## The decision table") inside = true;
    else if (inside && line.rfind("|", 0) == 0) table += line + "\n";
    else if (inside && !table.empty()) break;
  }
  const std::vector<DecisionCell> shown = parse_decision_table(table);
  const std::vector<DecisionCell>& built_in = reference_workload_policy().cells;
  ASSERT_EQ(shown.size(), built_in.size());
  for (std::size_t i = 0; i < shown.size(); ++i) {
    EXPECT_EQ(shown[i].tier + " " + shown[i].operation + " " + shown[i].tool + (shown[i].allow ? " allow" : " deny"),
              built_in[i].tier + " " + built_in[i].operation + " " + built_in[i].tool + (built_in[i].allow ? " allow" : " deny"));
  }
}

}  // namespace
}  // namespace mcph::harness::stack
