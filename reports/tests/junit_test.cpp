#include "mcph/reports/junit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "mcph/proc/temp_dir.h"
#include "mcph/reports/html.h"
#include "mcph/secrets/scrub.h"
#include "mcph/text/count.h"
#include "sample_report.h"
#include "xml_check.h"

namespace mcph::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Status = ScenarioResult::Status;

ScenarioResult scenario(std::string name, Status status, double seconds) {
  ScenarioResult result;
  result.name = std::move(name);
  result.status = status;
  result.seconds = seconds;
  return result;
}

// One suite with a result of every kind, one with a single pass.
RunReport mixed_report() {
  RunReport report;
  report.title = "nightly";
  report.started_at = "2025-05-01T12:00:00Z";
  report.seconds = 3.5;
  report.stack_mode = "local";
  report.stack_file = "/tmp/run/stack.json";

  SuiteResult isolation;
  isolation.file = "scenarios/isolation.yaml";
  isolation.name = "isolation";
  isolation.family = "isolation";
  isolation.scenarios.push_back(scenario("alice reaches jira", Status::passed, 0.25));
  ScenarioResult failed = scenario("bob never gets alice's token", Status::failed, 0.5);
  failed.failures = {{"3: bob calls github.list_repos", "backend_credential_of: bob", "credential of alice"},
                     {"4: ledger", "no cross-user request", "1 request"}};
  failed.flows = {{"bob", {{"Login", "password grant"}, {"Vault path", "secret/data/users/bob/github"}}}};
  failed.trace_file = "traces/isolation/bob.json";
  isolation.scenarios.push_back(failed);
  ScenarioResult broken = scenario("vault goes away", Status::error, 1.0);
  broken.message = "stack went away: connection refused";
  isolation.scenarios.push_back(broken);
  ScenarioResult skipped = scenario("compose only", Status::skipped, 0);
  skipped.message = "needs compose mode";
  isolation.scenarios.push_back(skipped);
  report.suites.push_back(isolation);

  SuiteResult protocol;
  protocol.file = "scenarios/mcp-protocol.yaml";
  protocol.family = "mcp-protocol";
  protocol.started_at = "2025-05-01T12:00:02.5Z";
  protocol.scenarios.push_back(scenario("initialize negotiates the version", Status::passed, 0.125));
  report.suites.push_back(protocol);
  return report;
}

void expect_valid(const std::string& xml) {
  EXPECT_EQ(testing::well_formedness_problem(xml), "") << xml;
  if (!testing::have_xmllint()) return;
  const testing::LintResult parsed = testing::xmllint(xml, {"--noout"});
  EXPECT_EQ(parsed.exit_code, 0) << parsed.output << "\n" << xml;
  const testing::LintResult validated = testing::xmllint(xml, {"--noout", "--schema", MCPH_JUNIT_XSD_PATH});
  EXPECT_EQ(validated.exit_code, 0) << validated.output << "\n" << xml;
}

TEST(Junit, CountsEveryKindOfResultPerRunAndPerFile) {
  const std::string xml = junit_xml(mixed_report());
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"nightly\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" "
                             "time=\"3.500\" timestamp=\"2025-05-01T12:00:00Z\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"isolation\" id=\"0\" tests=\"4\" failures=\"1\" errors=\"1\" "
                             "skipped=\"1\" time=\"1.750\" timestamp=\"2025-05-01T12:00:00Z\">"));
  // No name: the file's stem; its own start time.
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"mcp-protocol\" id=\"1\" tests=\"1\" failures=\"0\" errors=\"0\" "
                             "skipped=\"0\" time=\"0.125\" timestamp=\"2025-05-01T12:00:02.5Z\">"));
  EXPECT_EQ(text::count_of(xml, "<testsuite "), 2u);
  EXPECT_EQ(text::count_of(xml, "<testcase "), 5u);
  expect_valid(xml);
}

TEST(Junit, NamesTestcasesByFamilyAndFileStem) {
  const std::string xml = junit_xml(mixed_report());
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"isolation.isolation\" name=\"alice reaches jira\" "
                             "time=\"0.250\" file=\"scenarios/isolation.yaml\"/>"));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"mcp-protocol.mcp-protocol\" "
                             "name=\"initialize negotiates the version\" time=\"0.125\""));
}

