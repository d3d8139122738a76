#include "../src/answer_class.h"

#include <gtest/gtest.h>

#include <set>

#include "../src/step_reach.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/http/client.h"
#include "mcph/proc/free_port.h"

namespace mcph::harness::scenario {
namespace {

StepOutcome http_answer(int status, http::Fields headers = {}) {
  StepOutcome outcome;
  outcome.http.status = status;
  outcome.http.headers = std::move(headers);
  return outcome;
}

TEST(AnswerClassTest, AnAnswerIsClassifiedByItsStatusAndChallenge) {
  StepOutcome result = http_answer(200);
  result.rpc.result = true;
  EXPECT_EQ(classify(result), AnswerClass::accepted);
  StepOutcome rpc_error = http_answer(200);
  rpc_error.rpc.error = -32600;
  EXPECT_EQ(classify(rpc_error), AnswerClass::refused_other_status) << "a JSON-RPC error refuses, whatever the status";
  EXPECT_EQ(classify(http_answer(401, {{"WWW-Authenticate", R"(Bearer error="invalid_token", resource_metadata="x")"}})),
            AnswerClass::refused_with_challenge);
  EXPECT_EQ(classify(http_answer(401)), AnswerClass::refused_without_challenge);
  EXPECT_EQ(classify(http_answer(401, {{"WWW-Authenticate", "Bearer error=invalid token"}})), AnswerClass::refused_without_challenge)
      << "a malformed challenge is none";
  EXPECT_EQ(classify(http_answer(403)), AnswerClass::refused_other_status);
  EXPECT_EQ(classify(http_answer(500)), AnswerClass::refused_other_status);
  EXPECT_EQ(classify(http_answer(429)), AnswerClass::rate_limited);
  for (const int status : {0, 404, 405, 501, 307}) {
    EXPECT_EQ(classify(http_answer(status)), AnswerClass::not_reached) << status;
  }
}

// A server that asks for a confirmation before it runs a tool (MCP 2026-07-28's input_required)
// has neither accepted the call nor refused it.
TEST(AnswerClassTest, AQuestionBeforeTheToolRanIsNeitherAnAcceptanceNorARefusal) {
  StepOutcome asked = http_answer(200);
  asked.rpc.result = true;
  asked.tool.input_required = true;
  EXPECT_EQ(classify(asked), AnswerClass::awaiting_input);
  EXPECT_FALSE(asked.call_ok()) << "ok: true must not hold on a question";
}

// A server that has no tool of the step's name never reached what the step tests, in the words
// of the Python, TypeScript and Go SDKs; a bad argument to a tool it has is a refusal.
TEST(AnswerClassTest, NoSuchMethodOrToolIsNotReached) {
  StepOutcome unknown = http_answer(200);
  unknown.rpc.error = -32601;
  EXPECT_EQ(classify(unknown), AnswerClass::not_reached);
  unknown.rpc.error = -32602;
  for (const char* message : {"Unknown tool: kv.read", "unknown tool \"kv.read\"", "Tool kv.read not found"}) {
    unknown.rpc.error_message = message;
    EXPECT_EQ(classify(unknown), AnswerClass::not_reached) << message;
  }
  unknown.rpc.error_message = "Invalid arguments: path must be a string";
  EXPECT_EQ(classify(unknown), AnswerClass::refused_other_status);
  // The TypeScript SDK's answer: a tool error result; a tool's own "not found" is its answer.
  StepOutcome tool_error = http_answer(200);
  tool_error.rpc.result = true;
  tool_error.tool.error = true;
  for (const char* text : {"MCP error -32602: Tool get_issue not found", "Unknown tool: get_issue"}) {
    tool_error.tool.text = text;
    EXPECT_EQ(classify(tool_error), AnswerClass::not_reached) << text;
  }
  for (const char* text : {"Error executing tool get_secret: secret not found: jira",
                           "Error executing tool vault_read: not found: agent-b-only", "NotFound: no secret named jira",
                           "the tool found nothing"}) {
    tool_error.tool.text = text;
    EXPECT_EQ(classify(tool_error), AnswerClass::accepted) << text;
  }
}

TEST(AnswerClassTest, AChallengeIsWellFormedAsRfc9110ShapesIt) {
  for (const char* good : {"Bearer", R"(Bearer realm="mcp")", R"(Bearer error="invalid_token", error_description="a, b")",
                           "Basic realm=x", "Negotiate abc123==", R"(DPoP algs="ES256 RS256")"}) {
    EXPECT_TRUE(well_formed_challenge(good)) << good;
  }
  EXPECT_TRUE(well_formed_challenge("Bearer error=")) << "a token68, as the grammar reads it";
  for (const char* bad : {"", " ", R"(Bearer error=="x")", R"(Bearer error="unclosed)", "Bearer ,", "Bearer a b", "Bearer=x",
                          R"(Bearer error="x" realm="y")"}) {
    EXPECT_FALSE(well_formed_challenge(bad)) << bad;
  }
}

TEST(AnswerClassTest, NamesRoundTripAndOnlyServersUnderTestAreClassified) {
  for (const AnswerClass value : {AnswerClass::accepted, AnswerClass::refused_with_challenge, AnswerClass::refused_without_challenge,
                                  AnswerClass::refused_other_status, AnswerClass::not_reached, AnswerClass::rate_limited,
                                  AnswerClass::awaiting_input}) {
    EXPECT_EQ(answer_class_named(name_of(value)), value);
  }
  EXPECT_EQ(name_of(AnswerClass::unclassified), "");
  EXPECT_TRUE(answers_classified(StepKind::call));
  EXPECT_TRUE(answers_classified(StepKind::http));
  EXPECT_TRUE(answers_classified(StepKind::workload));
  EXPECT_TRUE(answers_classified(StepKind::oauth));
  EXPECT_FALSE(answers_classified(StepKind::vault)) << "Vault's 404 is an answer about a path, the harness's instrument";
  EXPECT_FALSE(answers_classified(StepKind::tcp));
}

// The request named is the one the answer came to, its query (which may carry a token) left out.
TEST(AnswerClassTest, TheRequestAnsweredIsTheLastExchangeWithThatStatus) {
  StepOutcome outcome = http_answer(404);
  outcome.exchanges = nlohmann::json::array(
      {{{"request", {{"method", "POST"}, {"url", "http://127.0.0.1:8080/mcp"}}}, {"response", {{"status", 200}}}},
       {{"request", {{"method", "POST"}, {"url", "http://127.0.0.1:8080/mcp/rpc?access_token=abc"}}}, {"response", {{"status", 404}}}},
       {{"sql", "select 1"}}});
  EXPECT_EQ(answered_request(outcome), "POST /mcp/rpc");
  EXPECT_EQ(answered_request(http_answer(404)), "");
}

reports::StepRecord failed_step(std::string title, int status, std::string answer_class, std::string request) {
  reports::StepRecord step;
  step.title = std::move(title);
  step.http_status = status;
  step.answer = std::move(answer_class);
  step.request = std::move(request);
  step.checks = {{"http_status: 401", reports::Check::Verdict::failed, "HTTP " + std::to_string(status), ""}};
  return step;
}

// A forgery answered 404 never reached the verifier: the scenario cannot tell, and says what was
// answered and which key of the profile to look at.
TEST(StepReachTest, AStepNotReachedMakesTheScenarioInconclusiveSayingWhy) {
  const auto reason = unreached_reason(failed_step("2: alice calls jira.get_issue", 404, "not-reached", "POST /mcp/rpc"), 2);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason,
            "inconclusive: step 2 was not reached: 404 from POST /mcp/rpc — the profile's url or the step's path does not "
            "describe this server");
  const auto refused = unreached_reason(failed_step("2: x", 0, "not-reached", ""), 2);
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, "inconclusive: step 2 was not reached: no HTTP answer — the profile's url does not reach this server");
  EXPECT_FALSE(unreached_reason(failed_step("2: x", 200, "accepted", "POST /mcp"), 2)) << "an acceptance is a verdict";
  reports::StepRecord asked = failed_step("2: x", 404, "not-reached", "POST /mcp");
  asked.checks = {{"http_status: 404", reports::Check::Verdict::held, "HTTP 404", ""}};
  EXPECT_FALSE(unreached_reason(asked, 2)) << "a 404 the step asks for is an answer";
  reports::StepRecord vacuous = failed_step("2: x", 404, "not-reached", "POST /mcp");
  vacuous.checks = {{"ok: false", reports::Check::Verdict::held, "HTTP 404", ""}};
  EXPECT_TRUE(unreached_reason(vacuous, 2)) << "ok: false holds on a 404 for nothing";

  reports::StepRecord question = failed_step("3: bob calls jira.delete_issue", 200, "awaiting-input", "POST /mcp");
  question.checks = {{"ok: false", reports::Check::Verdict::held, "HTTP 200", ""}, {"http_status: 200", reports::Check::Verdict::held, "HTTP 200", ""}};
  const auto unanswered = unreached_reason(question, 3);
  ASSERT_TRUE(unanswered) << "ok: false holds on a question for nothing, and a status that was asked for does not make it a verdict";
  EXPECT_EQ(*unanswered,
            "inconclusive: step 3 was answered with a question (input_required, 200 from POST /mcp): the server asks for input "
            "before it runs the tool — answer it with the step's answer:");

  const auto no_tool = unreached_reason(failed_step("1: agent-b calls kv.read", 200, "not-reached", "POST /mcp"), 1);
  ASSERT_TRUE(no_tool);
  EXPECT_EQ(*no_tool,
            "inconclusive: step 1 was not reached: 200 from POST /mcp — the server has no method or tool of the name the "
            "step calls: its tools are named otherwise (the profile's tools map renames a named tool to the server's own)");
  reports::StepRecord asked_error = failed_step("2: x", 200, "not-reached", "POST /mcp");
  asked_error.checks = {{"jsonrpc_error: -32601", reports::Check::Verdict::held, "JSON-RPC error -32601", ""}};
  EXPECT_FALSE(unreached_reason(asked_error, 2)) << "a method-not-found the step asks for is an answer";
}

