// The families of the users' design over MCP 2026-07-28 alone: jira-mcp, github-mcp and postgres-mcp of the
// test's own, started with --protocol modern beside the shared stack (its identity provider,
// Vault and backends) and named `protocol: modern` in the stack file, so that every call is a
// self-contained request of that revision (server/discover, _meta, the Mcp-* headers) and every
// probe a server/discover. Each scenario passes as it does over the legacy era, except the cases
// written in the legacy era alone (sessions, batches, the HTTP+SSE stream), which are not
// applicable there, saying why. And a defect is still found over the modern era.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario_runner.h"
#include "modern_era_support.h"

namespace mcph::harness::scenario {
namespace {

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
    stack_ = stack::StackFile::load(stack_file);
  }

  // The stack with each reference MCP server replaced by one of the test's own serving the modern
  // era alone, reached directly; `jira_audience` replaces jira-mcp's.
  stack::StackFile modern_only_stack(const std::string& jira_audience = "") {
    return with_modern_users_servers(stack_, ServerRoute::direct, own_, jira_audience);
  }

  stack::StackFile stack_;
  std::vector<proc::StartedService> own_;
};

TEST_F(ModernEra, TheFamiliesPassSaveTheirLegacyEraCases) {
  ScenarioRunner runner(modern_only_stack());
  const std::vector<Outcome> outcomes = run_suites(runner, kFamilies);
  expect_passed_save_legacy_cases(outcomes, kNotApplicable);
  // docs/families.md says what runs over which era with these very counts.
  expect_documented_era_table(outcomes, kFamilies);
}

// A jira-mcp that takes any token of the realm's client (no audience of its own), over the modern
// era alone: the audience case goes red as over the legacy era, its finding on jira-mcp.
TEST_F(ModernEra, AServerWithoutItsOwnAudienceIsStillFound) {
  ScenarioRunner runner(modern_only_stack("mcp-client"));
  expect_found(run_one(runner, "jwt_attacks", "a token issued for postgres-mcp is refused by jira-mcp and github-mcp"),
               "jira-mcp", "accepts a token it must refuse");
}

}  // namespace
}  // namespace mcph::harness::scenario