TEST(Junit, FailuresCarryExpectationAndActualOfEveryFailedStep) {
  const std::string xml = junit_xml(mixed_report());
  EXPECT_THAT(xml, HasSubstr("<failure message=\"expected backend_credential_of: bob; got credential of alice "
                             "(+1 more)\" type=\"expectation\">"));
  EXPECT_THAT(xml, HasSubstr("step: 3: bob calls github.list_repos\nexpected: backend_credential_of: bob\n"
                             "actual: credential of alice\n\nstep: 4: ledger\nexpected: no cross-user request\n"
                             "actual: 1 request\n</failure>"));
  // The flow and the trace go to the test's output; GitLab links the attachment.
  EXPECT_THAT(xml, HasSubstr("<system-out>\nflow of bob:\n  1. Login: password grant\n"
                             "  2. Vault path: secret/data/users/bob/github\n\ntrace: traces/isolation/bob.json\n"
                             "[[ATTACHMENT|traces/isolation/bob.json]]\n</system-out>"));
}

TEST(Junit, ErrorsAndSkipsCarryTheirMessage) {
  const std::string xml = junit_xml(mixed_report());
  EXPECT_THAT(xml, HasSubstr("<error message=\"stack went away: connection refused\" type=\"error\">"
                             "stack went away: connection refused\n</error>"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"needs compose mode\"/>"));
}

TEST(Junit, RecordsTheStackAsSuiteProperties) {
  const std::string xml = junit_xml(mixed_report());
  EXPECT_THAT(xml, HasSubstr("<properties>\n      <property name=\"family\" value=\"isolation\"/>\n"
                             "      <property name=\"file\" value=\"scenarios/isolation.yaml\"/>\n"
                             "      <property name=\"stack_mode\" value=\"local\"/>\n"
                             "      <property name=\"stack_file\" value=\"/tmp/run/stack.json\"/>\n"
                             "    </properties>"));
}

// The run's seed (and that it shuffled) beside the stack: what `run --seed` repeats the run with.
TEST(Junit, RecordsTheRunsSeedAsASuiteProperty) {
  RunReport report = mixed_report();
  EXPECT_THAT(junit_xml(report), Not(HasSubstr("name=\"seed\"")));  // a report that does not know
  report.seed = "18446744073709551615";
  report.shuffled = true;
  EXPECT_THAT(junit_xml(report), HasSubstr("      <property name=\"stack_file\" value=\"/tmp/run/stack.json\"/>\n"
                                           "      <property name=\"seed\" value=\"18446744073709551615\"/>\n"
                                           "      <property name=\"shuffled\" value=\"true\"/>\n"));
}

TEST(Junit, EscapesEverythingAndReplacesForbiddenCharacters) {
  RunReport report;
  report.title = "run & \"co\"";
  SuiteResult suite;
  suite.file = "scenarios/<odd>.yaml";
  suite.family = "hostile";
  ScenarioResult hostile = scenario("<script>alert('x')</script> & \"q\"\x01 tab\there", Status::failed, 0.001);
  hostile.failures = {{"step <1>", "status == 200 && body contains \"]]>\"", "got <error/> & \x1b[31mred\x1b[0m"}};
  suite.scenarios.push_back(hostile);
  report.suites.push_back(suite);

  const std::string xml = junit_xml(report);
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"run &amp; &quot;co&quot;\""));
  EXPECT_THAT(xml, HasSubstr("classname=\"hostile.&lt;odd&gt;\" name=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
                             "&amp; &quot;q&quot;\xEF\xBF\xBD tab&#9;here\""));
  EXPECT_THAT(xml, HasSubstr("actual: got &lt;error/&gt; &amp; \xEF\xBF\xBD[31mred\xEF\xBF\xBD[0m\n"));
  EXPECT_THAT(xml, Not(HasSubstr("<script>")));
  expect_valid(xml);

  if (!testing::have_xmllint()) GTEST_SKIP() << "xmllint not installed (Debian package libxml2-utils)";
  // A real parser reads back exactly the text we meant, control character replaced.
  const testing::LintResult name = testing::xmllint(xml, {"--xpath", "string(//testcase/@name)"});
  EXPECT_EQ(name.output, "<script>alert('x')</script> & \"q\"\xEF\xBF\xBD tab\there\n");
  const testing::LintResult expected = testing::xmllint(xml, {"--xpath", "string(//failure/@message)"});
  EXPECT_EQ(expected.output,
            "expected status == 200 && body contains \"]]>\"; got got <error/> & \xEF\xBF\xBD[31mred\xEF\xBF\xBD[0m\n");
}

