// The corpus (corpus/README.md): servers the project did not design, each variant run against
// the suites its corpus.json names through an external stack file beside a local stand-in
// stack. A variant passes when the harness reports exactly the findings of its expected file:
// any other finding is a false positive, printed with its evidence; an expected one not
// reported is missing; a scenario the server's corpus.json says must run that was skipped or
// ended without a verdict fails it too. A runtime not installed fails, naming the command.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "corpus/corpus_run.h"
#include "corpus/corpus_server.h"
#include "corpus/corpus_verdict.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/stack_params.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "sabotage_verdicts.h"

namespace mcph::harness::scenario::corpus {
namespace {

using Status = reports::ScenarioResult::Status;

struct Case {
  std::string server, variant;
};
void PrintTo(const Case& c, std::ostream* out) { *out << c.server << " " << c.variant; }

std::vector<Case> corpus_cases() {
  std::vector<Case> cases;
  for (const auto& server : find_corpus_servers(MCPH_CORPUS_DIR)) {
    for (const auto& [variant, argv] : server.variants) cases.push_back({server.name, variant});
  }
  return cases;
}

class Corpus : public ::testing::TestWithParam<Case> {};

TEST_P(Corpus, ReportsExactlyTheExpectedFindings) {
  const CorpusServer server = find_corpus_server(MCPH_CORPUS_DIR, GetParam().server);
  const auto expected = server.expected(GetParam().variant);
  stack::SupervisedStackOptions options;
  options.stack = corpus_stack_params(server);
  const auto local = stack::SupervisedStack::start(options);
  CorpusRun run(server, GetParam().variant, local->stack(), MCPH_CORPUS_DIR);
  scenario::ScenarioRunner runner(run.stack_file());
  const auto outcomes = run_suites(runner, server.suites);
  const CorpusVerdict verdict = judge(outcomes, expected, server.must_run, server.not_addressable);
  std::cout << "corpus/" << server.name << " " << GetParam().variant << ":\n" << verdict.summary();
  EXPECT_EQ(verdict.false_positives.size(), 0u) << "false positives: the summary above lists them with their evidence";
  EXPECT_EQ(verdict.missing.size(), 0u) << "expected findings not reported: the summary above lists them";
  EXPECT_EQ(verdict.not_run.size(), 0u) << "must-run scenarios skipped or undecided: the summary above lists them";
  EXPECT_EQ(verdict.addressable_now.size(), 0u) << "not_addressable scenarios that now reach a verdict: move them to must_run";
}

INSTANTIATE_TEST_SUITE_P(Servers, Corpus, ::testing::ValuesIn(corpus_cases()), [](const auto& info) {
  std::string name = info.param.server + "_" + info.param.variant;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

// The stand-in stack a server's corpus.json asks for: the suites' own unless its "stack" says
// otherwise; a value the stack cannot take is an error naming it, never a silent default.
CorpusServer server_with(const nlohmann::json& spec) {
  CorpusServer server;
  server.name = "a-server";
  server.spec = spec;
  return server;
}

TEST(CorpusStack, TheSuitesOwnStackUnlessTheServerNamesAnother) {
  const stack::StackParams suites = corpus_stack_params(server_with({{"runtime", "python"}}));
  EXPECT_EQ(suites.idp, idp::IdentityProviderKind::keycloak);
  EXPECT_EQ(suites.generated_users, stack::scenario_suite_params().generated_users);
  const stack::StackParams cognito = corpus_stack_params(server_with({{"stack", {{"idp", "cognito"}, {"generated_users", 2}}}}));
  EXPECT_EQ(cognito.idp, idp::IdentityProviderKind::cognito);
  EXPECT_EQ(cognito.generated_users, 2);
  EXPECT_EQ(cognito.rate_limit.requests, stack::scenario_suite_params().rate_limit.requests);
}

TEST(CorpusStack, AValueTheStackCannotTakeIsAnErrorNamingIt) {
  const auto error = [](const nlohmann::json& stack) {
    try {
      corpus_stack_params(server_with({{"stack", stack}}));
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_THAT(error({{"idp", "okta"}}), ::testing::HasSubstr("a-server/corpus.json: stack.idp must be keycloak, cognito or oidc"));
  EXPECT_THAT(error({{"users", 2}}), ::testing::HasSubstr("no key users"));
  EXPECT_THAT(error({{"generated_users", -1}}), ::testing::HasSubstr("no key generated_users of that type"));
}

// The judgement itself, without a stack: each way a variant can go wrong is seen.
scenario::Outcome outcome(const std::string& scenario, Status status, const std::string& property = "") {
  Outcome out{"suite", scenario, status, status == Status::skipped ? "does not apply" : "", {}, {}};
  if (!property.empty()) out.findings.push_back({"server", property, property, "1: a step", "evidence", "", {}, {}});
  return out;
}

TEST(CorpusVerdict, ExactlyTheExpectedFindingsIsClean) {
  const auto verdict = judge({outcome("a", Status::failed, "p"), outcome("b", Status::passed)},
                             {{"p", "suite / a", "a real defect", ""}}, {"suite / a", "suite / b"});
  EXPECT_TRUE(verdict.clean()) << verdict.summary();
  EXPECT_EQ(verdict.found.size(), 1u);
}

TEST(CorpusVerdict, AFindingNotExpectedIsAFalsePositive) {
  const auto verdict = judge({outcome("a", Status::failed, "p"), outcome("b", Status::failed, "p")},
                             {{"p", "suite / a", "a real defect", ""}}, {});
  ASSERT_EQ(verdict.false_positives.size(), 1u) << verdict.summary();
  EXPECT_NE(verdict.false_positives[0].find("suite / b: p on server"), std::string::npos);
  EXPECT_NE(verdict.false_positives[0].find("evidence"), std::string::npos);
}

TEST(CorpusVerdict, TheRightScenarioWithAnotherPropertyIsBoth) {
  const auto verdict = judge({outcome("a", Status::failed, "q")}, {{"p", "suite / a", "a real defect", ""}}, {});
  EXPECT_EQ(verdict.false_positives.size(), 1u) << verdict.summary();
  EXPECT_EQ(verdict.missing.size(), 1u) << verdict.summary();
}

TEST(CorpusVerdict, TheRightPropertyAtAnotherStepIsNotTheExpectedFinding) {
  // A control step that failed names the scenario's property too: it is not the defect.
  const auto verdict = judge({outcome("a", Status::failed, "p")}, {{"p", "suite / a", "a real defect", "aud names another"}}, {});
  EXPECT_EQ(verdict.false_positives.size(), 1u) << verdict.summary();
  ASSERT_EQ(verdict.missing.size(), 1u) << verdict.summary();
  EXPECT_NE(verdict.missing[0].find("at the step \"aud names another\""), std::string::npos) << verdict.summary();
}

TEST(CorpusVerdict, ABoundedFindingBesideAPassCounts) {
  Outcome passed = outcome("a", Status::passed, "p");
  passed.findings[0].bound = "until the token's exp, at most 300 s";
  EXPECT_EQ(judge({passed}, {}, {}).false_positives.size(), 1u);
  EXPECT_TRUE(judge({passed}, {{"p", "suite / a", "a real defect", ""}}, {}).clean());
}

TEST(CorpusVerdict, AFailureWithoutAFindingIsAFalsePositive) {
  const auto verdict = judge({outcome("a", Status::failed)}, {}, {});
  EXPECT_EQ(verdict.false_positives.size(), 1u) << verdict.summary();
}

TEST(CorpusVerdict, AnExpectedFindingOnASkippedScenarioIsMissing) {
  const auto verdict = judge({outcome("a", Status::skipped)}, {{"p", "suite / a", "a real defect", ""}}, {});
  EXPECT_EQ(verdict.missing.size(), 1u) << verdict.summary();
  EXPECT_EQ(verdict.undecided.size(), 1u) << verdict.summary();
}

TEST(CorpusVerdict, AMustRunScenarioSkippedOrInconclusiveIsNotRun) {
  Outcome inconclusive = outcome("b", Status::error);
  inconclusive.message = "inconclusive: the control failed";
  const auto verdict = judge({outcome("a", Status::skipped), inconclusive}, {}, {"suite / a", "suite / b", "suite / c"});
  ASSERT_EQ(verdict.not_run.size(), 3u) << verdict.summary();
  EXPECT_NE(verdict.not_run[0].find("does not apply"), std::string::npos);
  EXPECT_NE(verdict.not_run[1].find("the control failed"), std::string::npos);
  EXPECT_NE(verdict.not_run[2].find("no such scenario"), std::string::npos);
  EXPECT_FALSE(verdict.clean());
}

TEST(CorpusVerdict, AScenarioNotAddressableYetBlocksItsFindingsUntilItReachesAVerdict) {
  Outcome inconclusive = outcome("a", Status::error);
  inconclusive.message = "inconclusive: step 1 was not reached: 404 from POST /mcp/rpc";
  const std::map<std::string, std::string> not_addressable = {{"suite / a", "its tools have other names"}};
  const std::vector<ExpectedFinding> expected = {{"p", "suite / a", "a real defect", ""}};
  const auto blocked = judge({inconclusive}, expected, {}, not_addressable);
  EXPECT_TRUE(blocked.clean()) << blocked.summary();
  ASSERT_EQ(blocked.blocked.size(), 1u) << blocked.summary();
  EXPECT_NE(blocked.blocked[0].find("its tools have other names"), std::string::npos);

  const auto reached = judge({outcome("a", Status::failed, "p")}, expected, {}, not_addressable);
  EXPECT_FALSE(reached.clean()) << reached.summary();
  EXPECT_EQ(reached.addressable_now.size(), 1u) << reached.summary();
  EXPECT_EQ(reached.found.size(), 1u) << reached.summary();
}

}  // namespace
}  // namespace mcph::harness::scenario::corpus
