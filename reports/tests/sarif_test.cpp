#include "mcph/reports/sarif.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "mcph/reports/taxonomy.h"
#include "sample_report.h"

namespace mcph::reports {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json sample_sarif() { return json::parse(sarif_json(testing::sample_report())); }

const json& rule_at(const json& run, const json& result) {
  return run["tool"]["driver"]["rules"].at(result["ruleIndex"].get<std::size_t>());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Sarif, OneRunOfTheHarnessWithEveryRuleOfTheFamilies) {
  const json sarif = sample_sarif();
  EXPECT_EQ(sarif["version"], "2.1.0");
  ASSERT_EQ(sarif["runs"].size(), 1u);
  const json& driver = sarif["runs"][0]["tool"]["driver"];
  EXPECT_EQ(driver["name"], "mcp-harness");
  std::set<std::string> ids;
  for (const json& rule : driver["rules"]) ids.insert(rule["id"].get<std::string>());
  for (const Rule& rule : rules()) EXPECT_TRUE(ids.count(rule.id)) << rule.id;
  EXPECT_EQ(ids.size(), driver["rules"].size()) << "rule ids are unique";
}

// The run's seed in the run's property bag, as text (a JSON number would lose digits past 2^53).
TEST(Sarif, TheRunsPropertiesCarryItsSeed) {
  RunReport report = testing::sample_report();
  EXPECT_FALSE(json::parse(sarif_json(report))["runs"][0]["properties"].contains("seed"));
  report.seed = "18446744073709551615";
  report.shuffled = true;
  const json properties = json::parse(sarif_json(report))["runs"][0]["properties"];
  EXPECT_EQ(properties["seed"], "18446744073709551615");
  EXPECT_EQ(properties["shuffled"], true);
}

TEST(Sarif, AFindingIsAnErrorAboutItsServerAtTheLineThatProvedIt) {
  const json sarif = sample_sarif();
  const json& run = sarif["runs"][0];
  const json* claim = nullptr;
  for (const json& result : run["results"]) {
    if (result["ruleId"] == "MCPH303") claim = &result;
  }
  ASSERT_NE(claim, nullptr) << "the sample's 'trusts an unverified claim' finding";
  EXPECT_EQ((*claim)["level"], "error");
  EXPECT_EQ(rule_at(run, *claim)["id"], "MCPH303");
  EXPECT_EQ(rule_at(run, *claim)["shortDescription"]["text"], "trusts an unverified claim");
  const json& location = (*claim)["locations"][0];
  EXPECT_EQ(location["physicalLocation"]["artifactLocation"]["uri"], "scenarios/jwt-attacks.yaml");
  EXPECT_EQ(location["physicalLocation"]["region"]["startLine"], 40) << "the first failed check's line";
  EXPECT_EQ(location["logicalLocations"][0]["name"], "demo-jira-mcp");
  EXPECT_THAT((*claim)["message"]["text"].get<std::string>(), HasSubstr("demo-jira-mcp: trusts an unverified claim"));
  const json& checks = (*claim)["properties"]["checks"];
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0]["expected"], "http_status: 401");
  EXPECT_THAT(checks[0]["actual"].get<std::string>(), HasSubstr("HTTP 200"));
  EXPECT_EQ((*claim)["properties"]["trace"], "traces/jwt-attacks/unverified-claim.json");
  EXPECT_EQ((*claim)["properties"]["traceIds"], json::array({"4bf92f3577b34da6a3ce929d0e0e4736"}))
      << "the step's trace-ids: where its requests are in the servers' and Vault's logs";
}

TEST(Sarif, RulesCarryTheirOwaspMcpCategoryAndCweAsTagsAndTaxa) {
  const json sarif = sample_sarif();
  const json& run = sarif["runs"][0];
  const json* rule = nullptr;
  for (const json& candidate : run["tool"]["driver"]["rules"]) {
    if (candidate["id"] == "MCPH303") rule = &candidate;
  }
  ASSERT_NE(rule, nullptr);
  const auto tags = (*rule)["properties"]["tags"].get<std::vector<std::string>>();
  EXPECT_THAT(tags, ::testing::IsSupersetOf({"security", "OWASP MCP07:2025", "CWE-345", "external/cwe/cwe-345"}));
  std::set<std::string> targets;
  for (const json& relationship : (*rule)["relationships"]) {
    targets.insert(relationship["target"]["toolComponent"]["name"].get<std::string>() + " " +
                   relationship["target"]["id"].get<std::string>());
  }
  EXPECT_EQ(targets, (std::set<std::string>{"OWASP MCP Top 10 MCP07:2025", "CWE 345"}));
  // Every taxon a rule points at is in its taxonomy.
  std::set<std::string> taxa;
  for (const json& taxonomy : run["taxonomies"]) {
    for (const json& taxon : taxonomy["taxa"]) taxa.insert(taxonomy["name"].get<std::string>() + " " + taxon["id"].get<std::string>());
  }
  for (const json& each : run["tool"]["driver"]["rules"]) {
    for (const json& relationship : each.value("relationships", json::array())) {
      EXPECT_TRUE(taxa.count(relationship["target"]["toolComponent"]["name"].get<std::string>() + " " +
                             relationship["target"]["id"].get<std::string>()))
          << each["id"];
    }
  }
}