// A server whose 200 to initialize carries no Mcp-Session-Id keeps no sessions: a scenario about
// one caller using another's session does not apply to it. Any other header, or an answer that
// is no success, is no such sign.
TEST(AnswerClassTest, ASuccessWithoutASessionIdIsAServerWithoutSessions) {
  StepOutcome outcome;
  outcome.server = "issuedesk";
  outcome.http.status = 200;
  const auto sessionless = keeps_no_sessions("Mcp-Session-Id", outcome);
  ASSERT_TRUE(sessionless);
  EXPECT_EQ(*sessionless, "not applicable: issuedesk keeps no sessions: its 200 carries no Mcp-Session-Id, so there is no session "
                          "of one caller for another to use");
  EXPECT_TRUE(keeps_no_sessions("mcp-session-id", outcome));
  EXPECT_FALSE(keeps_no_sessions("ETag", outcome));
  outcome.http.status = 401;
  EXPECT_FALSE(keeps_no_sessions("Mcp-Session-Id", outcome)) << "a refusal says nothing of sessions";
}

// What http::Client says when nothing listens on the server's port: a refused connection.
std::string refused_connection_error() {
  try {
    (void)http::Client("http://127.0.0.1:" + std::to_string(proc::free_loopback_port())).request("POST", "/mcp", {}, "{}");
  } catch (const http::TransportError& e) {
    return e.what();
  }
  return "(answered)";
}

