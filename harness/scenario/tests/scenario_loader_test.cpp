// The scenario file format: what loads, and that every mistake names file, line and field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/scenario_loader.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

const char* const good = R"(suite: isolation
family: isolation
description: each user reaches the backends with their own credentials
scenarios:
  - name: alice reads an issue
    steps:
      - as: alice
        call: jira.get_issue
        args: {issue_key: DEMO-1, limit: 5, exact: true, note: "007"}
        expect:
          ok: true
          backend_credential_of: alice
          vault_audit: own_paths_only
          header_contains: {Content-Type: json}
        save: {issue: /key}
      - wait: 250ms
      - token: tamper
        as: alice
        name: forged
        claims: {sub: "${bob.id}"}
      - http: {server: jira-mcp, method: POST, json: {jsonrpc: "2.0", id: 1, method: ping}}
        with_token: forged
        expect: {http_status: 401}
      - vault: whoami
        as: bob
        expect: {entity_name: bob}
      - vault: {path: secret/data/users/bob/jira}
        as: alice
        expect: {http_status: 403}
      - sql: SELECT 1
        expect: {value: "1", rows: 1}
      - as: user0001
        call: github.list_repos
        repeat: 30
        expect: {some_http_status: 429, retry_after: true, accepted_calls_at_least: 1}
)";

