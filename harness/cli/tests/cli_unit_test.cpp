// The parts of mcp-harness that need no stack: which scenarios a run selects, colour, the
// stack's progress lines, purging a run directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/temp_dir.h"
#include "scenario_selection.h"
#include "stack_progress.h"
#include "terminal.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string scenarios(const std::string& stem) { return std::string(MCPH_SOURCE_SCENARIOS_DIR) + "/" + stem + ".yaml"; }

std::string selection_error(const std::vector<std::string>& files, const std::vector<std::string>& families,
                            const std::vector<std::string>& patterns) {
  try {
    (void)select_scenarios(files, families, patterns);
  } catch (const SelectionError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioSelection, SubstringsAndGlobsIgnoringCase) {
  EXPECT_TRUE(scenario_matches("jira", "alice reads a Jira issue"));
  EXPECT_FALSE(scenario_matches("github", "alice reads a Jira issue"));
  EXPECT_TRUE(scenario_matches("alice*issue", "alice reads a Jira issue"));
  EXPECT_FALSE(scenario_matches("alice*", "bob reads alice's issue"));  // a glob matches the whole name
  EXPECT_TRUE(scenario_matches("?ob *", "bob has no Jira credential"));
  EXPECT_TRUE(scenario_matches("[ab]lice*", "Alice reads"));
}

TEST(ScenarioSelection, EveryFileByDefaultNarrowedByFamilyAndPattern) {
  const Selection all = select_scenarios({}, {}, {});
  EXPECT_GE(all.files.size(), 7u);
  std::size_t total = 0;
  for (const auto& file : all.files) total += file.scenarios.size();
  EXPECT_EQ(all.scenario_count(), total);

  // "rate-limit", "rate_limit" and "Rate limit" name one family: the users' and the agent
  // workloads' files.
  for (const std::string family : {"rate-limit", "rate_limit", "Rate limit"}) {
    const Selection rate = select_scenarios({}, {family}, {});
    ASSERT_EQ(rate.files.size(), 2u) << family;
    std::set<std::string> suites;
    for (const auto& file : rate.files) suites.insert(file.suite);
    EXPECT_EQ(suites, (std::set<std::string>{"rate_limit", "workload_rate_limit"})) << family;
  }

  const Selection some = select_scenarios({scenarios("isolation")}, {}, {"*GITHUB*"});
  ASSERT_EQ(some.files.size(), 1u);
  ASSERT_FALSE(some.only[0].empty());
  for (const auto& name : some.only[0]) EXPECT_TRUE(scenario_matches("*github*", name)) << name;
  EXPECT_LT(some.only[0].size(), some.files[0].scenarios.size());
}

TEST(ScenarioSelection, MistakesSayWhatIsThere) {
  const std::string unknown_family = selection_error({}, {"isolaton"}, {});
  EXPECT_THAT(unknown_family, HasSubstr("no scenario file of family 'isolaton'"));
  EXPECT_THAT(unknown_family, HasSubstr("isolation"));
  EXPECT_THAT(unknown_family, HasSubstr("rate_limit"));
  EXPECT_THAT(selection_error({}, {}, {"no such scenario at all"}),
              HasSubstr("no scenario matches \"no such scenario at all\""));
  EXPECT_EQ(selection_error({"missing.yaml"}, {}, {}), "missing.yaml: no such file");
  EXPECT_THAT(selection_error({MCPH_SOURCE_SCENARIOS_DIR}, {}, {}), HasSubstr("is a directory"));
}

TEST(Terminal, ColoursTheStatusOnlyWhereAPersonLooks) {
  EXPECT_EQ(coloured_status("[isolation] a: passed (12 ms)"), "[isolation] a: \033[32mpassed\033[0m (12 ms)");
  // The line's own status, not a word in the failure text after it.
  EXPECT_EQ(coloured_status("[s] b: failed (1 ms) — ok: error: boom"), "[s] b: \033[31mfailed\033[0m (1 ms) — ok: error: boom");
  EXPECT_EQ(coloured_status("== scenarios/x.yaml"), "== scenarios/x.yaml");
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(colour_enabled(stdout));
  ::unsetenv("NO_COLOR");
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  EXPECT_FALSE(colour_enabled(file));  // a file is no terminal
  std::fclose(file);
}

// What stack_progress prints, captured from stdout.
std::string printed(bool verbose, const std::vector<std::string>& lines) {
  std::fflush(stdout);
  testing::internal::CaptureStdout();
  const auto print = stack_progress(verbose);
  for (const auto& line : lines) print(line);
  return testing::internal::GetCapturedStdout();
}

TEST(StackProgress, ProvisioningItemsOnlyWhenVerbose) {
  const std::vector<std::string> lines = {"[  0.100 s] provisioning: Keycloak realm and users",
                                          "[  0.200 s]   + user alice", "[  0.210 s]   + user bob",
                                          "[  0.300 s] stack: up, stack file /x/stack.json"};
  const std::string quiet = printed(false, lines);
  EXPECT_THAT(quiet, Not(HasSubstr("+ user alice")));
  EXPECT_THAT(quiet, HasSubstr("(2 items provisioned; --verbose lists them)"));
  EXPECT_THAT(quiet, HasSubstr("stack: up"));
  const std::string verbose = printed(true, lines);
  EXPECT_THAT(verbose, HasSubstr("+ user alice"));
  EXPECT_THAT(verbose, HasSubstr("+ user bob"));
}

TEST(PurgeRunDir, RemovesOnlyWhatAStackWrites) {
  proc::TempDir temp("mcph-purge-test");
  const fs::path run_dir = temp.path() / "run";
  fs::create_directories(run_dir / "postgres" / "base");
  for (const std::string name : {"stack.json", "jira-mcp.log", "supervisor.log", "vault-audit.log"}) {
    std::ofstream(run_dir / name) << "x";
  }
  std::ofstream(run_dir / "notes.txt") << "a user's own file";
  const auto removed = purge_run_dir(run_dir);
  EXPECT_THAT(removed, testing::IsSupersetOf({"stack.json", "jira-mcp.log", "supervisor.log", "vault-audit.log", "postgres"}));
  EXPECT_TRUE(fs::exists(run_dir / "notes.txt"));
  EXPECT_FALSE(fs::exists(run_dir / "postgres"));

  fs::remove(run_dir / "notes.txt");
  std::ofstream(run_dir / "stack.json") << "x";
  EXPECT_THAT(purge_run_dir(run_dir), ElementsAre("stack.json"));
  EXPECT_FALSE(fs::exists(run_dir)) << "an emptied run directory is removed";
}

}  // namespace
}  // namespace mcph::harness::cli