TEST(Junit, KeepsValidUtf8AndRepairsInvalidUtf8) {
  RunReport report;
  SuiteResult suite;
  suite.name = "unicode";
  suite.scenarios.push_back(scenario("café → 日本 😀 \xC3\x28 \xFF", Status::passed, 0));
  report.suites.push_back(suite);
  const std::string xml = junit_xml(report);
  EXPECT_THAT(xml, HasSubstr("name=\"café → 日本 😀 \xEF\xBF\xBD( \xEF\xBF\xBD\""));
  expect_valid(xml);
}

TEST(Junit, NeverPrintsCredentialsEvenWhenTheModelHasThem) {
  const std::string jwt =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiI1ZjBjMmE2NCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
  RunReport report = mixed_report();
  ScenarioResult& failed = report.suites[0].scenarios[1];
  failed.failures[0].actual = "Authorization: Bearer " + jwt + " body {\"password\":\"alice123\"}";
  failed.flows[0].steps[0].detail = "token " + jwt;
  failed.message = "vault token hvs.CAESIJ3k9vWq2sT7y8zZpLmNoPqRsTuVwXyZ";
  report.stack_file = "postgresql://postgres:s3cr3t-pw@127.0.0.1/db";
  const std::string xml = junit_xml(report);
  EXPECT_THAT(xml, Not(HasSubstr(jwt.substr(0, 40))));
  EXPECT_THAT(xml, Not(HasSubstr("c2lnbmF0dXJl")));
  EXPECT_THAT(xml, Not(HasSubstr("alice123")));
  EXPECT_THAT(xml, Not(HasSubstr("CAESIJ3k9v")));
  EXPECT_THAT(xml, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(xml, HasSubstr("Bearer ****tlbg body {&quot;password&quot;:&quot;****&quot;}"));
  expect_valid(xml);
}

TEST(Junit, EmptyReportIsValid) {
  RunReport report;
  report.started_at = "not a date";
  const std::string xml = junit_xml(report);
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mcp-harness scenario run\" tests=\"0\" "
            "failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n</testsuites>\n");
  expect_valid(xml);
}

TEST(Junit, SampleReportIsValid) { expect_valid(junit_xml(testing::sample_report())); }

// The <testcase …> element of the scenario named `name`, whole.
std::string testcase(const std::string& xml, const std::string& name) {
  const std::size_t start = xml.find("name=\"" + name + "\"");
  if (start == std::string::npos) return "";
  const std::size_t open = xml.rfind("<testcase ", start);
  const std::size_t tag_end = xml.find('>', start);
  const std::size_t end = xml[tag_end - 1] == '/' ? tag_end + 1 : xml.find("</testcase>", start) + 11;
  return xml.substr(open, end - open);
}