ScenarioError loader_error(const std::string& text) {
  try {
    parse_scenario_file(text, "scenarios/x.yaml");
  } catch (const ScenarioError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return ScenarioError("");
}

TEST(ScenarioLoader, ReadsEveryKindOfStepWithItsLine) {
  const ScenarioFile file = parse_scenario_file(good, "scenarios/isolation.yaml");
  EXPECT_EQ(file.suite, "isolation");
  EXPECT_EQ(file.family, "isolation");
  ASSERT_EQ(file.scenarios.size(), 1u);
  const auto& steps = file.scenarios[0].steps;
  ASSERT_EQ(steps.size(), 8u);

  EXPECT_EQ(steps[0].kind(), StepKind::call);
  EXPECT_EQ(steps[0].where.line, 7);
  EXPECT_EQ(steps[0].get<CallStep>().server, "jira");
  EXPECT_EQ(steps[0].get<CallStep>().tool, "get_issue");
  // Plain scalars become numbers and booleans, quoted ones stay text.
  EXPECT_EQ(Json::parse(steps[0].get<CallStep>().args), Json::parse(R"({"issue_key":"DEMO-1","limit":5,"exact":true,"note":"007"})"));
  ASSERT_EQ(steps[0].expect.size(), 4u);
  EXPECT_EQ(steps[0].expect[0].kind, "ok");
  EXPECT_EQ(steps[0].expect[0].value, "true");
  EXPECT_EQ(steps[0].expect[0].where.to_string(), "scenarios/isolation.yaml:11");
  EXPECT_EQ(steps[0].save.at("issue"), "/key");

  EXPECT_EQ(steps[1].kind(), StepKind::wait);
  EXPECT_DOUBLE_EQ(steps[1].get<WaitStep>().seconds, 0.25);
  EXPECT_EQ(steps[2].get<TokenStep>().action, TokenAction::tamper);
  EXPECT_EQ(steps[2].token_name, "forged");
  EXPECT_EQ(Json::parse(steps[2].get<TokenStep>().claims)["sub"], "${bob.id}");
  EXPECT_EQ(steps[3].kind(), StepKind::http);
  EXPECT_EQ(steps[3].token_name, "forged");
  EXPECT_EQ(Json::parse(*steps[3].get<HttpStep>().body)["method"], "ping");
  EXPECT_TRUE(steps[4].get<VaultStep>().whoami);
  EXPECT_EQ(steps[5].get<VaultStep>().path, "secret/data/users/bob/jira");
  EXPECT_EQ(steps[5].get<VaultStep>().method, "GET");
  EXPECT_EQ(steps[6].get<SqlStep>().query, "SELECT 1");
  EXPECT_EQ(steps[7].get<CallStep>().repeat, 30);
}

TEST(ScenarioLoader, ReadsWhatAFileNeedsFromItsStack) {
  const std::string text = std::string("needs:\n  generated_users: 5\n  rate_limit: {requests: 20, window_ms: 1000}\n") +
                           "scenarios:\n  - name: a\n    steps:\n      - wait: 1s\n";
  const ScenarioFile file = parse_scenario_file(text, "scenarios/rate.yaml");
  EXPECT_EQ(file.needs.generated_users, 5);
  EXPECT_EQ(file.needs.rate_limit, 20);
  EXPECT_EQ(file.needs.rate_window_ms, 1000);
  EXPECT_EQ(file.needs.where.to_string(), "scenarios/rate.yaml:2");
  // Without `needs:` a file needs nothing.
  EXPECT_EQ(parse_scenario_file(good, "x.yaml").needs.generated_users, 0);
  EXPECT_EQ(parse_scenario_file(good, "x.yaml").needs.rate_limit, 0);
}

TEST(ScenarioLoader, MistakesInNeedsAreNamed) {
  const std::string tail = "scenarios:\n  - name: a\n    steps:\n      - wait: 1s\n";
  EXPECT_THAT(loader_error("needs: {users: 3}\n" + tail).what(), HasSubstr("x.yaml:1: needs.users: unknown key"));
  EXPECT_THAT(loader_error("needs: {generated_users: -1}\n" + tail).what(),
              HasSubstr("needs.generated_users: expected 0 to 10000"));
  EXPECT_THAT(loader_error("needs: {rate_limit: {requests: 20}}\n" + tail).what(),
              HasSubstr("needs.rate_limit.window_ms: missing"));
  EXPECT_THAT(loader_error("needs: {rate_limit: {requests: 0, window_ms: 1000}}\n" + tail).what(),
              HasSubstr("needs.rate_limit.requests: expected a positive number"));
}

// A burst that stops once rate-limited takes the file's stated limit with it, and needs one.
TEST(ScenarioLoader, ABurstUntilRateLimitedCarriesTheFilesLimit) {
  const std::string head = "needs: {rate_limit: {requests: 20, window_ms: 1000}}\n";
  const std::string burst = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n";
  const ScenarioFile file = parse_scenario_file(head + burst + "        repeat: 400\n        until: rate_limited\n", "x.yaml");
  const CallStep& step = file.scenarios[0].steps[0].get<CallStep>();
  EXPECT_TRUE(step.until_rate_limited);
  EXPECT_EQ(step.repeat, 400);
  EXPECT_EQ(step.rate_limit, 20);
  EXPECT_EQ(step.rate_window_ms, 1000);
  EXPECT_FALSE(parse_scenario_file(head + burst + "        repeat: 40\n", "x.yaml").scenarios[0].steps[0].get<CallStep>().until_rate_limited);
  EXPECT_THAT(loader_error(burst + "        repeat: 400\n        until: rate_limited\n").what(),
              HasSubstr("x.yaml:7: scenarios[0].steps[0].until: needs the file's rate limit"));
  EXPECT_THAT(loader_error(head + burst + "        until: rate_limited\n").what(), HasSubstr("stops a burst: give repeat"));
  EXPECT_THAT(loader_error(head + burst + "        repeat: 9\n        until: tired\n").what(), HasSubstr("the only stop is rate_limited"));
}

// A flood: a workload burst that goes on past its refusals, which only a burst can.
TEST(ScenarioLoader, AWorkloadBurstMayGoOnPastItsRefusals) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: unlisted-agent\n        workload: {";
  const auto step = [&](const std::string& fields) {
    return parse_scenario_file(head + fields + "}\n", "x.yaml").scenarios[0].steps[0].get<WorkloadStep>();
  };
  EXPECT_TRUE(step("repeat: 50, past_refusals: true").past_refusals);
  EXPECT_FALSE(step("repeat: 50").past_refusals);
  EXPECT_THAT(loader_error(head + "past_refusals: true}\n").what(), HasSubstr("past_refusals: goes on with a burst: give repeat"));
  EXPECT_THAT(loader_error(head + "repeat: 50, past_refusals: 3}\n").what(), HasSubstr("past_refusals: expected true or false"));
}

// A flood is judged by the decisions its calls showed, which only a workload step reads.
TEST(ScenarioLoader, SomeDecisionNamesADecisionOfAWorkloadStep) {
  const std::string flood = "scenarios:\n  - name: a\n    steps:\n      - as: unlisted-agent\n        workload: {repeat: 9}\n";
  const Expectation held = parse_scenario_file(flood + "        expect: {some_decision: denied}\n", "x.yaml")
                               .scenarios[0].steps[0].expect.at(0);
  EXPECT_EQ(held.kind, "some_decision");
  EXPECT_THAT(loader_error(flood + "        expect: {some_decision: refused}\n").what(),
              HasSubstr("x.yaml:6: scenarios[0].steps[0].expect.some_decision: expected granted, denied, unavailable, got \"refused\""));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n"
                         "        expect: {some_decision: denied}\n").what(),
              HasSubstr("expect.some_decision: unknown key"));
}

// The acting agent is named by `as:` on every step; the former `agent:` inside a workload or
// svid_token step is told the form to write.
TEST(ScenarioLoader, AWorkloadOrSvidStepNamesItsAgentByAs) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n";
  EXPECT_EQ(parse_scenario_file(head + "      - as: trusted-agent\n        workload: {}\n", "x.yaml")
                .scenarios[0].steps[0].get<WorkloadStep>().agent,
            "trusted-agent");
  EXPECT_EQ(parse_scenario_file(head + "      - as: trusted-agent\n        svid_token: {audience: other}\n", "x.yaml")
                .scenarios[0].steps[0].get<SvidTokenStep>().agent,
            "trusted-agent");
  EXPECT_THAT(loader_error(head + "      - workload: {agent: trusted-agent, proof: none}\n").what(),
              HasSubstr("x.yaml:4: scenarios[0].steps[0].workload.agent: the acting agent is named by as: beside workload: "
                        "(as: trusted-agent)"));
  EXPECT_THAT(loader_error(head + "      - svid_token: {agent: trusted-agent}\n").what(),
              HasSubstr("svid_token.agent: the acting agent is named by as: beside svid_token: (as: trusted-agent)"));
  EXPECT_THAT(loader_error(head + "      - workload: {proof: none}\n").what(), HasSubstr("scenarios[0].steps[0].as: missing"));
}

