#include "../src/findings.h"

#include <gtest/gtest.h>

namespace mcph::harness {
namespace {

using Verdict = reports::Check::Verdict;

reports::StepRecord step_with(std::vector<reports::Check> checks, int status) {
  reports::StepRecord step;
  step.title = "1: anonymous posts to jira-mcp";
  step.server = "jira-mcp";
  step.http_status = status;
  step.checks = std::move(checks);
  return step;
}

TEST(FindingsTest, AFailedStatusExpectationReadsAsWhatCameWhereWhatIsDue) {
  const auto finding = finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 500: Internal Server Error", "a.yaml:3"},
                                             {"ok: false", Verdict::held, "HTTP 500", ""}},
                                            500),
                                  "500 where 401 is due");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->server, "jira-mcp");
  EXPECT_EQ(finding->property, "500 where 401 is due");
  EXPECT_EQ(finding->step, "1: anonymous posts to jira-mcp");
  EXPECT_EQ(finding->evidence, "500 where 401 is due");  // the held check is no evidence
}

TEST(FindingsTest, OtherFailuresGiveTheExpectationAndWhatHappened) {
  const auto finding = finding_of(step_with({{"backend_credential_of: bob", Verdict::failed, "GET /x with alice's credential", ""},
                                             {"http_status: 200", Verdict::failed, "no HTTP answer", ""}},
                                            0),
                                  "trusts an unverified claim");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->evidence, "backend_credential_of: bob — GET /x with alice's credential; no HTTP answer where 200 is due");
}

TEST(FindingsTest, NoFindingWithoutAFailureOrWithoutAProperty) {
  EXPECT_FALSE(finding_of(step_with({{"ok: true", Verdict::held, "ok", ""}}, 200), "no per-subject rate limit"));
  EXPECT_FALSE(finding_of(step_with({{"ok: true", Verdict::inconclusive, "others in the window", ""}}, 200), "x"));
  EXPECT_FALSE(finding_of(step_with({{"ok: true", Verdict::failed, "HTTP 500", ""}}, 500), ""));
}

}  // namespace
}  // namespace mcph::harness