TEST(Junit, FindingsAreTestcasePropertiesAndInTheFailure) {
  const std::string xml = junit_xml(testing::sample_report());
  const std::string claim =
      testcase(xml, "a token naming bob in preferred_username does not reach bob&#39;s secrets");
  ASSERT_FALSE(claim.empty()) << xml;
  // Properties first (pytest's place; Jenkins reads them anywhere), one name per value.
  EXPECT_THAT(claim, HasSubstr("time=\"0.088\" file=\"scenarios/jwt-attacks.yaml\">\n      <properties>\n"
                               "        <property name=\"finding.1.server\" value=\"demo-jira-mcp\"/>\n"
                               "        <property name=\"finding.1.property\" value=\"trusts an unverified claim\"/>\n"
                               "        <property name=\"finding.1.rule\" value=\"MCPH303\"/>\n"
                               "        <property name=\"finding.1.owasp_mcp\" value=\"MCP07:2025\"/>\n"
                               "        <property name=\"finding.1.cwe\" value=\"CWE-345\"/>\n"
                               "        <property name=\"finding.1.step\" value=\"2: alice calls demo-jira.get_issue\"/>\n"
                               "        <property name=\"finding.1.evidence\" value=\"http_status: 401; got HTTP 200"));
  EXPECT_THAT(claim, HasSubstr("<property name=\"finding.2.property\" value=\"answers with the wrong error status\"/>"));
  // The second finding's rule has a CWE but no OWASP category: none is named (7 properties for
  // the first, 6 for the second).
  EXPECT_THAT(claim, HasSubstr("<property name=\"finding.2.rule\" value=\"MCPH002\"/>"));
  EXPECT_EQ(text::count_of(claim, "finding.2.owasp_mcp"), 0u);
  EXPECT_EQ(text::count_of(claim, "<property "), 13u);
  // GitLab reads no testcase properties: the failure's text names the findings too.
  EXPECT_THAT(claim, HasSubstr("finding: demo-jira-mcp trusts an unverified claim\nshown by step: 2: alice calls "
                               "demo-jira.get_issue\n"));
  // A passing scenario has none.
  EXPECT_THAT(testcase(xml, "alg none is rejected with 401 invalid_token"), Not(HasSubstr("<properties>")));
  expect_valid(xml);
}

TEST(Junit, ABoundedFindingIsAPropertyOfAPassingTestcase) {
  const std::string xml = junit_xml(testing::sample_report_with_a_bounded_finding());
  const std::string bounded = testcase(xml, "a signed-out session&#39;s token is accepted until its exp");
  ASSERT_FALSE(bounded.empty()) << xml;
  EXPECT_THAT(bounded, Not(HasSubstr("<failure")));
  EXPECT_THAT(bounded, HasSubstr("<property name=\"finding.1.property\" value=\"accepts a token it must refuse\"/>"));
  EXPECT_THAT(bounded, HasSubstr("<property name=\"finding.1.bound\" value=\"until the token&#39;s exp: at most 300 s"));
  EXPECT_THAT(bounded, HasSubstr("    bounded: accepted_for_at_most_s: 300 — until the token"));
  expect_valid(xml);
}

TEST(Junit, InconclusiveIsAnErrorOfItsOwnType) {
  const std::string xml = junit_xml(testing::sample_report());
  const std::string undecided = testcase(xml, "alice&#39;s Jira call reads only alice&#39;s secret in Vault");
  ASSERT_FALSE(undecided.empty()) << xml;
  EXPECT_THAT(undecided, HasSubstr("<error message=\"inconclusive: 1: alice calls jira.list_issues: vault_audit: "
                                   "reads_own_secret"));
  EXPECT_THAT(undecided, HasSubstr("type=\"inconclusive\">"));
  EXPECT_THAT(undecided, Not(HasSubstr("<failure")));
  EXPECT_THAT(undecided, HasSubstr("    inconclusive: vault_audit: reads_own_secret — 2 reads of"));
  EXPECT_THAT(testcase(xml, "unknown kid triggers one JWKS refresh, then 401"), HasSubstr("type=\"error\">"));
}

TEST(Junit, OutputListsWhatEveryStepChecked) {
  const std::string xml = junit_xml(testing::sample_report());
  const std::string passed = testcase(xml, "alice and bob each reach Jira with their own token");
  EXPECT_THAT(passed, HasSubstr("\nsteps:\n  1: alice calls jira.get_issue (jira-mcp, HTTP 200, 0.014 s)\n"
                                "    held: ok: true — HTTP 200, ok: "));
  EXPECT_THAT(passed, HasSubstr("    held: backend_credential_of: alice — the ledger entry GET /rest/api/2/issue/DEMO-1 "
                                "→ 200 carries alice&#39;s credential ****a1b2\n"));
  const std::string burst = testcase(xml, "a burst beyond the limit gets 429 with Retry-After, others are unaffected");
  EXPECT_THAT(burst, HasSubstr("    40 calls: 20 \u00d7 200, 20 \u00d7 429; Retry-After: 1\n"));
}

