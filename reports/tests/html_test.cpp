#include "mcph/reports/html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "mcph/proc/temp_dir.h"
#include "mcph/text/count.h"
#include "sample_report.h"
#include "xml_check.h"

namespace mcph::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Status = ScenarioResult::Status;

// What a Content-Security-Policy hash source holds: base64 of the SHA-256 of the script's text.
std::string sha256_base64(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(length));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

// Text as the page writes it (the sample's names have apostrophes).
std::string escaped(std::string text) {
  for (std::size_t at = text.find('\''); at != std::string::npos; at = text.find('\'', at + 5)) text.replace(at, 1, "&#39;");
  return text;
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
  EXPECT_THAT(html, HasSubstr("<p class=\"verdict\">4 of 12 scenarios failed or broke</p>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">12</span><span class=\"stat-label\">scenarios</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">7</span><span class=\"stat-label\">passed</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">2</span><span class=\"stat-label\">failed</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">2</span><span class=\"stat-label\">errors</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"stat-value\">1</span><span class=\"stat-label\">skipped</span>"));
  EXPECT_THAT(html, HasSubstr("<time datetime=\"2025-05-01T12:00:00Z\">2025-05-01 12:00:00 UTC</time>"));
  EXPECT_THAT(html, HasSubstr("<dt>Duration</dt><dd>14.25 s</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>Stack mode</dt><dd>local</dd>"));
  EXPECT_THAT(html, HasSubstr("<code>/tmp/mcph-run-41x9/stack.json</code>"));
}

TEST(Html, SaysWhichIdentityProviderTheStackUsed) {
  RunReport report = testing::sample_report();
  EXPECT_THAT(html_report(report), Not(HasSubstr("Identity provider")));  // a report that does not know
  report.stack_idp = "cognito";
  EXPECT_THAT(html_report(report), HasSubstr("<dt>Identity provider</dt><dd>cognito</dd>"));
}

TEST(Html, SaysTheRunsSeedAndWhetherItShuffled) {
  RunReport report = testing::sample_report();
  EXPECT_THAT(html_report(report), Not(HasSubstr("<dt>Seed</dt>")));
  report.seed = "42";
  EXPECT_THAT(html_report(report), HasSubstr("<dt>Seed</dt><dd><code>42</code></dd>"));
  report.shuffled = true;
  EXPECT_THAT(html_report(report), HasSubstr("<dt>Seed</dt><dd><code>42</code> (scenarios shuffled)</dd>"));
}