TEST(Sarif, EveryRuleHasATagSecurityOrCorrectness) {
  const json sarif = sample_sarif();
  for (const json& rule : sarif["runs"][0]["tool"]["driver"]["rules"]) {
    const auto tags = rule["properties"]["tags"].get<std::vector<std::string>>();
    ASSERT_FALSE(tags.empty()) << rule["id"];
    EXPECT_TRUE(tags[0] == "security" || tags[0] == "correctness") << rule["id"] << ": " << tags[0];
    const bool security = rule["defaultConfiguration"]["level"] == "error";
    EXPECT_EQ(tags[0] == "security", security) << rule["id"];
  }
}

TEST(Sarif, AnInconclusiveScenarioIsANoteSayingWhy) {
  const json sarif = sample_sarif();
  int notes = 0;
  for (const json& result : sarif["runs"][0]["results"]) {
    if (result["ruleId"] != kInconclusiveRuleId) continue;
    ++notes;
    EXPECT_EQ(result["level"], "note");
    EXPECT_THAT(result["message"]["text"].get<std::string>(), HasSubstr("inconclusive:"));
  }
  EXPECT_EQ(notes, 1);
}

TEST(Sarif, ABoundedFindingIsANoteCarryingItsBound) {
  const json sarif = json::parse(sarif_json(testing::sample_report_with_a_bounded_finding()));
  const json* bounded = nullptr;
  for (const json& result : sarif["runs"][0]["results"]) {
    if (result["properties"].contains("bound")) bounded = &result;
  }
  ASSERT_NE(bounded, nullptr);
  EXPECT_EQ((*bounded)["level"], "note") << "the scenario accepts the window it states";
  EXPECT_EQ((*bounded)["ruleId"], rule_for("accepts-token-it-must-refuse").id);
  EXPECT_THAT((*bounded)["properties"]["bound"].get<std::string>(), HasSubstr("at most 300 s"));
  EXPECT_THAT((*bounded)["message"]["text"].get<std::string>(), HasSubstr("(within its bound: until the token's exp"));
  ASSERT_EQ((*bounded)["properties"]["checks"].size(), 1u) << "its evidence is the bounded check";
  EXPECT_EQ((*bounded)["locations"][0]["physicalLocation"]["region"]["startLine"], 77);
}

TEST(Sarif, APropertyOfNoFamilyGetsAStableRuleOfItsOwn) {
  const Rule first = rule_for("reuses-another-users-cached-credential");
  EXPECT_EQ(first.id, rule_for("reuses-another-users-cached-credential").id);
  EXPECT_THAT(first.id, ::testing::MatchesRegex("MCPH-X-[0-9a-f]{8}"));
  EXPECT_NE(first.id, rule_for("another-property").id);
  const json sarif = sample_sarif();
  bool found = false;
  for (const json& result : sarif["runs"][0]["results"]) {
    if (result["ruleId"] == first.id) {
      found = true;
      EXPECT_EQ(rule_at(sarif["runs"][0], result)["id"], first.id);
    }
  }
  EXPECT_TRUE(found);
}

TEST(Sarif, TheSameReportGivesTheSameFile) {
  EXPECT_EQ(sarif_json(testing::sample_report()), sarif_json(testing::sample_report()));
  RunReport later = testing::sample_report();
  later.seconds += 10;
  const json a = sample_sarif(), b = json::parse(sarif_json(later));
  EXPECT_EQ(a["runs"][0]["results"], b["runs"][0]["results"]) << "fingerprints depend on what was found, not when";
}

TEST(Sarif, SecretsInTheEvidenceAreMasked) {
  RunReport report = testing::sample_report();
  const std::string jwt =
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl";
  report.suites[0].scenarios[0].findings.push_back(
      {"jira-mcp", "accepts-token-it-must-refuse", "accepts a token it must refuse", "1: x", "accepted Authorization: Bearer " + jwt, {}, {}, {}});
  EXPECT_THAT(sarif_json(report), Not(HasSubstr(jwt)));
}