// A call's batch: the call N times in one JSON-RPC batch, one POST; never a burst or a DPoP call.
TEST(ScenarioLoader, ACallBatchIsOnePostOfItsCalls) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n";
  EXPECT_EQ(parse_scenario_file(head + "        batch: 25\n", "x.yaml").scenarios[0].steps[0].get<CallStep>().batch, 25);
  EXPECT_EQ(parse_scenario_file(head, "x.yaml").scenarios[0].steps[0].get<CallStep>().batch, 0);
  EXPECT_THAT(loader_error(head + "        batch: 0\n").what(), HasSubstr("steps[0].batch"));
  EXPECT_THAT(loader_error(head + "        batch: 3\n        repeat: 3\n").what(),
              HasSubstr("steps[0].batch: a batch is one POST in a session of its own: give no repeat, until, dpop or answer"));
  EXPECT_THAT(loader_error(head + "        batch: 3\n        dpop: true\n").what(), HasSubstr("give no repeat, until, dpop or answer"));
  EXPECT_THAT(loader_error(head + "        batch: 3\n        answer: accept\n").what(), HasSubstr("give no repeat, until, dpop or answer"));
  EXPECT_THAT(loader_error(head + "        batch: 3\n        era: modern\n").what(),
              HasSubstr("steps[0].batch: a batch is sent in a 2025-03-26 session; the modern era has no batches"));
}

// `either:` is two or more groups of a call's own expectations, each checked as written.
TEST(ScenarioLoader, EitherIsTwoOrMoreGroupsOfTheStepsOwnExpectations) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n";
  const auto step = parse_scenario_file(head + "        expect: {either: [{ok: true}, {failure: rate_limited}]}\n", "x.yaml")
                        .scenarios[0].steps[0];
  ASSERT_EQ(step.expect.size(), 1u);
  EXPECT_EQ(step.expect[0].kind, "either");
  EXPECT_THAT(loader_error(head + "        expect: {either: [{ok: true}]}\n").what(),
              HasSubstr("expect.either: expected a list of two or more mappings of expectations"));
  EXPECT_THAT(loader_error(head + "        expect: {either: [{ok: true}, {okay: true}]}\n").what(),
              HasSubstr("alternative 2: okay is no expectation an alternative can hold"));
  EXPECT_THAT(loader_error(head + "        expect: {either: [{ok: true}, {either: [{ok: true}, {ok: false}]}]}\n").what(),
              HasSubstr("alternative 2: either is no expectation an alternative can hold"));
  EXPECT_THAT(loader_error(head + "        expect: {either: [{ok: true}, {http_status: 2000}]}\n").what(),
              HasSubstr("alternative 2: http_status: expected an HTTP status"));
  EXPECT_THAT(loader_error(head + "        expect: {either: [{ok: true}, {jwks_public_only: true}]}\n").what(),
              HasSubstr("jwks_public_only: not an expectation of this step kind"));
}

// A step is asked again until it holds only when that cannot hide a defect: a control, or a
// request due to be served (a recovery that comes late is no defect; an attack asked until it is
// refused would hide one).
TEST(ScenarioLoader, SettleForIsForAControlOrARequestDueToBeServed) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n"
                           "        settle_for: 35s\n";
  EXPECT_EQ(parse_scenario_file(head + "        expect: {ok: true}\n", "x.yaml").scenarios[0].steps[0].settle_for_s, 35);
  EXPECT_EQ(parse_scenario_file(head + "        control: true\n        expect: {http_status: 401}\n", "x.yaml")
                .scenarios[0].steps[0].settle_for_s,
            35);
  for (const char* attack : {"{ok: false}", "{http_status: 401}", "{ok: true, bearer_challenge: invalid_token}"}) {
    EXPECT_THAT(loader_error(head + "        expect: " + attack + "\n").what(),
                HasSubstr("steps[0].settle_for: only a control step, or one due to be served")) << attack;
  }
}

// A call's answer to a server that asks before it runs the tool: an action, or accept with the
// form's content.
TEST(ScenarioLoader, ACallAnswersAQuestionWithAnActionOrTheFormsContent) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.delete_issue\n";
  const auto answer_of = [&](const std::string& line) { return parse_scenario_file(head + line, "x.yaml").scenarios[0].steps[0].get<CallStep>().answer; };
  EXPECT_FALSE(answer_of(""));
  EXPECT_EQ(answer_of("        answer: decline\n")->action, InputAction::decline);
  const auto with_content = answer_of("        answer: {action: accept, content: {confirm: true, reason: tidy}}\n");
  EXPECT_EQ(with_content->action, InputAction::accept);
  EXPECT_EQ(nlohmann::json::parse(with_content->content), (nlohmann::json{{"confirm", true}, {"reason", "tidy"}}));
  EXPECT_THAT(loader_error(head + "        answer: yes\n").what(), HasSubstr("steps[0].answer"));
  EXPECT_THAT(loader_error(head + "        answer: {action: decline, content: {confirm: false}}\n").what(),
              HasSubstr("steps[0].answer.content: only accept carries content"));
  EXPECT_THAT(loader_error(head + "        answer: {content: {confirm: true}}\n").what(), HasSubstr("needs action: accept, decline or cancel"));
  EXPECT_THAT(loader_error(head + "        answer: {action: accept, form: {}}\n").what(), HasSubstr("form"));
}

