// A family declares itself in its file's header (`ctest:`, `needs:`, a scenario's own `needs:`):
// the loader reads and checks it, docs/families.md's table is made from it (and is stale when it
// differs), and a stack without what a scenario is about skips that scenario, saying why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mcph/harness/scenario/family_table.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "stack_needs.h"

namespace mcph::harness {
namespace {

using ::testing::HasSubstr;

const std::string kScenarios = "scenarios:\n  - name: a\n    steps:\n      - wait: 1s\n";

std::string load_error(const std::string& text) {
  try {
    (void)parse_scenario_file(text, "x.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(loaded)";
}

std::string read(const char* path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(FamilyTable, TheCheckedInTableIsCurrent) {
  const std::string page = read(MCPH_FAMILIES_PAGE_PATH);
  ASSERT_FALSE(page.empty()) << "cannot read " << MCPH_FAMILIES_PAGE_PATH;
  const std::string table = family_table(load_scenario_dir(MCPH_SCENARIOS_DIR));
  EXPECT_TRUE(page == with_family_table(page, table))
      << "docs/families.md's table is stale: run `mcp-harness reference --families --write docs/families.md`\n"
      << table;
}

// ctest registers every file in scenarios/ through its header: one without it could not run.
TEST(FamilyTable, EveryScenarioFileSaysHowCtestRunsIt) {
  for (const auto& file : load_scenario_dir(MCPH_SCENARIOS_DIR)) {
    ASSERT_TRUE(file.ctest.has_value()) << file.path << " has no `ctest:` line";
    EXPECT_FALSE(file.ctest->stacks.empty()) << file.path;
  }
}

TEST(FamilyTable, ARowSaysTheLabelsStacksHowItRunsAndTheCount) {
  const ScenarioFile file = parse_scenario_file(
      "suite: dpop\nfamily: dpop\nctest: {label: dpop, labels: [workload-identity], stacks: [shared, real], "
      "lock: bridge}\n" + kScenarios,
      "somewhere/dpop.yaml");
  const std::string table = family_table({file, file});
  EXPECT_THAT(table, HasSubstr("| dpop | `scenarios/dpop.yaml` | `dpop`, `workload-identity` | shared, real | "
                               "one at a time per stack (`bridge`) | 1 |\n"));
  EXPECT_THAT(table, HasSubstr("| 2 in all |"));
}

TEST(FamilyTable, ThePageKeepsEverythingOutsideTheMarkers) {
  const std::string page = std::string("before\n") + kFamilyTableBegin + "\nold\n" + kFamilyTableEnd + "\nafter\n";
  EXPECT_EQ(with_family_table(page, "new\n"),
            std::string("before\n") + kFamilyTableBegin + "\nnew\n" + kFamilyTableEnd + "\nafter\n");
  EXPECT_THROW(with_family_table("no markers\n", "new\n"), std::runtime_error);
}

TEST(FamilyTable, TheCtestLineIsCheckedAsCMakeReadsIt) {
  const auto file = parse_scenario_file("ctest: {label: faults, stacks: [shared, real], alone: true}\n" + kScenarios, "x.yaml");
  ASSERT_TRUE(file.ctest);
  EXPECT_EQ(file.ctest->label, "faults");
  EXPECT_EQ(file.ctest->stacks, (std::vector<std::string>{"shared", "real"}));
  EXPECT_TRUE(file.ctest->alone);
  EXPECT_THAT(load_error("ctest: {label: a, stacks: [shared], serial: true}\n" + kScenarios),
              HasSubstr("x.yaml:1: ctest.serial: unknown key"));
  EXPECT_THAT(load_error("ctest: {label: a, stacks: [everywhere]}\n" + kScenarios),
              HasSubstr("ctest.stacks[0]: expected shared, real, cognito or load"));
  EXPECT_THAT(load_error("ctest: {label: a}\n" + kScenarios), HasSubstr("ctest.stacks: missing"));
  EXPECT_THAT(load_error("ctest: {stacks: [shared]}\n" + kScenarios), HasSubstr("ctest.label: missing"));
  EXPECT_THAT(load_error("ctest: {label: a, stacks: [shared], alone: true, lock: l}\n" + kScenarios),
              HasSubstr("ctest.lock: a file that runs alone needs no lock"));
  // CMake reads one line: a block mapping, or a flow mapping over two lines, would be lost on it.
  EXPECT_THAT(load_error("ctest:\n  label: a\n  stacks: [shared]\n" + kScenarios),
              HasSubstr("ctest: must be a one-line flow mapping"));
  EXPECT_THAT(load_error("ctest: {label: a,\n  stacks: [shared]}\n" + kScenarios),
              HasSubstr("ctest: must be one line"));
}

TEST(FamilyTable, AScenarioSaysWhatItIsAboutBesideItsFile) {
  const auto file = parse_scenario_file(
      "needs: {services: [spiffe]}\nscenarios:\n  - name: a\n    needs: {services: [workload-mcp], idp: keycloak}\n"
      "    steps:\n      - wait: 1s\n",
      "x.yaml");
  EXPECT_EQ(file.scenarios.front().needs.services, std::vector<std::string>{"workload-mcp"});
  EXPECT_EQ(file.scenarios.front().needs.idp, "keycloak");
  EXPECT_EQ(file.scenarios.front().needs.where.to_string(), "x.yaml:4");
  // The users and the rate limit are the whole file's.
  EXPECT_THAT(load_error("scenarios:\n  - name: a\n    needs: {generated_users: 3}\n    steps:\n      - wait: 1s\n"),
              HasSubstr("x.yaml:3: scenarios[0].needs.generated_users: unknown key"));
  EXPECT_THAT(load_error("scenarios:\n  - name: a\n    needs: {idp: okta}\n    steps:\n      - wait: 1s\n"),
              HasSubstr("scenarios[0].needs.idp: expected keycloak or cognito"));
}

TEST(FamilyTable, AScenarioAboutAServiceTheStackLeftOutIsSkippedSayingWhy) {
  const auto file = parse_scenario_file(
      "needs: {services: [spiffe]}\nscenarios:\n  - name: svid only\n    steps:\n      - wait: 1s\n"
      "  - name: the server too\n    needs: {services: [workload-mcp]}\n    steps:\n      - wait: 1s\n",
      "x.yaml");
  const StackFile stack = StackFile::parse(R"json({"mode": "local", "services": {"spiffe": {"url": "http://127.0.0.1:1"}},
      "services_left_out": {"workload-mcp": "this stack has no opa (OPA is not installed)"}})json");
  EXPECT_EQ(services_missing(file, file.scenarios[0], stack), std::nullopt);
  const auto why = services_missing(file, file.scenarios[1], stack);
  ASSERT_TRUE(why);
  EXPECT_THAT(*why, HasSubstr("not run: the stack has no workload-mcp (x.yaml:7"));
  EXPECT_THAT(*why, HasSubstr("workload-mcp was left out: this stack has no opa (OPA is not installed)"));
  // The file's own needs come first.
  const StackFile bare = StackFile::parse(R"({"mode": "local", "services": {}})");
  EXPECT_THAT(services_missing(file, file.scenarios[0], bare).value_or(""), HasSubstr("the stack has no spiffe (x.yaml:1"));
  // An identity provider of the other kind.
  const auto keycloak_only = parse_scenario_file(
      "scenarios:\n  - name: a\n    needs: {idp: keycloak}\n    steps:\n      - wait: 1s\n", "x.yaml");
  const StackFile cognito = StackFile::parse(R"({"mode": "local", "idp": "cognito", "services": {}})");
  EXPECT_THAT(services_missing(keycloak_only, keycloak_only.scenarios[0], cognito).value_or(""),
              HasSubstr("identity provider is keycloak (x.yaml:3), and this stack's is cognito"));
}

}  // namespace
}  // namespace mcph::harness
