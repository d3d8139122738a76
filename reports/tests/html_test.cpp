#include "mcph/reports/html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mcph/proc/temp_dir.h"
#include "sample_report.h"
#include "xml_check.h"

namespace mcph::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Status = ScenarioResult::Status;

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// The page is kept well-formed XML (see the template), so an XML parser can check it.
void expect_well_formed(const std::string& html) {
  EXPECT_EQ(testing::well_formedness_problem(html), "");
  if (!testing::have_xmllint()) return;
  const testing::LintResult parsed = testing::xmllint(html, {"--noout", "--nonet"});
  EXPECT_EQ(parsed.exit_code, 0) << parsed.output;
}

TEST(Html, IsOneSelfContainedPage) {
  const std::string html = html_report(testing::sample_report());
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\" />"));
  EXPECT_THAT(html, HasSubstr("<style>"));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("{{")));
  expect_well_formed(html);
}

TEST(Html, SummarisesTheRun) {
  const std::string html = html_report(testing::sample_report());
  EXPECT_THAT(html, HasSubstr("<title>mcp-harness scenario run</title>"));
  EXPECT_THAT(html, HasSubstr("class=\"page-header verdict-failed\""));
  EXPECT_THAT(html, HasSubstr("<p class=\"verdict\">2 of 8 scenarios failed or broke</p>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">8</span><span class=\"stat-label\">scenarios</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">5</span><span class=\"stat-label\">passed</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">1</span><span class=\"stat-label\">failed</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">1</span><span class=\"stat-label\">error</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">1</span><span class=\"stat-label\">skipped</span>"));
  EXPECT_THAT(html, HasSubstr("<time datetime=\"2025-05-01T12:00:00Z\">2025-05-01 12:00:00 UTC</time>"));
  EXPECT_THAT(html, HasSubstr("<dt>Duration</dt><dd>14.25 s</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>Stack mode</dt><dd>local</dd>"));
  EXPECT_THAT(html, HasSubstr("<code>/tmp/mcph-run-41x9/stack.json</code>"));
}

TEST(Html, ShowsEveryScenarioAndWhatFailed) {
  const RunReport report = testing::sample_report();
  const std::string html = html_report(report);
  for (const SuiteResult& suite : report.suites) {
    EXPECT_THAT(html, HasSubstr("<code class=\"suite-file\">" + suite.file + "</code>"));
    for (const ScenarioResult& scenario : suite.scenarios) {
      EXPECT_EQ(occurrences(html, "<span class=\"scenario-name\">" + scenario.name + "</span>"), 1u) << scenario.name;
    }
  }
  EXPECT_THAT(html, HasSubstr("<td class=\"col-step\" data-label=\"Step\">3: bob calls github.list_repos</td>"
                              "<td data-label=\"Expected\"><pre class=\"expected\">backend_credential_of: bob "
                              "(token ****c3d4)</pre></td><td data-label=\"Actual\"><pre class=\"actual\">"
                              "credential ****a1b2 (alice) reached mock-github GET /user/repos</pre></td>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"message message-error\">fault proxy did not start"));
  EXPECT_THAT(html, HasSubstr("<p class=\"message message-skipped\">needs compose mode (real Keycloak sessions)</p>"));
  // Failed and broken scenarios are open, passed ones collapsed.
  EXPECT_THAT(html, HasSubstr("<details class=\"scenario status-failed\" id=\"sc-1-2\" open=\"open\">"));
  EXPECT_THAT(html, HasSubstr("<details class=\"scenario status-passed is-ok\" id=\"sc-1-1\">"));
}

TEST(Html, ListsProblemsFirst) {
  const std::string html = html_report(testing::sample_report());
  // The run's problems at the top, linking to their scenarios…
  const std::size_t attention = html.find("<section class=\"attention\">");
  ASSERT_NE(attention, std::string::npos);
  EXPECT_LT(attention, html.find("<section class=\"suite"));
  EXPECT_THAT(html, HasSubstr("<li><span class=\"pill pill-failed\">failed</span><div class=\"attention-text\">"
                              "<a href=\"#sc-1-2\">a cached Vault token is keyed on the verified subject</a> "
                              "<span class=\"attention-where\">isolation</span><p class=\"attention-problem\">"
                              "expected backend_credential_of: bob (token ****c3d4); got credential ****a1b2"));
  EXPECT_THAT(html, HasSubstr("<li><span class=\"pill pill-error\">error</span><div class=\"attention-text\">"
                              "<a href=\"#sc-2-3\">unknown kid triggers one JWKS refresh, then 401</a>"));
  // …and within a file the failed scenario comes before the passed one listed above it.
  EXPECT_LT(html.find("id=\"sc-1-2\""), html.find("id=\"sc-1-1\""));
  EXPECT_LT(html.find("id=\"sc-2-3\""), html.find("id=\"sc-2-1\""));
}