TEST(Junit, WritesToStreamsAndFiles) {
  const RunReport report = mixed_report();
  std::ostringstream stream;
  write_junit(report, stream);
  EXPECT_EQ(stream.str(), junit_xml(report));

  proc::TempDir dir("mcph-reports-test");
  const auto path = dir.path() / "junit.xml";
  write_junit_file(report, path);
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), junit_xml(report));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "no temporary file left";

  const auto missing = dir.path() / "no-such-dir" / "junit.xml";
  try {
    write_junit_file(report, missing);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr(missing.string()));
  }
}

}  // namespace
}  // namespace mcph::reports

namespace mcph::reports {
namespace {

// Random text built from the pieces that matter to escaping and scrubbing: markup characters,
// forbidden bytes, broken UTF-8, secret-looking fragments.
std::string random_text(std::mt19937& random) {
  static const std::vector<std::string> kPieces = {
      "<", ">", "&", "\"", "'", "]]>", "<!--", "&amp;", "&#0;", "\x01", "\x1f", "\x7f", "\r", "\n", "\t",
      "\xC3", "\xA9", "\xED\xA0\x80", "\xEF\xBF\xBF", "é", "日", "😀", "\xFF", std::string(1, '\0'),
      "eyJhbGciOiJub25lIn0", ".", "password", "=", ":", " ", "hvs.", "abcdefghijklmnopqrstuvwxyz0123",
      "Bearer ", "://u:", "@h/", "{{suites}}", "****", "alice", "ghp_", "\\\"", "}", "[[ATTACHMENT|"};
  std::string text;
  const int pieces = std::uniform_int_distribution<int>(0, 30)(random);
  for (int i = 0; i < pieces; ++i) text += kPieces[random() % kPieces.size()];
  return text;
}

TEST(Writers, RandomHostileModelsAlwaysGiveWellFormedOutput) {
  std::mt19937 random(20250501);
  for (int round = 0; round < 300; ++round) {
    RunReport report;
    report.title = random_text(random);
    report.started_at = random_text(random);
    report.stack_mode = random_text(random);
    report.stack_file = random_text(random);
    SuiteResult suite;
    suite.file = random_text(random);
    suite.name = random_text(random);
    suite.family = random_text(random);
    for (int s = 0; s < 3; ++s) {
      ScenarioResult scenario;
      scenario.name = random_text(random);
      scenario.description = random_text(random);
      scenario.family = random_text(random);
      scenario.status = static_cast<ScenarioResult::Status>(random() % 4);
      scenario.message = random_text(random);
      scenario.failures = {{random_text(random), random_text(random), random_text(random)}};
      scenario.flows = {{random_text(random), {{random_text(random), random_text(random)}}}};
      scenario.trace_file = random_text(random);
      suite.scenarios.push_back(scenario);
    }
    report.suites.push_back(suite);

    const std::string xml = junit_xml(report);
    ASSERT_EQ(testing::well_formedness_problem(xml), "") << "round " << round << "\n" << xml;
    const std::string html = html_report(report);
    ASSERT_EQ(testing::well_formedness_problem(html), "") << "round " << round;
    ASSERT_EQ(text::count_of(html, "<script"), 1u) << "round " << round;
    if (round % 30 == 0 && testing::have_xmllint()) {  // a real parser too, on a sample of rounds
      ASSERT_EQ(testing::xmllint(xml, {"--noout", "--schema", MCPH_JUNIT_XSD_PATH}).exit_code, 0) << xml;
      ASSERT_EQ(testing::xmllint(html, {"--noout"}).exit_code, 0) << "round " << round;
    }
  }
}

TEST(Writers, ScrubbingIsIdempotentOnRandomText) {
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    const std::string text = random_text(random);
    const std::string once = secrets::scrub(text);
    ASSERT_EQ(secrets::scrub(once), once) << "input: " << text;
  }
}

}  // namespace
}  // namespace mcph::reports