// A workload batch: sent once, in a session opened at the endpoint the step names.
TEST(ScenarioLoader, AWorkloadBatchNamesItsEndpointAndIsSentOnce) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: trusted-agent\n        workload: {";
  const auto step = [&](const std::string& fields) {
    return parse_scenario_file(head + fields + "}\n", "x.yaml").scenarios[0].steps[0].get<WorkloadStep>();
  };
  EXPECT_EQ(step("path: /mcp, batch: 25").batch, 25);
  EXPECT_EQ(step("path: /mcp").batch, 0);
  EXPECT_THAT(loader_error(head + "batch: 3}\n").what(), HasSubstr("batch: a batch is sent once, in a session: give path"));
  EXPECT_THAT(loader_error(head + "path: /mcp, batch: 3, repeat: 5}\n").what(), HasSubstr("give path"));
  EXPECT_THAT(loader_error(head + "path: /mcp, batch: 0}\n").what(), HasSubstr("batch"));
}

// A workload step's forge: the presented token re-made by a token step's signing, its header and
// claims changed; a signing of another name is refused when the file is read.
TEST(ScenarioLoader, AWorkloadStepForgesItsTokenBySigningsOfTheTokenStep) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: trusted-agent\n        workload: {";
  const auto step = [&](const std::string& fields) {
    return parse_scenario_file(head + fields + "}\n", "x.yaml").scenarios[0].steps[0].get<WorkloadStep>();
  };
  const WorkloadStep unsigned_token = step("forge: {sign: strip, header: {alg: none}}");
  ASSERT_TRUE(unsigned_token.forge);
  EXPECT_EQ(unsigned_token.forge->sign, ForgeSigning::strip);
  EXPECT_EQ(nlohmann::json::parse(unsigned_token.forge->header), nlohmann::json({{"alg", "none"}}));
  EXPECT_EQ(step("forge: {sign: realm_key, claims: {aud: elsewhere}}").forge->claims, R"({"aud":"elsewhere"})");
  EXPECT_FALSE(step("proof: none").forge);
  EXPECT_THAT(loader_error(head + "forge: {sign: mine}}\n").what(), HasSubstr("unknown forge signing \"mine\" (keep, strip, cut,"));
  EXPECT_THAT(loader_error(head + "forge: {sign: mine}}\n").what(), HasSubstr("es256_zero, realm_key)"));
  EXPECT_THAT(loader_error(head + "forge: {kid: x}}\n").what(), HasSubstr("unknown key"));
}

// A workload step says what the policy decides for the cell it calls, not which tool.
TEST(ScenarioLoader, AWorkloadStepSaysWhatThePolicyDecides) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: untrusted-agent\n        workload: {";
  const auto step = [&](const std::string& fields) {
    return parse_scenario_file(head + fields + "}\n", "x.yaml").scenarios[0].steps[0].get<WorkloadStep>();
  };
  const WorkloadStep denied = step("policy: denies, granted_to: trusted-agent, denied_to: [semi-trusted-agent, untrusted-agent]");
  EXPECT_EQ(denied.policy, "denies");
  EXPECT_EQ(denied.granted_to, std::vector<std::string>{"trusted-agent"});
  EXPECT_EQ(denied.denied_to, (std::vector<std::string>{"semi-trusted-agent", "untrusted-agent"}));
  EXPECT_EQ(denied.tool, "");
  EXPECT_EQ(denied.path, "");
  EXPECT_EQ(step("denied_to: all").denied_to, std::vector<std::string>{"all"});
  EXPECT_THAT(loader_error(head + "policy: allows}\n").what(), HasSubstr("policy: expected grants or denies"));
  EXPECT_THAT(loader_error(head + "denied_to: [all, trusted-agent]}\n").what(), HasSubstr("expected an agent, a list of agents, or all"));
  EXPECT_THAT(loader_error(head + "granted: trusted-agent}\n").what(), HasSubstr("granted"));
}