TEST(Html, ShowsEveryScenarioAndWhatFailed) {
  const RunReport report = testing::sample_report();
  const std::string html = html_report(report);
  for (const SuiteResult& suite : report.suites) {
    EXPECT_THAT(html, HasSubstr("<code class=\"suite-file\">" + suite.file + "</code>"));
    for (const ScenarioResult& scenario : suite.scenarios) {
      EXPECT_EQ(text::count_of(html, "<span class=\"scenario-name\">" + escaped(scenario.name) + "</span>"), 1u)
          << scenario.name;
    }
  }
  // A failed check, in its step, with what happened instead.
  EXPECT_THAT(html, HasSubstr("<li class=\"check check-failed\"><span class=\"check-mark\" aria-hidden=\"true\">\u2717"
                              "</span><span class=\"check-text\"><span class=\"check-line\"><span class=\"check-verdict\">"
                              "failed</span><code class=\"expectation\">backend_credential_of: bob (token ****c3d4)</code>"
                              "</span><span class=\"seen\">got credential ****a1b2 (alice) reached mock-github GET "
                              "/user/repos</span></span></li>"));
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

TEST(Html, ShowsTheFailuresTableOfAResultWithoutSteps) {
  RunReport report;
  SuiteResult suite;
  ScenarioResult failed;
  failed.name = "recorded without steps";
  failed.status = Status::failed;
  failed.failures = {{"3: bob calls github.list_repos", "backend_credential_of: bob", "credential of alice"}};
  suite.scenarios.push_back(failed);
  report.suites.push_back(suite);
  EXPECT_THAT(html_report(report), HasSubstr("<td class=\"col-step\" data-label=\"Step\">3: bob calls github.list_repos"
                                             "</td><td data-label=\"Expected\"><pre class=\"expected\">"
                                             "backend_credential_of: bob</pre></td><td data-label=\"Actual\">"
                                             "<pre class=\"actual\">credential of alice</pre></td>"));
}

// The part of the page from `from` to the next `to`.
std::string slice(const std::string& html, const std::string& from, const std::string& to) {
  const std::size_t start = html.find(from);
  if (start == std::string::npos) return "";
  return html.substr(start, html.find(to, start) - start);
}

TEST(Html, PassingStepsShowWhatTheyAsserted) {
  const std::string html = html_report(testing::sample_report());
  const std::string passed = slice(html, "id=\"sc-1-1\"", "</details>");
  ASSERT_FALSE(passed.empty());
  EXPECT_THAT(passed, HasSubstr("<li class=\"step step-held\" id=\"sc-1-1-s1\"><div class=\"step-head\">"
                                "<span class=\"step-title\">1: alice calls jira.get_issue</span><span class=\"step-meta\">"
                                "<span class=\"step-server\">jira-mcp</span><span class=\"step-http\">HTTP 200"
                                "</span><span class=\"step-time\">14 ms</span></span></div>"));
  EXPECT_THAT(passed, HasSubstr("<li class=\"check check-held\"><span class=\"check-mark\" aria-hidden=\"true\">\u2713"
                                "</span><span class=\"check-text\"><span class=\"check-line\"><span class=\"check-verdict\">"
                                "held</span><code class=\"expectation\">backend_credential_of: alice</code></span><span "
                                "class=\"seen\">the ledger entry GET /rest/api/2/issue/DEMO-1 → 200 carries alice&#39;s "
                                "credential ****a1b2</span></span></li>"));
  EXPECT_THAT(passed, HasSubstr("<code class=\"expectation\">vault_audit: own_paths_only</code>"));
  EXPECT_EQ(text::count_of(passed, "<li class=\"check check-held\">"), 6u);
  EXPECT_THAT(passed, Not(HasSubstr("check-failed")));
}

TEST(Html, BurstShowsEachStatusWithThe429sAndRetryAfter) {
  const std::string html = html_report(testing::sample_report());
  const std::string burst = slice(html, "<div class=\"burst\">", "<ul class=\"checks\">");
  ASSERT_FALSE(burst.empty());
  EXPECT_THAT(burst, HasSubstr("aria-label=\"40 calls: 20 \u00d7 200, 20 \u00d7 429\""));
  EXPECT_THAT(burst, HasSubstr("<span class=\"burst-run status-2xx\" style=\"flex-grow: 20\" title=\"calls 1\u201320: "
                               "200\"></span><span class=\"burst-run status-429\" style=\"flex-grow: 20\" "
                               "title=\"calls 21\u201340: 429\"></span>"));
  EXPECT_THAT(burst, HasSubstr("<span class=\"status-count status-429\">20 \u00d7 429</span>"));
  EXPECT_THAT(burst, HasSubstr("<span class=\"retry-after\">Retry-After: 1 s</span>"));
}

TEST(Html, ChartsEachScenariosStepsAsInlineSvg) {
  const RunReport report = testing::sample_report();
  const std::string html = html_report(report);
  std::size_t scenarios_with_steps = 0, steps = 0;
  for (const SuiteResult& suite : report.suites) {
    for (const ScenarioResult& scenario : suite.scenarios) {
      scenarios_with_steps += scenario.steps.empty() ? 0 : 1;
      steps += scenario.steps.size();
    }
  }
  EXPECT_EQ(text::count_of(html, "<svg class=\"chart latency-chart\""), scenarios_with_steps);
  EXPECT_EQ(text::count_of(html, "<g class=\"step-mark "), steps);
  // The burst's chart: its 4 steps, the wait the longest bar, each with its time written out.
  const std::string chart = slice(html, "aria-label=\"Time per step of a burst beyond the limit", "</svg>");
  ASSERT_FALSE(chart.empty());
  EXPECT_EQ(text::count_of(chart, "<g class=\"step-mark "), 4u);
  EXPECT_THAT(chart, HasSubstr("<title>3: wait 1.20 s: 1.20 s</title>"));
  EXPECT_THAT(chart, HasSubstr(">118 ms</text>"));
  EXPECT_THAT(chart, HasSubstr("<g class=\"step-mark mark-none\">"));
  // The load step's percentiles per concurrency level, and the numbers in a table.
  EXPECT_EQ(text::count_of(html, "<g class=\"load-mark\">"), 4u);
  EXPECT_THAT(html, HasSubstr("<tr><td>128</td><td>40000</td><td class=\"load-failed\">11</td><td>6900</td>"
                              "<td>18 ms</td><td>33 ms</td><td>61 ms</td><td>410 ms</td></tr>"));
}

TEST(Html, InconclusiveIsNeverShownAsPassed) {
  const std::string html = html_report(testing::sample_report());
  const std::string scenario = slice(html, "id=\"sc-1-4\"", "</details>");
  ASSERT_FALSE(scenario.empty());
  EXPECT_THAT(scenario, HasSubstr("<span class=\"pill pill-inconclusive\">inconclusive</span>"));
  EXPECT_THAT(scenario, HasSubstr("<li class=\"step step-inconclusive\""));
  EXPECT_THAT(scenario, HasSubstr("<li class=\"check check-inconclusive\"><span class=\"check-mark\" "
                                  "aria-hidden=\"true\">?</span><span class=\"check-text\"><span class=\"check-line\">"
                                  "<span class=\"check-verdict\">inconclusive</span><code class=\"expectation\">"
                                  "vault_audit: reads_own_secret</code><span class=\"where\">isolation.yaml:21</span>"
                                  "</span><span class=\"seen\">cannot tell: 2 reads"));
  EXPECT_THAT(html, HasSubstr("<details class=\"scenario status-error is-inconclusive\" id=\"sc-1-4\""));
  EXPECT_THAT(scenario, HasSubstr("<p class=\"message message-inconclusive\">inconclusive: "));
  EXPECT_THAT(scenario, Not(HasSubstr("is-ok")));
  EXPECT_THAT(scenario, HasSubstr("open=\"open\""));
  // Listed with the problems at the top, as inconclusive.
  EXPECT_THAT(slice(html, "<section class=\"attention\">", "</section>"),
              HasSubstr("<li><span class=\"pill pill-inconclusive\">inconclusive</span><div class=\"attention-text\">"
                        "<a href=\"#sc-1-4\">alice&#39;s Jira call reads only alice&#39;s secret in Vault</a> "
                        "<span class=\"attention-where\">isolation</span><p class=\"attention-problem\">1: alice "
                        "calls jira.list_issues: vault_audit"));
}

TEST(Html, FindingsTablePerServer) {
  const std::string html = html_report(testing::sample_report());
  const std::string findings = slice(html, "<section class=\"findings\"", "</section>");
  ASSERT_FALSE(findings.empty());
  EXPECT_LT(html.find("<section class=\"findings\""), html.find("<section class=\"suite"));
  EXPECT_EQ(text::count_of(findings, "<table class=\"findings-table\""), 2u);
  // Servers in name order, each with its rows: property, scenario (linked), step (linked), evidence.
  EXPECT_LT(findings.find("data-server=\"demo-jira-mcp\""), findings.find("data-server=\"github-mcp\""));
  EXPECT_THAT(findings, HasSubstr("<tr><td class=\"finding-property\" data-label=\"Property broken\">trusts an "
                                  "unverified claim</td><td data-label=\"Scenario\"><a href=\"#sc-2-4\">a token naming "
                                  "bob in preferred_username does not reach bob&#39;s secrets</a></td><td "
                                  "class=\"finding-step\" data-label=\"Step\"><a href=\"#sc-2-4-s2\">2: alice calls "
                                  "demo-jira.get_issue</a></td><td data-label=\"Evidence\"><pre class=\"evidence\">"
                                  "http_status: 401; got HTTP 200"));
  // Each row ends with the finding's rule and its taxonomy tags.
  EXPECT_THAT(findings, HasSubstr("<td class=\"finding-taxonomy\" data-label=\"Taxonomy\">MCPH303 · OWASP "
                                  "MCP07:2025 · CWE-345</td></tr>"));
  EXPECT_THAT(findings, HasSubstr(">answers with the wrong error status</td>"));
  EXPECT_THAT(findings, HasSubstr(">reuses another user&#39;s cached credential</td>"));
  EXPECT_EQ(text::count_of(findings, "<tr><td class=\"finding-property\""), 3u);
  // The step the finding names exists in the page.
  EXPECT_THAT(html, HasSubstr("id=\"sc-2-4-s2\""));
}

// A property broken in many scenarios is one property: the count says how many distinct ones, and
// how many findings and scenarios show them.
TEST(Html, TheFindingsCountDistinctPropertiesBesideFindingsAndScenarios) {
  RunReport report = testing::sample_report();
  ScenarioResult again = report.suites.at(1).scenarios.at(3);
  again.name = "the same claim, through another tool";
  report.suites.at(1).scenarios.push_back(again);
  const std::string findings = slice(html_report(report), "<section class=\"findings\"", "</section>");
  EXPECT_THAT(findings, HasSubstr("<h2>Findings <span class=\"h3-note\">3 properties broken (5 findings in 3 scenarios) "
                                  "on 2 servers</span></h2>"));
  EXPECT_THAT(findings, HasSubstr("demo-jira-mcp</span> <span class=\"h3-note\">2 properties, 4 findings</span>"));
}

TEST(Html, ABoundedFindingShowsItsBoundAndNoFailure) {
  const std::string html = html_report(testing::sample_report_with_a_bounded_finding());
  const std::string findings = slice(html, "<section class=\"findings\"", "</section>");
  EXPECT_THAT(findings, HasSubstr("<tr class=\"finding-bounded\"><td class=\"finding-property\" data-label=\"Property "
                                  "broken\">accepts a token it must refuse<span class=\"finding-bound\">within its bound: "
                                  "until the token&#39;s exp: at most 300 s"));
  EXPECT_THAT(html, HasSubstr("<li class=\"finding-bounded\"><span class=\"finding-label\">Bounded finding</span>"));
  EXPECT_THAT(html, HasSubstr("class=\"check check-bounded\""));
  expect_well_formed(html);
}

TEST(Html, NoFindingsNoFindingsSection) {
  RunReport report = testing::sample_report();
  for (SuiteResult& suite : report.suites) {
    for (ScenarioResult& scenario : suite.scenarios) scenario.findings.clear();
  }
  EXPECT_THAT(html_report(report), Not(HasSubstr("class=\"findings\"")));
}

TEST(Html, TheOnlyFailuresFilterSaysSoOnAGreenRun) {
  RunReport report;
  SuiteResult suite;
  ScenarioResult passed;
  passed.name = "initialize";
  suite.scenarios = {passed, passed};
  report.suites.push_back(suite);
  EXPECT_THAT(html_report(report), HasSubstr("<p class=\"only-problems-empty\" role=\"status\">No failures or errors "
                                             "in this run: 2 scenarios passed.</p>"));
  // A run with problems has them to show instead.
  EXPECT_THAT(html_report(testing::sample_report()), Not(HasSubstr("<p class=\"only-problems-empty\"")));
}

TEST(Html, TraceLinksAreRelativeToThePage) {
  RunReport report = testing::sample_report();
  proc::TempDir dir("mcph-reports-test");
  ScenarioResult& scenario = report.suites[0].scenarios[0];
  scenario.trace_file = (dir.path() / "traces" / "isolation.alice and bob.trace.json").string();
  const std::string beside = html_report(report, dir.path());
  EXPECT_THAT(beside, HasSubstr("<a class=\"trace-link\" href=\"traces/isolation.alice%20and%20bob.trace.json\">"));
  const std::string below = html_report(report, dir.path() / "reports" / "html");
  EXPECT_THAT(below, HasSubstr("href=\"../../traces/isolation.alice%20and%20bob.trace.json\""));
  // Without the page's folder: the path as written, as a file: URL when absolute.
  EXPECT_THAT(html_report(report), HasSubstr("href=\"file://" + dir.path().generic_string()));
}

TEST(Html, ForbidsLoadingAnythingAndAllowsOnlyItsOwnScript) {
  const std::string html = html_report(testing::sample_report());
  const std::string policy = slice(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\" />");
  ASSERT_FALSE(policy.empty());
  EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(policy, Not(HasSubstr("script-src 'unsafe-inline'")));
  // The script is allowed by its hash, which must be the hash of the script as the page has it.
  const std::size_t open = html.find("<script>") + 8;
  const std::string script = html.substr(open, html.find("</script>") - open);
  EXPECT_THAT(policy, HasSubstr("script-src 'sha256-" + sha256_base64(script) + "'"));
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
  EXPECT_EQ(text::count_of(html, "<script"), 1u) << "only the page's own script";
  EXPECT_THAT(html, HasSubstr("<title>&lt;script&gt;alert(document.cookie)&lt;/script&gt;</title>"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; {{suites}}"));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(html, Not(HasSubstr("<u>")));
  EXPECT_THAT(html, Not(HasSubstr("<b>suite")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));
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
  EXPECT_EQ(text::count_of(html, "<table class=\"load-table\">"), 1u) << "only the step that made a load";
  EXPECT_THAT(html, HasSubstr("<th>Concurrency</th><th>Server</th>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>16</td><td>jira-mcp</td><td>1000</td><td>0</td><td>812</td>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"load-all\"><td>16</td><td>all servers</td><td>3000</td>"
                              "<td class=\"load-failed\">2</td><td>2400</td>"));
  // The chart shows the levels for all servers together: one group here.
  EXPECT_EQ(text::count_of(html, "<g class=\"load-mark\">"), 1u);
  expect_well_formed(html);
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
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), html_report(report, dir.path()));
  EXPECT_THROW(write_html_file(report, dir.path() / "missing" / "report.html"), std::runtime_error);
}

}  // namespace
}  // namespace mcph::reports
