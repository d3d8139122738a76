#include "../src/capability_call.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <variant>

#include "../src/expectation_kinds.h"
#include "../src/expectations.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/stack/policy_profile.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const stack::TargetProfile& agent_bridge() { return *stack::builtin_profile("agent-bridge"); }

// corpus/oauth-cc-python's map: FastMCP tools answering JSON in a text block, refusing with
// isError and its words.
stack::TargetProfile fastmcp() {
  const std::string json = R"({"url": "http://127.0.0.1:8000/mcp", "profile": "agent-bridge", "tools": {
    "read": {"tool": "get_secret", "args": {"secret": "name"}, "result": "text_json"},
    "list": {"tool": "list_secrets", "args": {"prefix": "prefix"}, "result": "text_json", "fields": {"keys": "/names"}},
    "refusals": {"insufficient_scope": {"tool_error": ["insufficient scope"]},
                 "invalid_argument": {"tool_error": ["invalid secret name"]},
                 "not_found": {"tool_error": ["secret not found"]}}}})";
  return stack::target_profile(stack::parse_service_entry(json, "services.oauth-cc-python"), "oauth-cc-python");
}

StepOutcome tool_answer(int status, bool tool_error = false, std::string text = "") {
  StepOutcome out;
  out.http.status = status;
  out.rpc.result = status == 200;
  out.tool.error = tool_error;
  out.tool.text = std::move(text);
  return out;
}

TEST(CapabilityCallTest, TheStepsArgumentsGoUnderTheToolsNames) {
  const Json step = {{"secret", "shared/note"}, {"data", {{"written_by", "agent-a"}}}};
  EXPECT_EQ(capability_arguments_json(capability_tool(agent_bridge(), "write", "agent-bridge-mcp"), step),
            (Json{{"path", "shared/note"}, {"data", {{"written_by", "agent-a"}}}}));
  EXPECT_EQ(capability_arguments_json(capability_tool(fastmcp(), "read", "oauth-cc-python"), {{"secret", "jira"}}),
            (Json{{"name", "jira"}}));
  EXPECT_EQ(capability_arguments_json(capability_tool(fastmcp(), "list", "oauth-cc-python"), Json::object()), Json::object());
}

TEST(CapabilityCallTest, AProfileWithoutTheCapabilityIsAnErrorNamingTheService) {
  const stack::TargetProfile& reference = *stack::builtin_profile("reference");
  try {
    (void)capability_tool(reference, "read", "jira-mcp");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("services.jira-mcp maps no tools to capabilities (profile reference, key \"tools\")"));
  }
}

// A server of the user design that names the design's tools its own way (the MCP TypeScript
// SDK's camelCase): the steps' reference names and arguments go out as its.
TEST(CapabilityCallTest, ANamedToolGoesOutUnderTheNameTheMapGivesIt) {
  const std::string json = R"({"url": "http://127.0.0.1:8000/sse", "plays": "jira-mcp", "tools": {
    "get_issue": {"tool": "jiraGetIssue", "args": {"issue_key": "key"}},
    "list_issues": {"tool": "jiraSearch"}}})";
  const stack::TargetProfile profile = stack::target_profile(stack::parse_service_entry(json, "services.devtools"), "devtools");
  const NamedCall get = named_call(profile, "get_issue", {{"issue_key", "DEMO-1"}, {"fields", "summary"}});
  EXPECT_EQ(get.tool, "jiraGetIssue");
  EXPECT_EQ(get.args, (Json{{"key", "DEMO-1"}, {"fields", "summary"}})) << "an argument the map does not rename keeps its name";
  EXPECT_EQ(named_call(profile, "list_issues", {{"jql", "project = DEMO"}}).args, (Json{{"jql", "project = DEMO"}}));
  const NamedCall other = named_call(profile, "list_repos", Json::object());
  EXPECT_EQ(other.tool, "list_repos") << "a tool the map does not rename is called by its reference name";
  EXPECT_EQ(named_call(agent_bridge(), "get_issue", {{"issue_key", "DEMO-1"}}).tool, "get_issue");
}