// The transport a scenario's cases are about: the file's default, a scenario's own, or none.
TEST(ScenarioLoader, ReadsTheTransportOfTheFileAndOfEachScenario) {
  const ScenarioFile file = parse_scenario_file(
      "transport: streamable-http\nscenarios:\n  - name: a\n    steps:\n      - wait: 1s\n"
      "  - name: b\n    transport: legacy-sse-post\n    steps:\n      - wait: 1s\n"
      "  - name: c\n    transport: sse\n    steps:\n      - wait: 1s\n",
      "x.yaml");
  EXPECT_EQ(file.scenarios[0].transport, mcp::Transport::streamable_http);
  EXPECT_EQ(file.scenarios[1].transport, mcp::Transport::legacy_sse_post);
  EXPECT_EQ(file.scenarios[2].transport, mcp::Transport::sse);
  EXPECT_EQ(parse_scenario_file(good, "x.yaml").scenarios[0].transport, std::nullopt);
  EXPECT_THAT(loader_error("transport: websocket\nscenarios:\n  - name: a\n    steps:\n      - wait: 1s\n").what(),
              HasSubstr("x.yaml:1: transport: unknown transport \"websocket\" (streamable-http, sse, legacy-sse-post)"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    transport: stdio\n    steps:\n      - wait: 1s\n").what(),
              HasSubstr("x.yaml:3: scenarios[0].transport: unknown transport \"stdio\""));
}

// The era a scenario's cases are written in: legacy (the file's, or a scenario's own), or none.
TEST(ScenarioLoader, ReadsTheEraOfTheFileAndOfEachScenario) {
  const ScenarioFile file = parse_scenario_file(
      "protocol: legacy\nscenarios:\n  - name: a\n    steps:\n      - wait: 1s\n", "x.yaml");
  EXPECT_TRUE(file.scenarios[0].legacy_era_only);
  const ScenarioFile own = parse_scenario_file(
      "scenarios:\n  - name: a\n    protocol: legacy\n    steps:\n      - wait: 1s\n"
      "  - name: b\n    steps:\n      - wait: 1s\n",
      "x.yaml");
  EXPECT_TRUE(own.scenarios[0].legacy_era_only);
  EXPECT_FALSE(own.scenarios[1].legacy_era_only);
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    protocol: modern\n    steps:\n      - wait: 1s\n").what(),
              HasSubstr("x.yaml:3: scenarios[0].protocol: must be legacy"));
}

// The sse step: a stream opened and kept under a name, or a POST to a kept stream's session.
TEST(ScenarioLoader, ReadsTheSseStepsOpenAndPost) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n";
  const ScenarioFile file = parse_scenario_file(
      head + "      - sse: {server: github-mcp, open: bobs}\n        as: bob\n        expect: {ok: true}\n"
             "      - sse: {server: github, post: bobs, tool: list_repos, args: {n: 1}, session_id: unknown, auth: none, "
             "watch_ms: 500}\n        expect: {http_status: 404, stream_messages: 0, no_ledger_entry: true}\n",
      "x.yaml");
  const auto& steps = file.scenarios[0].steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].kind(), StepKind::sse);
  EXPECT_EQ(steps[0].get<SseStep>().open, "bobs");
  const SseStep& post = steps[1].get<SseStep>();
  EXPECT_EQ(post.post, "bobs");
  EXPECT_EQ(post.tool, "list_repos");
  EXPECT_EQ(post.args, nlohmann::json({{"n", 1}}));
  EXPECT_EQ(post.session_id, "unknown");
  EXPECT_EQ(post.authorization, "none");
  EXPECT_EQ(post.watch_ms, 500);
  EXPECT_THAT(loader_error(head + "      - sse: {server: jira-mcp, open: a, post: b}\n        as: bob\n").what(),
              HasSubstr("give one of open (a stream's name) and post (a kept stream's)"));
  EXPECT_THAT(loader_error(head + "      - sse: {server: jira-mcp, post: b}\n        as: bob\n").what(), HasSubstr("tool"));
  EXPECT_THAT(loader_error(head + "      - sse: {server: jira-mcp, open: a, tool: x}\n        as: bob\n").what(),
              HasSubstr("is a post's, not an open's"));
  EXPECT_THAT(loader_error(head + "      - sse: {server: jira-mcp, open: a}\n").what(), HasSubstr("as"));
}

// YAML allows a mapping or a list as a key; a scenario file never does, and says so with the
// line instead of letting yaml-cpp's conversion error escape (found by scenario_loader_fuzz).
TEST(ScenarioLoader, AKeyThatIsNotANameIsAMistakeWithItsLine) {
  const std::string tail = "scenarios:\n  - name: a\n    steps:\n      - wait: 1s\n";
  EXPECT_THAT(loader_error("? {repeat: t}\n: 1\n" + tail).what(),
              HasSubstr("x.yaml:1: : expected a name as key, got a mapping or a list"));
  EXPECT_THAT(loader_error("needs: {? [a, b] : 1}\n" + tail).what(),
              HasSubstr("x.yaml:1: needs: expected a name as key, got a mapping or a list"));
}

// `expect` written as a list of expectations, as `steps` is: a mistake with its line, not an
// escaped yaml-cpp error that ends the process (found by scenario_loader_fuzz).
TEST(ScenarioLoader, ExpectationsWrittenAsAListAreAMistakeWithTheirLine) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n";
  EXPECT_THAT(loader_error(head + "        expect:\n          - http_status: 200\n").what(),
              HasSubstr("x.yaml:7: scenarios[0].steps[0].expect: expected a mapping of expectations"));
}