TEST(StepReachTest, ARefusedConnectionIsNotReachedNeverBroken) {
  const ScenarioFile file = parse_scenario_file(
      "scenarios:\n  - name: a\n    steps:\n      - as: alice\n        call: jira.get_issue\n"
      "      - as: alice\n        http: {server: jira-mcp, probe: true}\n      - wait: 1s\n",
      "x.yaml");
  const std::string error = refused_connection_error();
  ASSERT_NE(error, "(answered)");
  for (std::size_t i : {0u, 1u}) {
    const auto reason = unconnected_reason(file.scenarios[0].steps[i], error, i + 1);
    ASSERT_TRUE(reason) << error;
    EXPECT_EQ(reason->rfind("inconclusive: step " + std::to_string(i + 1) + " was not reached: POST http://127.0.0.1:", 0), 0u) << *reason;
    EXPECT_NE(reason->find("nothing listens there: the profile's url does not reach this server"), std::string::npos) << *reason;
  }
  // The server was there: a timeout or a reset leaves the step broken; a step of the harness's
  // own (no server under test) too.
  EXPECT_FALSE(unconnected_reason(file.scenarios[0].steps[0], "POST http://127.0.0.1:1/mcp: read timed out (after 30000 ms)", 1));
  EXPECT_FALSE(unconnected_reason(file.scenarios[0].steps[2], error, 3));
}