// A raw `http` step's JSON-RPC body and its Mcp-Name header call the same tools as this server
// names them: a batch item by item, any other body untouched.
TEST(CapabilityCallTest, ARawBodyCallsItsToolsUnderTheNamesTheMapGivesThem) {
  const std::string json = R"({"url": "http://127.0.0.1:8000/mcp", "plays": "jira-mcp", "tools": {
    "get_issue": {"tool": "jiraGetIssue", "args": {"issue_key": "key"}}}})";
  const stack::TargetProfile profile = stack::target_profile(stack::parse_service_entry(json, "services.devtools"), "devtools");
  const std::string call =
      R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_issue","arguments":{"issue_key":"DEMO-1"},"_meta":{"k":1}}})";
  const auto named = body_with_named_tools(profile, call);
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(Json::parse(*named)["params"],
            (Json{{"name", "jiraGetIssue"}, {"arguments", {{"key", "DEMO-1"}}}, {"_meta", {{"k", 1}}}}));
  const auto batch = body_with_named_tools(profile, "[" + call + R"(,{"jsonrpc":"2.0","id":5,"method":"tools/list"}])");
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(Json::parse(*batch)[0]["params"]["name"], "jiraGetIssue");
  EXPECT_EQ(Json::parse(*batch)[1], (Json{{"jsonrpc", "2.0"}, {"id", 5}, {"method", "tools/list"}}));
  EXPECT_FALSE(body_with_named_tools(profile, R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_repos"}})"));
  EXPECT_FALSE(body_with_named_tools(profile, "not json"));
  EXPECT_FALSE(body_with_named_tools(agent_bridge(), call)) << "a profile that renames nothing leaves the body as written";
  EXPECT_EQ(named_tool(profile, "get_issue"), "jiraGetIssue");
  EXPECT_EQ(named_tool(profile, "create_issue"), "create_issue");
}

// The tools the map may rename are those the families call by name: a file that calls another
// by name would find its rename refused as an unknown key, and a name no family calls would be
// a key that renames nothing.
TEST(CapabilityCallTest, TheNamedToolsAreThoseTheScenarioFilesCallByName) {
  std::set<std::string> called;
  for (const ScenarioFile& file : load_scenario_dir(MCPH_SCENARIOS_DIR)) {
    for (const Scenario& scenario : file.scenarios) {
      for (const Step& step : scenario.steps) {
        if (const auto* call = std::get_if<CallStep>(&step.spec); call && call->capability.empty()) called.insert(call->tool);
        if (const auto* sse = std::get_if<SseStep>(&step.spec); sse && !sse->tool.empty()) called.insert(sse->tool);
        if (const auto* load = std::get_if<LoadSpec>(&step.spec)) {
          for (const LoadCall& server : load->servers) called.insert(server.tool);
        }
      }
    }
  }
  const std::vector<std::string>& named = stack::named_tools();
  EXPECT_EQ(called, std::set<std::string>(named.begin(), named.end()));
}

// A team's policy renames only the operations the files name (policy_profile.h's `operations`).
TEST(CapabilityCallTest, TheScenarioOperationsAreThoseTheWorkloadStepsName) {
  std::set<std::string> named;
  for (const ScenarioFile& file : load_scenario_dir(MCPH_SCENARIOS_DIR)) {
    for (const Scenario& scenario : file.scenarios) {
      for (const Step& step : scenario.steps) {
        if (const auto* call = std::get_if<WorkloadStep>(&step.spec); call && !call->operation.empty()) named.insert(call->operation);
      }
    }
  }
  EXPECT_EQ(named, std::set<std::string>(std::begin(stack::kScenarioOperations), std::end(stack::kScenarioOperations)));
}

TEST(CapabilityCallTest, TheFieldsAreReadWhereTheMapSays) {
  const stack::CapabilityTool& bridge_read = capability_tool(agent_bridge(), "read", "agent-bridge-mcp");
  const Json structured = capability_source(bridge_read, R"({"found": true, "data": {"token": "agent-a-jira"}})", "ignored");
  EXPECT_EQ(capability_fields_of(bridge_read, structured), (Json{{"data", {{"token", "agent-a-jira"}}}}));

  const stack::TargetProfile server = fastmcp();
  const stack::CapabilityTool& list = capability_tool(server, "list", "oauth-cc-python");
  const Json text = capability_source(list, "", R"({"prefix": "", "names": ["deploy/", "jira"]})");
  EXPECT_EQ(capability_fields_of(list, text), (Json{{"keys", {"deploy/", "jira"}}}));
  // Text that is no JSON has no fields; a field not there is left out, for result_json to miss.
  EXPECT_EQ(capability_fields_of(list, capability_source(list, "", "Error executing tool")), Json::object());
}

TEST(CapabilityCallTest, AgentBridgeRefusalsAreToolErrorsInItsWordsAndFoundFalse) {
  const stack::ToolMap& map = *agent_bridge().tools;
  EXPECT_THAT(refusal_kinds(map, tool_answer(200, true, "insufficient_scope: this call needs scope write"), nullptr),
              ElementsAre("insufficient_scope"));
  EXPECT_THAT(refusal_kinds(map, tool_answer(200, true, "path refused: the path has a '..' segment"), nullptr),
              ElementsAre("invalid_argument"));
  EXPECT_THAT(refusal_kinds(map, tool_answer(403), nullptr), IsEmpty());  // not the refusal its session gives
  EXPECT_THAT(refusal_kinds(map, tool_answer(200), Json{{"found", false}}), ElementsAre("not_found"));
  EXPECT_THAT(refusal_kinds(map, tool_answer(200), Json{{"found", true}, {"data", {{"token", "agent-a-jira"}}}}), IsEmpty());
}