// An alias is its anchor's value again. Files use that to repeat a request or an expectation;
// an alias inside its own anchor would be an endless value and one that doubles at every level
// a billion of them: each is a mistake with its line, never a stack overflow or a hang.
TEST(ScenarioLoader, AliasesRepeatValuesButNeverExpandWithoutEnd) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n";
  const ScenarioFile file = parse_scenario_file(head + "        args: &args {limit: 5}\n      - as: bob\n"
                                                "        call: jira.list_issues\n        args: *args\n",
                                                "scenarios/x.yaml");
  EXPECT_EQ(Json::parse(file.scenarios.at(0).steps.at(1).get<CallStep>().args), Json({{"limit", 5}}));

  EXPECT_THAT(loader_error(head + "        args: &a {inner: *a}\n").what(),
              HasSubstr("scenarios/x.yaml:6: scenarios[0].steps[0].args.inner.inner.inner"));
  EXPECT_THAT(loader_error(head + "        args: &a {inner: *a}\n").what(),
              HasSubstr("nested deeper than 64 levels (an alias inside its own anchor?)"));

  // Ten a's, ten of those, … nine levels: 10^9 values from 90 aliases.
  std::string laughs = head + "        args:\n          lol0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int level = 1; level <= 8; ++level) {
    const std::string below = "*l" + std::to_string(level - 1);
    laughs += "          lol" + std::to_string(level) + ": &l" + std::to_string(level) + " [" + below;
    for (int i = 1; i < 10; ++i) laughs += ", " + below;
    laughs += "]\n";
  }
  EXPECT_THAT(loader_error(laughs).what(),
              HasSubstr("the file makes more than 200000 values once its aliases are expanded"));
}

// A step that merges another (`<<: *anchor`) takes its fields, but not its title: "control: no
// certificate at all" would name a step that sends an expired one.
TEST(ScenarioLoader, AMergedStepTakesTheFieldsOfItsAnchorButNotItsDescribe) {
  const ScenarioFile file = parse_scenario_file(
      "scenarios:\n  - name: a\n    steps:\n"
      "      - &refused\n        as: alice\n        call: jira.list_issues\n        describe: \"control: no token\"\n"
      "      - <<: *refused\n        args: {limit: 1}\n"
      "      - <<: *refused\n        describe: a step of its own\n"
      "      - *refused\n",
      "x.yaml");
  const auto& steps = file.scenarios.at(0).steps;
  EXPECT_EQ(steps.at(0).describe, "control: no token");
  EXPECT_EQ(steps.at(1).describe, "") << "its title is made from its own fields";
  EXPECT_EQ(steps.at(1).get<CallStep>().tool, "list_issues");
  EXPECT_EQ(steps.at(1).as, "alice");
  EXPECT_EQ(steps.at(2).describe, "a step of its own");
  EXPECT_EQ(steps.at(3).describe, "control: no token") << "an alias is the same step again";
}

// control: true marks an honest baseline; an attack that merges its request is no control, and a
// control says what it is due and names no property (it never gives a finding).
TEST(ScenarioLoader, AControlStepIsMarkedOnItsOwnStepOnly) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n";
  const ScenarioFile file = parse_scenario_file(
      head + "      - &honest\n        as: alice\n        call: jira.list_issues\n        control: true\n        expect: {ok: true}\n"
             "      - <<: *honest\n        args: {limit: 1}\n        expect: {ok: false}\n",
      "x.yaml");
  EXPECT_TRUE(file.scenarios.at(0).steps.at(0).control);
  EXPECT_FALSE(file.scenarios.at(0).steps.at(1).control) << "a step that reuses a control's request is no control";
  const std::string step = "      - as: alice\n        call: jira.list_issues\n";
  EXPECT_THAT(loader_error(head + step + "        control: yes please\n        expect: {ok: true}\n").what(),
              HasSubstr("control: expected true or false"));
  EXPECT_THAT(loader_error(head + step + "        control: true\n").what(), HasSubstr("a control step needs an expect"));
  EXPECT_THAT(loader_error(head + step + "        control: true\n        property: trusts-unverified-claim\n        expect: {ok: true}\n").what(),
              HasSubstr("a control step gives no finding"));
}

// A YAML stream is printable UTF-8 (YAML 1.2 §5.1). yaml-cpp reads a NUL inside a key as the
// byte 0xA0, which no JSON can hold: such text is refused with its line before yaml-cpp sees it.
TEST(ScenarioLoader, TextThatYamlCannotHoldIsAMistakeWithItsLine) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n";
  EXPECT_THAT(loader_error(head + "        args: {\xC3\x28: 1}\n").what(), HasSubstr("x.yaml:6: not UTF-8 text (byte 98)"));
  EXPECT_THAT(loader_error(head + std::string("        args: {\0_: 1}\n", 22)).what(),
              HasSubstr("x.yaml:6: U+0000, a character YAML does not allow (byte 98)"));
  EXPECT_THAT(loader_error(head + "        args: {a: \x7F}\n").what(), HasSubstr("U+007F, a character YAML does not allow"));
  EXPECT_THAT(loader_error(head + "        args: {a: \xC2\x80}\n").what(), HasSubstr("U+0080, a character YAML does not allow"));
  const ScenarioFile file =
      parse_scenario_file(head + "        args: {a: \"caf\xC3\xA9\t\xF0\x9F\x94\x91\", b: \"\\0 escaped\"}\r\n", "x.yaml");
  const Json args = Json::parse(file.scenarios.at(0).steps.at(0).get<CallStep>().args);
  EXPECT_EQ(args["a"], "caf\xC3\xA9\t\xF0\x9F\x94\x91");
  EXPECT_EQ(args["b"], std::string("\0 escaped", 9));  // an escape is how a file writes a NUL
}

