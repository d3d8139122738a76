// A baseline of accepted findings: what the file must say, which findings an entry accepts, what
// is stale or expired, how the counts and SARIF show it, and a written baseline read back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/reports/baseline.h"
#include "mcph/reports/sarif.h"
#include "mcph/reports/taxonomy.h"

namespace mcph::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kRule = rule_for("accepts-token-it-must-refuse").id;

RunReport report_with_two_findings() {
  ScenarioResult scenario;
  scenario.name = "a token signed with alg none is refused";
  scenario.status = ScenarioResult::Status::failed;
  scenario.findings = {
      {"jira-mcp", "accepts-token-it-must-refuse", "accepts a token it must refuse", "2: alice calls jira.get_issue", "HTTP 200", {}, {}, {}},
      {"github-mcp", "accepts-token-it-must-refuse", "accepts a token it must refuse", "3: alice calls github.list_repos", "HTTP 200", {}, {}, {}}};
  SuiteResult suite;
  suite.file = "/usr/share/mcp-harness/scenarios/jwt_attacks.yaml";
  suite.name = "jwt_attacks";
  suite.scenarios = {scenario};
  RunReport report;
  report.suites = {suite};
  return report;
}

std::string entry(const std::string& fields) {
  return R"({"accepted": [{"rule": ")" + kRule + R"(", "server": "jira-mcp",
             "scenario": "jwt_attacks / a token signed with alg none is refused",
             "accepted_by": "security@example.com", "reason": "the stand-in only")" +
         fields + "}]}";
}

std::string error_of(const std::string& json) {
  try {
    parse_baseline(json, "baseline.json");
  } catch (const BaselineError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Baseline, AFileThatCannotBeUsedIsRefusedSayingWhereAndWhat) {
  EXPECT_THAT(error_of("{"), HasSubstr("baseline.json: not JSON: "));
  EXPECT_EQ(error_of(R"({"entries": []})"), "baseline.json: expected an object with an array \"accepted\"");
  EXPECT_EQ(error_of(R"({"accepted": [], "version": 1})"), "baseline.json: unknown key \"version\" (the file has one: accepted)");
  EXPECT_EQ(error_of(entry(R"(, "expiry": "2027-01-01")")),
            "baseline.json: accepted[0]: unknown key \"expiry\" (the closest known: expires)");
  EXPECT_EQ(error_of(R"({"accepted": [{"rule": "MCPH801", "server": "jira-mcp", "scenario": "a / b", "accepted_by": "me"}]})"),
            "baseline.json: accepted[0]: reason: missing");
  EXPECT_EQ(error_of(entry(R"(, "expires": "next year")")),
            "baseline.json: accepted[0]: expires: \"next year\" must be a date, YYYY-MM-DD");
  EXPECT_THAT(error_of(R"({"accepted": [{"rule": "MCPH9999", "server": "s", "scenario": "a / b", "accepted_by": "me", "reason": "r"}]})"),
              HasSubstr("baseline.json: accepted[0]: rule: no rule MCPH9999 (the closest known: "));
  EXPECT_EQ(error_of(R"({"accepted": [{"rule": "MCPH801", "server": "s", "scenario": "alg none", "accepted_by": "me", "reason": "r"}]})"),
            "baseline.json: accepted[0]: scenario: \"alg none\" must be \"<suite> / <scenario name>\"");
  EXPECT_EQ(error_of(entry(R"(, "step": 2)")), "baseline.json: accepted[0]: step: must be a string");
  EXPECT_EQ(error_of(entry("")), "(accepted)");
}

TEST(Baseline, AnEntryAcceptsItsFindingOnlyAndTheRunPassesOnlyWhenEveryFindingIsAccepted) {
  RunReport report = report_with_two_findings();
  apply_baseline(report, parse_baseline(entry(""), "baseline.json"), "2026-11-27");
  const auto& findings = report.suites[0].scenarios[0].findings;
  EXPECT_EQ(findings[0].accepted, "by security@example.com: the stand-in only");
  EXPECT_EQ(findings[1].accepted, "");  // another server: new
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.counts().accepted, 0);
  ASSERT_TRUE(report.baseline);
  EXPECT_EQ(report.baseline->accepted, 1);
  EXPECT_THAT(report.baseline->stale, IsEmpty());

  // The second finding accepted too: the scenario is accepted, the run passes.
  RunReport both = report_with_two_findings();
  apply_baseline(both, parse_baseline(baseline_json(both, "me", "known"), "written.json"), "2026-11-27");
  EXPECT_TRUE(both.ok());
  EXPECT_EQ(both.counts().accepted, 1);
  EXPECT_EQ(status_text(both.suites[0].scenarios[0]), "accepted");
  EXPECT_EQ(to_string(both.counts()), "1 scenario: 0 passed, 1 failed (1 accepted by the baseline), 0 broken, 0 skipped");
}

