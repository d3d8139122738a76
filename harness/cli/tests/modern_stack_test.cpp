// A whole local stack in MCP 2026-07-28 alone, as a user brings it up: `mcp-harness up --protocol
// modern`, then `mcp-harness run` of the isolation, missing-credentials and MCP 2026-07-28
// families against it, then `down` (UpStack's, also when the test fails). Every MCP server serves
// that revision alone, so a family passes only if every call of it went out in that era's form.
// And a defect of that era is still found through the same commands: the stack file with a
// jira-mcp of the test's own that remembers its caller by address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "own_servers.h"
#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using ::testing::HasSubstr;

// `run` of the three families' files against the stack of `stack_file`.
std::vector<std::string> run_of(const fs::path& stack_file) {
  std::vector<std::string> args = {"run", "--stack", stack_file.string()};
  for (const char* family : {"isolation", "missing_credentials", "mcp_2026"}) {
    args.push_back((fs::path(MCPH_SCENARIOS_DIR) / (std::string(family) + ".yaml")).string());
  }
  return args;
}

TEST(ModernStack, UpInTheModernEraAndTheFamiliesPassOverIt) {
  UpStack stack({"--protocol", "modern"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const stack::StackFile file = stack::StackFile::load(stack.stack_file);
  for (const auto& [name, entry] : file.services) {
    if (name.ends_with("-mcp")) {
      EXPECT_EQ(entry.mcp.protocol, "modern") << name;
    }
  }
  const auto run = harness(run_of(stack.stack_file), stack.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output << server_failures(stack.run_dir);
  // 5 + 3 + 16 scenarios, and the check of the stack's configuration.
  EXPECT_THAT(run.output, HasSubstr("25 scenarios: 25 passed, 0 failed, 0 broken, 0 skipped"));
}

// The first request of alice's authorizes the next one from her address, which has no token: the
// revision's own family finds it on jira-mcp, and `run` exits 1.
TEST(ModernStack, ADefectOfTheModernEraIsFoundThroughTheSameCommands) {
  UpStack stack({"--protocol", "modern"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  stack::StackFile file = stack::StackFile::load(stack.stack_file);
  stack::ServiceEntry& jira = file.services.at("jira-mcp");
  const proc::StartedService own = start_own_server(
      file, "jira-mcp", scenario::ServerRoute::direct,
      {"--protocol", "modern", "--audience", jira.url, "--unsafe-remember-caller-by-address"});
  jira.url = own.url + "/mcp";
  jira.mcp.behind_fault_proxy.clear();
  const fs::path sabotaged = stack.dir.path() / "sabotaged-stack.json";
  file.save(sabotaged);
  const auto run = harness(run_of(sabotaged), stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const std::string summary = run.output.substr(std::min(run.output.find("scenarios:"), run.output.size()));
  EXPECT_THAT(summary, HasSubstr("1 failed"));
  EXPECT_THAT(summary, HasSubstr("finding on jira-mcp: serves a request on another request's authorization"));
}

}  // namespace
}  // namespace mcph::harness::cli