TEST(ScenarioLoader, UnknownExpectationNamesLineFieldAndTheAllowedOnes) {
  const std::string text = std::string(good).replace(std::string(good).find("backend_credential_of"), 21, "backend_credentials");
  const std::string message = loader_error(text).what();
  EXPECT_THAT(message, HasSubstr("scenarios/x.yaml:12: scenarios[0].steps[0].expect.backend_credentials: unknown key"));
  EXPECT_THAT(message, HasSubstr("backend_credential_of"));
}

// A file written with an expectation's former name is told the name it has now.
TEST(ScenarioLoader, AnExpectationsFormerNameIsToldItsNewOne) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n";
  EXPECT_THAT(loader_error(head + "        expect: {accepted_at_most_s: 30}\n").what(),
              HasSubstr("x.yaml:6: scenarios[0].steps[0].expect.accepted_at_most_s: renamed: write accepted_for_at_most_s"));
  EXPECT_THAT(loader_error(head + "        expect: {accepted_at_least: 3}\n").what(),
              HasSubstr("expect.accepted_at_least: renamed: write accepted_calls_at_least"));
  EXPECT_THAT(loader_error(head + "        expect: {errors_contain: denied}\n").what(),
              HasSubstr("expect.errors_contain: renamed: write vault_error_contains"));
}

TEST(ScenarioLoader, WrongValueTypesAreNamed) {
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n        expect: {http_status: ok}\n").what(),
              HasSubstr("scenarios/x.yaml:6: scenarios[0].steps[0].expect.http_status: expected an HTTP status (100-599), got \"ok\""));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n        expect: {ok: yes please}\n").what(),
              HasSubstr("expect.ok: expected true or false"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    needs_write_scope: sometimes\n    steps:\n      - wait: 1s\n").what(),
              HasSubstr("scenarios/x.yaml:3: scenarios[0].needs_write_scope: expected true or false"));
  EXPECT_TRUE(parse_scenario_file("scenarios:\n  - name: a\n    needs_write_scope: true\n    steps:\n      - wait: 1s\n", "x.yaml")
                  .scenarios.at(0).needs_write_scope);
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    needs_clients: 1\n    steps:\n      - wait: 1s\n").what(),
              HasSubstr("scenarios/x.yaml:3: scenarios[0].needs_clients: expected true or false"));
  EXPECT_TRUE(parse_scenario_file("scenarios:\n  - name: a\n    needs_clients: true\n    steps:\n      - wait: 1s\n", "x.yaml")
                  .scenarios.at(0).needs_clients);
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - wait: soon\n").what(),
              HasSubstr("scenarios/x.yaml:4: scenarios[0].steps[0].wait: expected a duration"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.list_issues\n        repeat: 0\n").what(),
              HasSubstr("steps[0].repeat: must be 1 to 1000"));
}