TEST(Baseline, StepWordsAndFingerprintNarrowWhatAnEntryAccepts) {
  for (const auto& [fields, accepts] : std::vector<std::pair<std::string, bool>>{
           {R"(, "step": "alice calls jira")", true},
           {R"(, "step": "bob calls jira")", false},
           {R"(, "fingerprint": "00")", false}}) {
    RunReport report = report_with_two_findings();
    apply_baseline(report, parse_baseline(entry(fields), "baseline.json"), "2026-11-27");
    EXPECT_EQ(report.suites[0].scenarios[0].findings[0].accepted.empty(), !accepts) << fields;
    EXPECT_EQ(report.baseline->stale.size(), accepts ? 0u : 1u) << fields;
  }
  RunReport report = report_with_two_findings();
  const std::string fingerprint =
      finding_fingerprint(report.suites[0], report.suites[0].scenarios[0], report.suites[0].scenarios[0].findings[0]);
  apply_baseline(report, parse_baseline(entry(R"(, "fingerprint": ")" + fingerprint + "\""), "b.json"), "2026-11-27");
  EXPECT_FALSE(report.suites[0].scenarios[0].findings[0].accepted.empty());
}

TEST(Baseline, TheFingerprintHoldsWhereverTheFilesAreAndWhateverTheStepsNumber) {
  RunReport report = report_with_two_findings();
  const auto fingerprint = [](const RunReport& r) {
    return finding_fingerprint(r.suites[0], r.suites[0].scenarios[0], r.suites[0].scenarios[0].findings[0]);
  };
  const std::string first = fingerprint(report);
  report.suites[0].file = "scenarios/jwt_attacks.yaml";
  report.suites[0].scenarios[0].findings[0].step = "5: alice calls jira.get_issue";
  EXPECT_EQ(fingerprint(report), first);
  report.suites[0].scenarios[0].findings[0].server = "jira-mcp-2";
  EXPECT_NE(fingerprint(report), first);
}

// The corpus's expected findings name a property where a baseline names a rule: one matcher
// serves both, its empty fields matching anything but the scenario.
TEST(Baseline, APatternMatchesByWhatItNamesAndAlwaysByScenario) {
  const RunReport report = report_with_two_findings();
  const Finding& jira = report.suites[0].scenarios[0].findings[0];
  const FindingIdentity id = finding_identity(report.suites[0], report.suites[0].scenarios[0], jira);
  const std::string scenario = "jwt_attacks / a token signed with alg none is refused";
  EXPECT_EQ(id.property, "accepts-token-it-must-refuse");
  EXPECT_EQ(id.step, "alice calls jira.get_issue");
  EXPECT_TRUE(matches({.scenario = scenario, .property = "accepts-token-it-must-refuse"}, id, jira));
  EXPECT_TRUE(matches({.scenario = scenario, .rule = kRule, .server = "jira-mcp", .step = "2: alice"}, id, jira));
  EXPECT_FALSE(matches({.scenario = scenario, .property = "trusts-unverified-claim"}, id, jira));
  EXPECT_FALSE(matches({.scenario = scenario, .server = "github-mcp"}, id, jira));
  EXPECT_FALSE(matches({.scenario = scenario, .step = "github"}, id, jira));
  EXPECT_FALSE(matches({.property = "accepts-token-it-must-refuse"}, id, jira)) << "the scenario is never a wildcard";
}