TEST(CapabilityCallTest, FastMcpRefusalsAreToolErrorsInItsWords) {
  const stack::TargetProfile server = fastmcp();
  const stack::ToolMap& map = *server.tools;
  EXPECT_THAT(refusal_kinds(map, tool_answer(200, true, "Error executing tool put_secret: insufficient scope: write required"), nullptr),
              ElementsAre("insufficient_scope"));
  EXPECT_THAT(refusal_kinds(map, tool_answer(200, true, "Error executing tool get_secret: secret not found: deploy/key"), nullptr),
              ElementsAre("not_found"));
  // The words without isError (a secret that happens to say so) are no refusal.
  EXPECT_THAT(refusal_kinds(map, tool_answer(200, false, R"({"data": {"note": "secret not found"}})"), nullptr), IsEmpty());
  EXPECT_THAT(refusal_kinds(map, tool_answer(200, true, "Error executing tool get_secret: vault unreachable"), nullptr), IsEmpty());
}

// A shape of status, challenge and JSON-RPC code: all must hold (a server's /mcp/rpc form).
TEST(CapabilityCallTest, EveryConditionOfAShapeMustHold) {
  stack::ToolMap map;
  map.refusals["insufficient_scope"].http_status = 403;
  map.refusals["insufficient_scope"].header_contains = {{"WWW-Authenticate", "insufficient_scope"}};
  map.refusals["invalid_argument"].jsonrpc_error = -32602;
  StepOutcome scope = tool_answer(403);
  scope.http.headers = {{"WWW-Authenticate", R"(Bearer error="insufficient_scope", scope="write")"}};
  EXPECT_THAT(refusal_kinds(map, scope, nullptr), ElementsAre("insufficient_scope"));
  EXPECT_THAT(refusal_kinds(map, tool_answer(403), nullptr), IsEmpty());  // without the challenge
  StepOutcome path = tool_answer(200);
  path.rpc.error = -32602;
  EXPECT_THAT(refusal_kinds(map, path, nullptr), ElementsAre("invalid_argument"));
  EXPECT_EQ(describe_refusal(map.refusals["insufficient_scope"]), R"(HTTP 403, WWW-Authenticate containing "insufficient_scope")");
}

TEST(CapabilityCallTest, RefusedHoldsOnlyForTheKindShownAndSaysHowTheServerRefuses) {
  const ExpectationKind& refused = *find_expectation_kind("refused");
  StepOutcome out = tool_answer(200);
  out.tool.refusal_shapes = {{"insufficient_scope", describe_refusal(agent_bridge().tools->refusals.at("insufficient_scope"))}};
  const CheckContext none{};
  const reports::Check accepted = refused.check("insufficient_scope", out, none);
  EXPECT_EQ(accepted.verdict, reports::Check::Verdict::failed);
  EXPECT_THAT(accepted.actual, HasSubstr(R"(this server refuses insufficient_scope with a tool error saying "insufficient_scope: ")"));
  out.tool.refusals = {"insufficient_scope"};
  EXPECT_EQ(refused.check("insufficient_scope", out, none).verdict, reports::Check::Verdict::held);
  // A step whose target describes no such refusal (a tool called by name) cannot tell.
  EXPECT_EQ(refused.check("not_found", out, none).verdict, reports::Check::Verdict::inconclusive);
  // Nor can it when the call failed in words the tool map has for no refusal: no grant was shown.
  StepOutcome unread = tool_answer(200, true, "Error executing tool get_secret: vault request failed: Client error '404 Not Found'");
  unread.tool.refusal_shapes = out.tool.refusal_shapes;
  const reports::Check unknown_words = refused.check("insufficient_scope", unread, none);
  EXPECT_EQ(unknown_words.verdict, reports::Check::Verdict::inconclusive);
  EXPECT_THAT(unknown_words.actual, HasSubstr("cannot be told"));
  // A refusal of another kind the map describes is evidence: the check it names was not made first.
  unread.tool.refusals = {"not_found"};
  EXPECT_EQ(refused.check("insufficient_scope", unread, none).verdict, reports::Check::Verdict::failed);
  EXPECT_TRUE(shape_problem(ValueShape::refusal_kind, "forbidden").has_value());
  EXPECT_FALSE(shape_problem(ValueShape::refusal_kind, "not_found").has_value());
}

}  // namespace
}  // namespace mcph::harness::scenario

