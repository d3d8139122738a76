// A stack entry's `policy` (policy_profile.h): read into the decision table's cells and the input
// each cell is asked with, written back unchanged, and every mistake refused with where it is.
#include "mcph/harness/stack/policy_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::stack {
namespace {

using Json = nlohmann::json;

Json team_policy() {
  return Json::parse(R"({"decision_path": "agentgate/authz/verdict",
    "input": {"/workload/spiffe_id": "spiffe_id", "/workload/tier": "tier", "/tool/class": "tool", "/tool/verb": "operation"},
    "allow": "/permit", "agents": {"core": "trusted-agent", "sandbox": "untrusted-agent"},
    "table": "| tier | operation | documents | http |\n| core | read | allow | allow |\n| sandbox | read | deny | allow |\n"})");
}

std::string policy_error(const Json& policy) {
  try {
    parse_policy_profile(policy, "services.agentgate.policy");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(PolicyProfile, EachCellIsAskedWithTheInputTheServerBuilds) {
  const PolicyProfile policy = parse_policy_profile(team_policy(), "p");
  ASSERT_EQ(policy.cells.size(), 4u);
  EXPECT_EQ(policy.cells[2].tier, "sandbox");
  EXPECT_EQ(policy.cells[2].tool, "documents");
  EXPECT_FALSE(policy.cells[2].allow);
  EXPECT_EQ(policy.input_for(policy.cells[2], "spiffe://td/agent/untrusted-agent"),
            Json::parse(R"({"workload": {"spiffe_id": "spiffe://td/agent/untrusted-agent", "tier": "sandbox"},
                            "tool": {"class": "documents", "verb": "read"}})"));
  EXPECT_EQ(policy.engine, "opa");
  EXPECT_EQ(policy.allow, "/permit");
}

TEST(PolicyProfile, TheAllowIsReadWhereTheProfileSays) {
  const PolicyProfile policy = parse_policy_profile(team_policy(), "p");
  EXPECT_EQ(policy.allowed(Json::parse(R"({"permit": true, "reasons": []})")), true);
  EXPECT_EQ(policy.allowed(Json::parse(R"({"permit": false})")), false);
  EXPECT_EQ(policy.allowed(Json::parse(R"({"permit": "yes"})")), std::nullopt);
  EXPECT_EQ(policy.allowed(Json::parse(R"({"allow": true})")), std::nullopt);
  EXPECT_EQ(policy.allowed(Json(true)), std::nullopt);
}

TEST(PolicyProfile, ADecisionThatIsItselfTheBooleanIsReadAtTheEmptyPointer) {
  Json rule = team_policy();
  rule["decision_path"] = "hangar/access/allow";
  rule["allow"] = "";
  const PolicyProfile policy = parse_policy_profile(rule, "p");
  EXPECT_EQ(policy.allow, "");
  EXPECT_EQ(policy.allowed(Json(true)), true);
  EXPECT_EQ(policy.allowed(Json(false)), false);
  EXPECT_EQ(policy.allowed(Json::parse(R"({"allow": true})")), std::nullopt);
  const Json written = policy_profile_json(policy);
  EXPECT_EQ(written.at("allow"), "");
  EXPECT_EQ(parse_policy_profile(written, "again").allow, "");
}

TEST(PolicyProfile, AStackFileKeepsItAsWritten) {
  Json entry = {{"url", "http://127.0.0.1:9/mcp"}, {"plays", "workload-mcp"}, {"policy", team_policy()}};
  const StackFile stack = StackFile::parse(Json{{"mode", "external"}, {"services", {{"agentgate", entry}}}}.dump(), "s.json");
  ASSERT_TRUE(stack.service("agentgate").mcp.policy.has_value());
  EXPECT_EQ(stack.service("agentgate").mcp.policy->decision_path, "agentgate/authz/verdict");
  const StackFile again = StackFile::parse(stack.to_json(), "again.json");
  EXPECT_EQ(again.service("agentgate").mcp.policy->cells.size(), 4u);
}

TEST(PolicyProfile, TheScenarioFilesOperationsAreReadInTheTablesWords) {
  Json own_words = team_policy();
  own_words["table"] = "| tier | operation | documents |\n| core | view | allow |\n| core | modify | allow |\n| sandbox | view | deny |\n| sandbox | modify | deny |\n";
  own_words["operations"] = {{"read", "view"}, {"write", "modify"}};
  const PolicyProfile policy = parse_policy_profile(own_words, "p");
  EXPECT_EQ(policy.table_operation("read"), "view");
  EXPECT_EQ(policy.table_operation("write"), "modify");
  EXPECT_EQ(parse_policy_profile(team_policy(), "p").table_operation("write"), "write");
  EXPECT_EQ(parse_policy_profile(policy_profile_json(policy), "again").operations, policy.operations);

  Json unknown = own_words;
  unknown["operations"]["wirte"] = "modify";
  EXPECT_THAT(policy_error(unknown), ::testing::HasSubstr("services.agentgate.policy.operations: unknown key \"wirte\" (the closest known: write"));
  Json no_row = own_words;
  no_row["operations"]["write"] = "change";
  EXPECT_THAT(policy_error(no_row), ::testing::HasSubstr("policy.operations.write: the table has no operation \"change\" (view, modify)"));
}

TEST(PolicyProfile, MistakesAreRefusedWithWhereTheyAre) {
  Json typo = team_policy();
  typo["decison_path"] = "x";
  EXPECT_THAT(policy_error(typo), ::testing::HasSubstr("services.agentgate.policy: unknown key \"decison_path\" (the closest known: decision_path"));
  Json fact = team_policy();
  fact["input"]["/workload/role"] = "role";
  EXPECT_THAT(policy_error(fact), ::testing::HasSubstr("no fact \"role\" (spiffe_id, tier, tool, operation, verified)"));
  Json pointer = team_policy();
  pointer["allow"] = "permit";
  EXPECT_THAT(policy_error(pointer), ::testing::HasSubstr("policy.allow must be a JSON pointer"));
  Json no_agent = team_policy();
  no_agent["agents"].erase("sandbox");
  EXPECT_THAT(policy_error(no_agent), ::testing::HasSubstr("policy.table: no agent stands for the tier sandbox"));
  Json no_agents = team_policy();
  no_agents.erase("agents");
  EXPECT_THAT(policy_error(no_agents), ::testing::HasSubstr("\"agents\" must name the agent standing for each tier"));
  Json cell = team_policy();
  cell["table"] = "| tier | operation | http |\n| core | read | maybe |\n";
  EXPECT_THAT(policy_error(cell), ::testing::HasSubstr("a cell is allow or deny, not \"maybe\""));
  Json missing = team_policy();
  missing.erase("table");
  EXPECT_THAT(policy_error(missing), ::testing::HasSubstr("policy: missing \"table\""));
}

}  // namespace
}  // namespace mcph::harness::stack