TEST(Baseline, AnInconclusiveResultIsNamedByRuleAndScenario) {
  const RunReport report = report_with_two_findings();
  const SuiteResult& suite = report.suites[0];
  const std::string first = inconclusive_fingerprint(kRule, suite, suite.scenarios[0]);
  EXPECT_EQ(first.size(), 64u);
  EXPECT_NE(inconclusive_fingerprint("MCPH002", suite, suite.scenarios[0]), first);
  SuiteResult moved = suite;
  moved.file = "scenarios/jwt_attacks.yaml";
  EXPECT_EQ(inconclusive_fingerprint(kRule, moved, moved.scenarios[0]), first);
  moved.scenarios[0].name = "another scenario";
  EXPECT_NE(inconclusive_fingerprint(kRule, moved, moved.scenarios[0]), first);
}

TEST(Baseline, AnExpiredEntryAcceptsNothingAndOneThatMatchesNothingIsStale) {
  RunReport report = report_with_two_findings();
  apply_baseline(report, parse_baseline(entry(R"(, "expires": "2026-11-27")"), "baseline.json"), "2026-11-27");
  EXPECT_EQ(report.suites[0].scenarios[0].findings[0].accepted, "");
  EXPECT_THAT(report.baseline->expired,
              ElementsAre("baseline.json: accepted[0]: " + kRule +
                          " on jira-mcp in \"jwt_attacks / a token signed with alg none is refused\", expired on 2026-11-27"));
  EXPECT_THAT(report.baseline->stale, IsEmpty());

  RunReport later = report_with_two_findings();
  apply_baseline(later, parse_baseline(entry(R"(, "expires": "2026-11-28")"), "baseline.json"), "2026-11-27");
  EXPECT_EQ(later.suites[0].scenarios[0].findings[0].accepted, "by security@example.com: the stand-in only (until 2026-11-28)");

  RunReport fixed = report_with_two_findings();
  fixed.suites[0].scenarios[0].findings.erase(fixed.suites[0].scenarios[0].findings.begin());
  apply_baseline(fixed, parse_baseline(entry(""), "baseline.json"), "2026-11-27");
  EXPECT_THAT(fixed.baseline->stale, ElementsAre("baseline.json: accepted[0]: " + kRule +
                                                 " on jira-mcp in \"jwt_attacks / a token signed with alg none is refused\""));
}

TEST(Baseline, SarifSaysWhichFindingsAreNewAndSuppressesTheAcceptedOnes) {
  RunReport report = report_with_two_findings();
  const auto results = [](const RunReport& r) { return nlohmann::json::parse(sarif_json(r))["runs"][0]["results"]; };
  EXPECT_FALSE(results(report)[0].contains("baselineState"));  // no baseline, no state
  apply_baseline(report, parse_baseline(entry(""), "baseline.json"), "2026-11-27");
  const auto json = results(report);
  EXPECT_EQ(json[0]["baselineState"], "unchanged");
  EXPECT_EQ(json[0]["suppressions"][0]["status"], "accepted");
  EXPECT_EQ(json[0]["suppressions"][0]["justification"], "by security@example.com: the stand-in only");
  EXPECT_EQ(json[1]["baselineState"], "new");
  EXPECT_FALSE(json[1].contains("suppressions"));
  EXPECT_EQ(json[0]["partialFingerprints"]["mcphFinding/v2"],
            finding_fingerprint(report.suites[0], report.suites[0].scenarios[0], report.suites[0].scenarios[0].findings[0]));
}

}  // namespace
}  // namespace mcph::reports