TEST(Taxonomy, RuleIdsAreUniqueAndEveryTagIsReal) {
  std::set<std::string> ids, property_ids, properties;
  for (const Rule& rule : rules()) {
    EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
    EXPECT_TRUE(property_ids.insert(rule.property_id).second) << rule.property_id;
    EXPECT_TRUE(properties.insert(rule.property).second) << rule.property;
    EXPECT_THAT(rule.id, ::testing::MatchesRegex("MCPH[0-9]{3,4}"));
    EXPECT_THAT(rule.property_id, ::testing::MatchesRegex("[a-z0-9]+(-[a-z0-9]+)*"));
    EXPECT_EQ(find_rule(rule.property_id), &rule);
    EXPECT_EQ(find_rule_by_text(rule.property), &rule);
    if (!rule.owasp_mcp.empty()) {
      EXPECT_FALSE(owasp_mcp_title(rule.owasp_mcp).empty()) << rule.owasp_mcp;
    }
    if (!rule.cwe.empty()) {
      EXPECT_THAT(rule.cwe, ::testing::MatchesRegex("CWE-[0-9]+"));
    }
    EXPECT_FALSE(rule.description.empty()) << rule.id;
  }
}

TEST(Taxonomy, TheDocsTableIsTheRulesTable) {
  const std::string docs = read_file(std::filesystem::path(MCPH_DOCS_DIR) / "reports.md");
  EXPECT_THAT(docs, HasSubstr(taxonomy_markdown()))
      << "docs/reports.md's taxonomy table is stale; the table as it should be:\n"
      << taxonomy_markdown();
}

// A report of one scenario: a refusal without its challenge filed at warning, and another
// scenario left inconclusive by a step that was not reached (no undecided check of its own).
RunReport report_with_verdicts() {
  SuiteResult suite;
  suite.file = "scenarios/jwt-attacks.yaml";
  ScenarioResult challenge;
  challenge.name = "a forged token is refused";
  challenge.status = ScenarioResult::Status::failed;
  StepRecord refused;
  refused.title = "2: alice calls jira.get_issue";
  refused.server = "jira-mcp";
  refused.http_status = 401;
  refused.answer = "refused-without-challenge";
  refused.checks = {{"bearer_challenge: invalid_token", Check::Verdict::failed, "no WWW-Authenticate", "jwt-attacks.yaml:12"}};
  challenge.steps = {refused};
  challenge.findings = {{"jira-mcp", "refusal-without-challenge", "refuses without the challenge the specifications require",
                         refused.title, "401 without WWW-Authenticate", "", "warning", {}}};
  ScenarioResult unreached;
  unreached.name = "an expired token is refused";
  unreached.status = ScenarioResult::Status::error;
  unreached.message = "inconclusive: step 1 was not reached: 404 from POST /mcp/rpc — the profile's url or the step's path "
                      "does not describe this server";
  StepRecord missed = refused;
  missed.title = "1: alice calls jira.get_issue";
  missed.http_status = 404;
  missed.answer = "not-reached";
  missed.checks = {{"http_status: 401", Check::Verdict::failed, "HTTP 404", "jwt-attacks.yaml:30"}};
  unreached.steps = {missed};
  suite.scenarios = {challenge, unreached};
  RunReport report;
  report.suites = {suite};
  return report;
}

TEST(Sarif, AFindingCarriesTheLevelItWasFiledAt) {
  const json sarif = json::parse(sarif_json(report_with_verdicts()));
  const json& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["ruleId"], "MCPH004");
  EXPECT_EQ(results[0]["level"], "warning");
  RunReport raised = report_with_verdicts();
  raised.suites[0].scenarios[0].findings[0].level = "error";
  EXPECT_EQ(json::parse(sarif_json(raised))["runs"][0]["results"][0]["level"], "error") << "the finding's level, not the rule's";
}

TEST(Sarif, AStepNotReachedIsANoteAtThatStepSayingWhy) {
  const json sarif = json::parse(sarif_json(report_with_verdicts()));
  const json& note = sarif["runs"][0]["results"][1];
  EXPECT_EQ(note["ruleId"], kInconclusiveRuleId);
  EXPECT_EQ(note["level"], "note");
  EXPECT_THAT(note["message"]["text"].get<std::string>(), HasSubstr("was not reached: 404 from POST /mcp/rpc"));
  EXPECT_EQ(note["locations"][0]["physicalLocation"]["region"]["startLine"], 30);
  EXPECT_EQ(note["locations"][0]["logicalLocations"][0]["name"], "jira-mcp");
}

}  // namespace
}  // namespace mcph::reports
