// A baseline of accepted findings as a team uses it in CI: written from a run, committed, then a
// run with it exits 0 while it still reports the accepted finding, and fails on a new one; an
// entry that matches nothing is reported stale (a failure with --strict-baseline); a malformed
// baseline is refused before any stack starts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// bob has no Jira credential: expecting his call to succeed is a finding on jira-mcp.
constexpr const char* kKnownFinding =
    "  - name: bob is expected to read Jira without a credential\n"
    "    steps:\n"
    "      - as: bob\n"
    "        call: jira.list_issues\n"
    "        expect: {ok: true}\n"
    "        property: missing-credential-falls-back\n";
// The same on GitHub: a finding no baseline entry accepts yet.
constexpr const char* kNewFinding =
    "  - name: bob is expected to read alice's repositories\n"
    "    steps:\n"
    "      - as: bob\n"
    "        call: github.list_repos\n"
    "        expect: {backend_credential_of: alice}\n"
    "        property: missing-credential-falls-back\n";

fs::path baseline_scenario_file(const fs::path& dir, const std::string& scenarios) {
  const fs::path file = dir / "accepted.yaml";
  std::ofstream(file) << "suite: accepted\nfamily: missing credentials\nscenarios:\n" << scenarios;
  return file;
}

std::vector<std::string> baseline_states(const fs::path& sarif) {
  std::vector<std::string> states;
  const Json report = Json::parse(read_file(sarif));
  for (const auto& result : report["runs"][0]["results"]) {
    if (result["ruleId"] != "MCPH001") states.push_back(result.value("baselineState", "(none)"));
  }
  return states;
}

TEST(RunBaselineTest, AcceptedFindingsAreReportedButOnlyNewOnesFailTheRun) {
  UpStack stack;
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const fs::path dir = stack.dir.path();
  const fs::path baseline = dir / "baseline.json", sarif = dir / "findings.sarif";
  const auto run = [&](const std::string& scenarios, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", baseline_scenario_file(dir, scenarios).string(), "--stack", stack.stack_file.string(),
                                     "--sarif", sarif.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return harness(args, dir);
  };

  // A run with the known finding writes the baseline (and fails: nothing accepts it yet).
  const auto first = run(kKnownFinding, {"--write-baseline", baseline.string(), "--accepted-by", "security@example.com"});
  ASSERT_EQ(first.exit_code, 1) << first.output;
  const Json written = Json::parse(read_file(baseline));
  ASSERT_EQ(written["accepted"].size(), 1u) << written.dump(2);
  EXPECT_EQ(written["accepted"][0]["server"], "jira-mcp");
  EXPECT_EQ(written["accepted"][0]["scenario"], "accepted / bob is expected to read Jira without a credential");
  EXPECT_EQ(written["accepted"][0]["accepted_by"], "security@example.com");

  // With it: the finding is still reported, accepted, and the run passes.
  const auto accepted = run(kKnownFinding, {"--baseline", baseline.string()});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_THAT(accepted.output, HasSubstr("1 failed (1 accepted by the baseline)"));
  EXPECT_THAT(accepted.output, HasSubstr("accepted: accepted — bob is expected to read Jira without a credential"));
  EXPECT_THAT(accepted.output, HasSubstr("finding on jira-mcp: a missing credential falls back"));
  EXPECT_THAT(accepted.output, HasSubstr("accepted by security@example.com: written from the run of"));
  EXPECT_THAT(accepted.output, HasSubstr("baseline " + baseline.string() + ": 1 accepted finding\n"));
  EXPECT_EQ(baseline_states(sarif), std::vector<std::string>{"unchanged"});

  // A new finding beside it fails the run, and only it is new.
  const auto added = run(std::string(kKnownFinding) + kNewFinding, {"--baseline", baseline.string()});
  EXPECT_EQ(added.exit_code, 1) << added.output;
  EXPECT_THAT(added.output, HasSubstr("failed: accepted — bob is expected to read alice's repositories"));
  EXPECT_EQ(baseline_states(sarif), (std::vector<std::string>{"unchanged", "new"}));

  // The known defect fixed (the scenario now expects what the server does): the entry is stale,
  // reported, and a failure only with --strict-baseline.
  const std::string fixed =
      "  - name: bob is expected to read Jira without a credential\n"
      "    steps:\n"
      "      - as: bob\n"
      "        call: jira.list_issues\n"
      "        expect: {ok: false, failure: missing_credential}\n";
  const auto stale = run(fixed, {"--baseline", baseline.string()});
  EXPECT_EQ(stale.exit_code, 0) << stale.output;
  EXPECT_THAT(stale.output, HasSubstr("stale, no finding matches it: " + baseline.string() + ": accepted[0]: "));
  const auto strict = run(fixed, {"--baseline", baseline.string(), "--strict-baseline"});
  EXPECT_EQ(strict.exit_code, 1) << strict.output;
}

TEST(RunBaselineTest, AMalformedBaselineIsRefusedBeforeAnyStackStarts) {
  const proc::TempDir dir = work_dir();
  const fs::path baseline = dir.path() / "baseline.json";
  std::ofstream(baseline) << R"({"accepted": [{"rule": "MCPH801", "server": "jira-mcp",
    "scenario": "jwt_attacks / alg none", "accepted_by": "me", "resaon": "typo"}]})";
  const fs::path scenarios = fs::path(MCPH_SCENARIOS_DIR) / "isolation.yaml";
  const auto run = harness({"run", scenarios.string(), "--baseline", baseline.string()}, dir.path());
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_THAT(run.output, HasSubstr(baseline.string() + ": accepted[0]: unknown key \"resaon\" (the closest known: reason)"));
  EXPECT_THAT(run.output, Not(HasSubstr("stack:")));

  const auto strict_alone = harness({"run", scenarios.string(), "--strict-baseline"}, dir.path());
  EXPECT_EQ(strict_alone.exit_code, 2) << strict_alone.output;
  EXPECT_THAT(strict_alone.output, HasSubstr("--strict-baseline needs --baseline FILE"));
}

}  // namespace
}  // namespace mcph::harness::cli