namespace mcph::harness::scenario {
namespace {

std::string agent_file(const std::string& step) {
  return "suite: agent_identity\nfamily: agent-identity\ndescription: d\nscenarios:\n  - name: n\n    property: reads-another-agents-secrets\n"
         "    steps:\n      - as: agent-a\n" + step;
}

std::string load_error_of(const std::string& step) {
  try {
    (void)parse_scenario_file(agent_file(step), "scenarios/x.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CapabilityCallStep, ReadsTheCapabilityAndItsArgumentsByTheirOwnNames) {
  const ScenarioFile file = parse_scenario_file(
      agent_file("        call: agent-bridge-mcp\n        capability: write\n        secret: shared/note\n"
                 "        data: {written_by: agent-a}\n        expect: {ok: true}\n"),
      "scenarios/x.yaml");
  const CallStep& step = file.scenarios.at(0).steps.at(0).get<CallStep>();
  EXPECT_EQ(step.server, "agent-bridge-mcp");
  EXPECT_EQ(step.capability, "write");
  EXPECT_TRUE(step.tool.empty());
  EXPECT_EQ(Json::parse(step.args), (Json{{"secret", "shared/note"}, {"data", {{"written_by", "agent-a"}}}}));
}

TEST(CapabilityCallStep, AResourceIsReadByItsSecretAndOwner) {
  const ScenarioFile file = parse_scenario_file(
      agent_file("        call: agent-bridge-mcp\n        capability: read_resource\n        owner: agent-b\n        secret: jira\n"),
      "scenarios/x.yaml");
  const CallStep& step = file.scenarios.at(0).steps.at(0).get<CallStep>();
  EXPECT_EQ(step.capability, "read_resource");
  const Json args = Json::parse(step.args);
  EXPECT_EQ(args, (Json{{"secret", "jira"}, {"owner", "agent-b"}}));
  EXPECT_EQ(resource_uri(agent_bridge(), "agent-bridge-mcp", args, "agent-a"), "kv://agent-b/jira");
  EXPECT_EQ(resource_uri(agent_bridge(), "agent-bridge-mcp", {{"secret", "../agent-b/jira"}}, "agent-a"), "kv://agent-a/../agent-b/jira")
      << "no owner: the caller's own URI, the secret as written";
  const stack::TargetProfile tools_only = stack::target_profile(
      stack::parse_service_entry(R"({"url": "http://127.0.0.1:8000/mcp", "tools": {"read": {"tool": "get_secret"}}})", "services.secrets-mcp"),
      "secrets-mcp");
  try {
    (void)resource_uri(tools_only, "secrets-mcp", args, "agent-a");
    ADD_FAILURE() << "a map without read_resource names no URI";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("services.secrets-mcp.tools has no read_resource"));
  }
}

TEST(CapabilityCallStep, AMistakeNamesItsField) {
  const std::string call = "        call: agent-bridge-mcp\n";
  EXPECT_THAT(load_error_of(call + "        capability: raed\n        secret: jira\n"),
              HasSubstr("capability: expected one of read, write, list, delete, read_resource, got \"raed\""));
  EXPECT_THAT(load_error_of(call + "        capability: list\n        secret: jira\n"), HasSubstr("the capability list takes prefix"));
  EXPECT_THAT(load_error_of(call + "        capability: write\n        secret: jira\n"), HasSubstr("the capability write needs data:"));
  EXPECT_THAT(load_error_of(call + "        capability: read\n        args: {path: jira}\n"),
              HasSubstr("a capability call takes secret, prefix or data"));
  EXPECT_THAT(load_error_of("        call: agent-bridge-mcp.kv\n        capability: read\n        secret: jira\n"),
              HasSubstr("names the server alone"));
  EXPECT_THAT(load_error_of("        call: agent-bridge-mcp.kv.read\n        secret: jira\n"), HasSubstr("is a capability call's argument"));
  EXPECT_THAT(load_error_of(call + "        capability: read\n        secret: jira\n        expect: {refused: forbidden}\n"),
              HasSubstr("insufficient_scope, invalid_argument, not_found"));
  EXPECT_THAT(load_error_of(call + "        capability: read\n        owner: agent-b\n        secret: jira\n"),
              HasSubstr("the capability read takes secret"));
  EXPECT_THAT(load_error_of(call + "        capability: read_resource\n        owner: agent-b\n"), HasSubstr("the capability read_resource needs secret:"));
  EXPECT_THAT(load_error_of(call + "        capability: read_resource\n        secret: jira\n        batch: 3\n"),
              HasSubstr("read_resource is resources/read"));
  EXPECT_THAT(load_error_of("        call: jira.get_issue\n        owner: agent-b\n"), HasSubstr("is a capability call's argument"));
}

}  // namespace
}  // namespace mcph::harness::scenario