TEST(Html, ShowsEachUsersFlowStagesInOrder) {
  const std::string html = html_report(testing::sample_report());
  const std::size_t scenario = html.find("id=\"sc-1-1\"");
  ASSERT_NE(scenario, std::string::npos);
  std::size_t at = scenario;
  for (const std::string user : {"alice", "bob"}) {
    at = html.find("</span>" + user + "</h4>", at);
    ASSERT_NE(at, std::string::npos) << user;
    for (const std::string stage :
         {"Login", "JWT claims", "MCP request", "Vault login", "Vault path", "Credential", "Backend ledger"}) {
      const std::size_t next = html.find("<li><span class=\"stage\">" + stage + "</span>", at);
      ASSERT_NE(next, std::string::npos) << user << " " << stage;
      at = next;
    }
  }
  EXPECT_THAT(html, HasSubstr("<span class=\"detail\">secret/data/users/alice/jira</span>"));
}

TEST(Html, RendersHostileTextAsText) {
  RunReport report;
  report.title = "<script>alert(document.cookie)</script>";
  report.stack_mode = "\"><img src=x onerror=alert(1)>";
  SuiteResult suite;
  suite.name = "<b>suite</b>";
  suite.family = "x' onmouseover='alert(1)";
  ScenarioResult hostile;
  hostile.name = "<script>alert('name')</script> {{suites}}";
  hostile.status = Status::failed;
  hostile.failures = {{"</td></tr></table>", "<!-- comment", "]]> & <iframe src=\"javascript:alert(1)\">"}};
  hostile.flows = {{"<u>mallory</u>", {{"<h1>stage</h1>", "\x01\x02 bytes \xFF"}}}};
  hostile.trace_file = "javascript:alert(1)";
  suite.scenarios.push_back(hostile);
  report.suites.push_back(suite);

  const std::string html = html_report(report);
  EXPECT_EQ(occurrences(html, "<script"), 1u) << "only the page's own script";
  EXPECT_THAT(html, HasSubstr("<title>&lt;script&gt;alert(document.cookie)&lt;/script&gt;</title>"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; {{suites}}"));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(html, Not(HasSubstr("<u>")));
  EXPECT_THAT(html, Not(HasSubstr("<b>suite")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript")));
  EXPECT_THAT(html, HasSubstr("<span class=\"family\">x&#39; onmouseover=&#39;alert(1)</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stage\">&lt;h1&gt;stage&lt;/h1&gt;</span>"));
  EXPECT_THAT(html, HasSubstr("\xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD"));
  expect_well_formed(html);
}

TEST(Html, NeverShowsCredentialsEvenWhenTheModelHasThem) {
  const std::string jwt =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiI1ZjBjMmE2NCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
  const std::string vault_token = "hvs.CAESIJ3k9vWq2sT7y8zZpLmNoPqRsTuVwXyZ";
  RunReport report = testing::sample_report();
  ScenarioResult& leak = report.suites[0].scenarios[1];
  leak.failures[0].actual = "Authorization: Bearer " + jwt;
  leak.failures[1].expectation = "login with password=alice123";
  leak.message = "{\"password\":\"bob-Secret-123\",\"client_secret\":\"mcp-client-secret\"}";
  leak.flows[0].steps[0].detail = "access token " + jwt;
  leak.flows[0].steps[3].detail = "client token " + vault_token;
  leak.flows[0].steps[5].detail = "token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
  leak.name = "leaks " + jwt;
  report.stack_file = "postgresql://postgres:s3cr3t-pw@127.0.0.1:5432/mcp_demo";

  const std::string html = html_report(report);
  for (const std::string& secret : {jwt.substr(0, 30), std::string("c2lnbmF0dXJl"), std::string("alice123"),
                                   std::string("bob-Secret"), std::string("mcp-client-secret"),
                                   std::string("CAESIJ3k9v"), std::string("ghp_A1b2"), std::string("s3cr3t")}) {
    EXPECT_THAT(html, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(html, HasSubstr("Authorization: Bearer ****tlbg"));
  EXPECT_THAT(html, HasSubstr("client token ****wXyZ"));
}

TEST(Html, EmptyReportRenders) {
  const std::string html = html_report(RunReport{});
  EXPECT_THAT(html, HasSubstr("class=\"page-header verdict-none\""));
  EXPECT_THAT(html, HasSubstr("<p class=\"verdict\">No scenarios were run</p>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"empty\">No scenarios were run.</p>"));
  EXPECT_THAT(html, Not(HasSubstr("class=\"bar\"")));
  EXPECT_THAT(html, Not(HasSubstr("class=\"attention\"")));
  expect_well_formed(html);
}

TEST(Html, PassingRunSaysSo) {
  RunReport report;
  SuiteResult suite;
  suite.file = "scenarios/mcp-protocol.yaml";
  ScenarioResult passed;
  passed.name = "initialize";
  suite.scenarios = {passed, passed};
  ScenarioResult skipped;
  skipped.name = "compose only";
  skipped.status = Status::skipped;
  suite.scenarios.push_back(skipped);
  report.suites.push_back(suite);
  const std::string html = html_report(report);
  EXPECT_THAT(html, HasSubstr("class=\"page-header verdict-passed\""));
  EXPECT_THAT(html, HasSubstr("<p class=\"verdict\">2 scenarios passed, 1 skipped</p>"));
  EXPECT_THAT(html, Not(HasSubstr("class=\"attention\"")));
  // A scenario with nothing to show has no expander.
  EXPECT_THAT(html, HasSubstr("<div class=\"scenario status-passed is-ok\" id=\"sc-1-1\">"));
  expect_well_formed(html);
}

// A load step's latencies (family 10): a row per server and level, then all servers together;
// a level with failures marks them.
TEST(Html, ShowsALoadStepsLatenciesPerLevel) {
  RunReport report;
  SuiteResult suite;
  suite.file = "scenarios/load.yaml";
  ScenarioResult scenario;
  scenario.name = "isolation under load";
  StepRecord step;
  step.title = "1: load: 200 users, 16/64 connections, 6000 calls <&>";
  LoadLevel jira{16, 1000, 0, 812.4, 1.25, 2.5, 9.75, 31.0, "jira-mcp"};
  LoadLevel all{16, 3000, 2, 2400.0, 1.5, 3.0, 12.0, 40.0, ""};
  step.load = {jira, all};
  scenario.steps = {StepRecord{}, step};
  suite.scenarios.push_back(scenario);
  report.suites.push_back(suite);
  const std::string html = html_report(report);
  EXPECT_EQ(occurrences(html, "<h3>Latency under load</h3>"), 1u) << "only the step that made a load";
  EXPECT_THAT(html, HasSubstr("<p class=\"load-step\">1: load: 200 users, 16/64 connections, 6000 calls &lt;&amp;&gt;</p>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>16</td><td>jira-mcp</td><td>1000</td><td>0</td><td>812</td><td>1.2</td><td>2.5</td>"
                              "<td>9.8</td><td>31.0</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"load-all\"><td>16</td><td>all servers</td><td>3000</td>"
                              "<td class=\"load-failed\">2</td><td>2400</td>"));
  expect_well_formed(html);
  EXPECT_THAT(html_report(testing::sample_report()), Not(HasSubstr("Latency under load")));
}

TEST(Html, WritesToStreamsAndFiles) {
  const RunReport report = testing::sample_report();
  std::ostringstream stream;
  write_html(report, stream);
  EXPECT_EQ(stream.str(), html_report(report));

  proc::TempDir dir("mcph-reports-test");
  const auto path = dir.path() / "report.html";
  write_html_file(report, path);
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), html_report(report));
  EXPECT_THROW(write_html_file(report, dir.path() / "missing" / "report.html"), std::runtime_error);
}

}  // namespace
}  // namespace mcph::reports
