// The families of the users' design over MCP 2026-07-28 alone: jira-mcp, github-mcp and postgres-mcp of the
// test's own, started with --protocol modern beside the shared stack (its identity provider,
// Vault and backends) and named `protocol: modern` in the stack file, so that every call is a
// self-contained request of that revision (server/discover, _meta, the Mcp-* headers) and every
// probe a server/discover. Each scenario passes as it does over the legacy era, except the cases
// written in the legacy era alone (sessions, batches, the HTTP+SSE stream), which are not
// applicable there, saying why. And a defect is still found over the modern era.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario_runner.h"
#include "own_servers.h"
#include "sabotage_verdicts.h"

namespace mcph::harness {
namespace {

using Status = reports::ScenarioResult::Status;

const std::vector<std::string> kFamilies = {"isolation",    "missing_credentials", "cross_subject", "token_expiry",
                                                "rate_limit",   "jwt_attacks",         "jwt_claims",    "dynamic_database",
                                                "dpop_users"};

// The cases that have nothing to ask of a server without the legacy era, and the words their
// reason must hold.
const std::map<std::string, std::string> kNotApplicable = {
    {"jwt_attacks / another user's Mcp-Session-Id is not found", "(initialize, sessions, batches)"},
    {"rate_limit / a batch of more calls than the limit is refused whole, and a small batch is answered",
     "(initialize, sessions, batches)"},
    {"cross_subject / POST /messages/ with another user's token, an unknown session_id or none reaches nobody's SSE "
     "stream",
     "of MCP 2026-07-28 alone"},
    {"cross_subject / POST /messages/ is refused without a valid token of its own, though the SSE stream's was valid",
     "of MCP 2026-07-28 alone"},
};

class ModernEra : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: these tests run beside the shared stack";
    stack_ = StackFile::load(stack_file);
  }

  // The stack with each reference MCP server replaced by one of the test's own serving the modern
  // era alone (taking the stack's tokens for it, under the stack's rate limit); `jira_audience`
  // replaces jira-mcp's.
  StackFile modern_only_stack(const std::string& jira_audience = "") {
    StackFile stack = stack_;
    for (const std::string& name : std::vector<std::string>{"jira-mcp", "github-mcp", "postgres-mcp"}) {
      ServiceEntry& entry = stack.services.at(name);
      const std::string audience = name == "jira-mcp" && !jira_audience.empty() ? jira_audience : entry.url;
      std::vector<std::string> flags = {"--protocol", "modern", "--audience", audience};
      if (entry.mcp.rate_limit) {
        flags.insert(flags.end(), {"--rate-limit", std::to_string(entry.mcp.rate_limit->requests), "--rate-window-ms",
                                   std::to_string(entry.mcp.rate_limit->window.count())});
      }
      own_.push_back(start_own_server(stack_, name, ServerRoute::direct, flags));
      entry.url = own_.back().url + "/mcp";
      entry.mcp.protocol = "modern";
      entry.mcp.behind_fault_proxy.clear();  // reached directly
    }
    return stack;
  }

  StackFile stack_;
  std::vector<proc::StartedService> own_;
};

// The table docs/families.md gives of the families over the modern era, made from the outcomes:
// one row per family file, its scenarios, those passed, those not applicable.
std::string era_table(const std::vector<Outcome>& outcomes) {
  std::map<std::string, std::array<int, 3>> counts;
  for (const auto& outcome : outcomes) {
    auto& row = counts[outcome.suite];
    ++row[0];
    if (outcome.status == Status::passed) ++row[1];
    if (outcome.status == Status::skipped) ++row[2];
  }
  std::string table;
  for (const std::string& suite : kFamilies) {
    const auto& row = counts[suite];
    table += "| `" + suite + "` | " + std::to_string(row[0]) + " | " + std::to_string(row[1]) + " | " +
             std::to_string(row[2]) + " |\n";
  }
  return table;
}

TEST_F(ModernEra, TheFamiliesPassSaveTheirLegacyEraCases) {
  ScenarioRunner runner(modern_only_stack());
  const std::vector<Outcome> outcomes = run_suites(runner, kFamilies);
  std::set<std::string> seen;
  int passed = 0;
  for (const auto& outcome : outcomes) {
    const auto not_applicable = kNotApplicable.find(outcome.name());
    if (not_applicable == kNotApplicable.end()) {
      EXPECT_EQ(outcome.status, Status::passed) << outcome.why();
      passed += outcome.status == Status::passed;
      continue;
    }
    seen.insert(outcome.name());
    EXPECT_EQ(outcome.status, Status::skipped) << outcome.why();
    EXPECT_TRUE(outcome.findings.empty()) << outcome.why();
    EXPECT_EQ(outcome.message.rfind("not applicable: ", 0), 0u) << outcome.why();
    EXPECT_NE(outcome.message.find(not_applicable->second), std::string::npos) << outcome.why();
  }
  for (const auto& [name, reason] : kNotApplicable) EXPECT_TRUE(seen.contains(name)) << "no scenario " << name;
  EXPECT_EQ(passed, static_cast<int>(outcomes.size() - kNotApplicable.size()));
  // docs/families.md says what runs over which era with these very counts.
  std::ifstream docs(std::string(MCPH_DOCS_DIR) + "/families.md");
  std::stringstream text;
  text << docs.rdbuf();
  EXPECT_NE(text.str().find(era_table(outcomes)), std::string::npos)
      << "docs/families.md (MCP 2026-07-28) should list the families over the modern era as:\n"
      << era_table(outcomes);
}

// A jira-mcp that takes any token of the realm's client (no audience of its own), over the modern
// era alone: the audience case goes red as over the legacy era, its finding on jira-mcp.
TEST_F(ModernEra, AServerWithoutItsOwnAudienceIsStillFound) {
  ScenarioRunner runner(modern_only_stack("mcp-client"));
  const std::string name = "a token issued for postgres-mcp is refused by jira-mcp and github-mcp";
  const reports::SuiteResult suite = runner.run(scenario_family("jwt_attacks"), {name});
  ASSERT_EQ(suite.scenarios.size(), 1u);
  const auto& result = suite.scenarios.front();
  const Outcome outcome{"jwt_attacks", result.name, result.status, result.message, result.findings, result.failures};
  EXPECT_EQ(outcome.status, Status::failed) << outcome.why();
  ASSERT_FALSE(outcome.findings.empty()) << outcome.why();
  for (const auto& finding : outcome.findings) {
    EXPECT_EQ(finding.server, "jira-mcp") << outcome.why();
    EXPECT_EQ(finding.property, "accepts a token it must refuse") << outcome.why();
  }
}

}  // namespace
}  // namespace mcph::harness