TEST(ScenarioLoader, StructuralMistakes) {
  EXPECT_THAT(loader_error("suite: x\n").what(), HasSubstr("scenarios: missing"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n").what(),
              HasSubstr("scenarios/x.yaml:4: scenarios[0].steps[0]: no action"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.x\n        sql: SELECT 1\n").what(),
              HasSubstr("one action per step"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - call: jira.list_issues\n").what(),
              HasSubstr("steps[0].as: missing"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira\n").what(),
              HasSubstr("expected server.tool, e.g. jira.get_issue, or the server alone with capability: read, write, list or delete"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps: [{wait: 1s}]\n  - name: a\n    steps: [{wait: 1s}]\n").what(),
              HasSubstr("scenarios/x.yaml:4: scenarios[1].name: \"a\" is used twice"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        token: steal\n").what(),
              HasSubstr("unknown token action \"steal\""));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.x\n        expect: {result_json: {rows: 1}}\n").what(),
              HasSubstr("\"rows\" is not a JSON pointer"));
  // "" is the whole result (RFC 6901): a batch's answers, counted whatever their order.
  EXPECT_NO_THROW(parse_scenario_file(
      "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.x\n        expect: {result_json: {'': {count: 3}}}\n",
      "scenarios/x.yaml"));
  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    steps:\n      - sql: SELECT 1\n        expect: {ok: true}\n").what(),
              HasSubstr("expect.ok: unknown key (allowed here: either, rows, value)"));
}

// A property is named by its stable id; its text is what the reports show, and what a file
// written before ids still says, so the loader names the id to write instead.
TEST(ScenarioLoader, APropertyIsAKnownIdAndItsTextNamesTheIdToUse) {
  const ScenarioFile file = parse_scenario_file(
      "scenarios:\n  - name: a\n    property: accepts-token-it-must-refuse\n    steps:\n      - wait: 1s\n"
      "        property: batch-escapes-rate-limit\n",
      "x.yaml");
  EXPECT_EQ(file.scenarios.at(0).property, "accepts-token-it-must-refuse");
  EXPECT_EQ(file.scenarios.at(0).steps.at(0).property, "batch-escapes-rate-limit");

  EXPECT_THAT(loader_error("scenarios:\n  - name: a\n    property: a batch of calls escapes the rate limit\n    steps:\n"
                         "      - wait: 1s\n").what(),
              HasSubstr("scenarios/x.yaml:3: scenarios[0].property: name the property by its id: batch-escapes-rate-limit"));
  const std::string unknown =
      loader_error("scenarios:\n  - name: a\n    steps:\n      - wait: 1s\n        property: batch-escape-rate-limits\n").what();
  EXPECT_THAT(unknown, HasSubstr("scenarios/x.yaml:5: scenarios[0].steps[0].property: unknown property "
                                 "\"batch-escape-rate-limits\" (the closest known: batch-escapes-rate-limit, "));
}

TEST(ScenarioLoader, ReadsRawTcpStepsAndGeneratedBodies) {
  const ScenarioFile file = parse_scenario_file(R"(scenarios:
  - name: a
    steps:
      - tcp:
          server: jira-mcp
          send: ["POST ${path.jira-mcp} HTTP/1.1\r\n", "X-A: a\rb\0\r\n"]
          delay_ms: 100
          trickle: {text: "X-Slow: 1\r\n", every_ms: 1000, times: 30}
          read_ms: 2000
        expect: {closed_within_ms: 12000, http_status: 408, body_empty: false}
      - http: {server: jira-mcp, body_bytes: 1048577}
        as: alice
        expect: {http_status: 413}
)", "scenarios/x.yaml");
  const auto& steps = file.scenarios.at(0).steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].kind(), StepKind::tcp);
  const TcpStep& tcp = steps[0].get<TcpStep>();
  EXPECT_EQ(tcp.server, "jira-mcp");
  ASSERT_EQ(tcp.chunks.size(), 2u);
  EXPECT_EQ(tcp.chunks[1], std::string("X-A: a\rb\0\r\n", 11)) << "YAML escapes give the raw bytes";
  EXPECT_EQ(tcp.delay_ms, 100);
  EXPECT_EQ(tcp.trickle, "X-Slow: 1\r\n");
  EXPECT_EQ(tcp.trickle_every_ms, 1000);
  EXPECT_EQ(tcp.trickle_times, 30);
  EXPECT_EQ(tcp.read_ms, 2000);
  EXPECT_EQ(steps[0].expect.size(), 3u);
  EXPECT_EQ(steps[1].get<HttpStep>().body_bytes, 1048577u);
  EXPECT_FALSE(steps[1].get<HttpStep>().body.has_value());
}

TEST(ScenarioLoader, MistakesInRawTcpStepsAndGeneratedBodiesAreNamed) {
  const std::string head = "scenarios:\n  - name: a\n    steps:\n      - ";
  EXPECT_THAT(loader_error(head + "tcp: {server: jira-mcp}\n").what(), HasSubstr("steps[0].tcp.send: missing"));
  EXPECT_THAT(loader_error(head + "tcp: {server: jira-mcp, send: []}\n").what(), HasSubstr("expected a non-empty list"));
  EXPECT_THAT(loader_error(head + "tcp: {server: jira-mcp, send: [x], wait: 1}\n").what(), HasSubstr("tcp.wait: unknown key"));
  EXPECT_THAT(loader_error(head + "tcp: {server: jira-mcp, send: [x], trickle: {text: a, every_ms: 1000, times: 61}}\n").what(),
              HasSubstr("every_ms × times must be at most 60000 ms"));
  EXPECT_THAT(loader_error(head + "tcp: {server: jira-mcp, send: [x], trickle: {text: a, every_ms: 10}}\n").what(),
              HasSubstr("tcp.trickle.times: missing"));
  EXPECT_THAT(loader_error(head + "tcp: {server: jira-mcp, send: [x], read_ms: 0}\n").what(), HasSubstr("read_ms: must be 1 to 60000"));
  // Expectations a raw exchange cannot have, and one only it can.
  EXPECT_THAT(loader_error(head + "tcp: {server: jira-mcp, send: [x]}\n        expect: {ok: true}\n").what(),
              HasSubstr("expect.ok: unknown key"));
  EXPECT_THAT(loader_error(head + "http: {server: jira-mcp, auth: none}\n        expect: {closed_within_ms: 10}\n").what(),
              HasSubstr("expect.closed_within_ms: unknown key"));
  EXPECT_THAT(loader_error(head + "http: {server: jira-mcp, auth: none, body_bytes: 9}\n").what(),
              HasSubstr("body_bytes: must be 10 to 67108864"));
  EXPECT_THAT(loader_error(head + "http: {server: jira-mcp, auth: none, body_bytes: 100, body: x}\n").what(),
              HasSubstr("body, json, body_bytes and probe: give one"));
}

TEST(ScenarioLoader, YamlSyntaxErrorsCarryTheirLine) {
  const std::string message = loader_error("scenarios:\n  - name: a\n    steps: [\n").what();
  EXPECT_THAT(message, HasSubstr("scenarios/x.yaml:"));
  EXPECT_THAT(message, HasSubstr("YAML"));
}

TEST(ScenarioLoader, AMissingFileIsNamed) {
  try {
    load_scenario_file("/nonexistent/scenario.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/scenario.yaml: cannot read"));
  }
}

}  // namespace
}  // namespace mcph::harness::scenario