// A request due to be let in and refused 401 before the server accepted anything in the
// scenario is the harness's credential refused, not the scenario's property: honest, or bent for
// a property that is not a refusal (a certificate whose OU names another agent, due to be its own
// agent's). For a property that is a refusal, the refusal is the evidence; and once the server
// has accepted a step of the scenario, a refusal is an answer.
TEST(StepReachTest, ARequestDueToBeLetInRefusedFirstIsTheCredentialRefusedNotTheProperty) {
  const ScenarioFile file = parse_scenario_file(
      "needs: {auth: [mtls]}\nscenarios:\n  - name: a\n    steps:\n"
      "      - {as: agent-c, call: agent-bridge-mcp, capability: read, secret: jira, via: mtls,\n"
      "         credential: {subject: [{OU: agent-a}, {CN: agent-c}]}, expect: {ok: true}}\n"
      "      - {as: agent-c, call: agent-bridge-mcp, capability: read, secret: jira, expect: {ok: true}}\n"
      "      - {as: agent-c, call: agent-bridge-mcp, capability: read, secret: jira, via: mtls,\n"
      "         credential: {subject: [{OU: agent-a}, {CN: agent-c}]}, expect: {ok: false}}\n",
      "x.yaml");
  const auto& steps = file.scenarios[0].steps;
  const auto control_of = [&](std::size_t i, const std::string& property, std::set<std::string> accepted = {}) {
    reports::StepRecord record;
    record.server = "vault-bridge";
    record.http_status = 401;
    record_answer(steps[i], property, http_answer(401, {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}}), record, accepted);
    return record.control;
  };
  EXPECT_TRUE(control_of(0, "agent-from-unverified-source"));
  EXPECT_FALSE(control_of(0, "refuses-honest-agent")) << "the refusal is what that property is about";
  EXPECT_TRUE(control_of(1, "refuses-honest-agent")) << "an honest call refused first is the credential, whatever the property";
  EXPECT_FALSE(control_of(0, "agent-from-unverified-source", {"vault-bridge"})) << "the server let a step of it in before";
  EXPECT_FALSE(control_of(2, "agent-from-unverified-source")) << "a step that asks for a refusal got one";
}

TEST(StepReachTest, AFailedControlStepMakesTheScenarioInconclusive) {
  reports::StepRecord control = failed_step("1: agent-a reads its own secret", 404, "not-reached", "POST /mcp");
  control.checks.front().expectation = "http_status: 200";
  control.control = true;
  const auto reason = unreached_reason(control, 1);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason,
            "inconclusive: control step 1 (agent-a reads its own secret) failed: 404 where 200 is due (404 from POST /mcp) — "
            "the profile's url or the step's path does not describe this server");
  control.http_status = 401;
  control.answer = "refused-with-challenge";
  EXPECT_NE(unreached_reason(control, 1)->find("the profile's auth"), std::string::npos);
  control.http_status = 200;
  control.answer = "accepted";
  control.checks.front().expectation = "ok: true";
  control.checks.front().actual = "HTTP 200, tool error: insufficient_scope: jira-mcp.write is needed";
  EXPECT_NE(unreached_reason(control, 1)->find("the server refused the call in its answer"), std::string::npos);
  control.checks.front().actual = "HTTP 200, ok: {}";
  EXPECT_NE(unreached_reason(control, 1)->find("the profile's probe or transport"), std::string::npos);

  reports::ScenarioResult scenario;
  scenario.findings = {{"jira-mcp", "accepts-token-it-must-refuse", "x", "1: x", "e", {}, {}, {}}};
  make_inconclusive(scenario, *reason);
  EXPECT_TRUE(reports::is_inconclusive(scenario));
  EXPECT_TRUE(scenario.findings.empty()) << "an inconclusive scenario files no finding";
}

}  // namespace
}  // namespace mcph::harness::scenario
