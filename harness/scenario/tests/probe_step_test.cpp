// An http step's `probe: true`: the request its target answers with 200 when the caller is
// authorised, chosen by the target's profile. A server that speaks as the original demo's do —
// plain JSON-RPC on POST /sse, tools/list answered, initialize refused with "Unknown method"
// and 400 — must pass the steps that expect an accepted request for what it is, not fail them
// because the harness sent a method it does not serve.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/http/server.h"
#include "mcph/mcp/server.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;
using Status = reports::ScenarioResult::Status;

// POST /sse as the demo's servers answer it: a Bearer token or 401; tools/list → 200; any other
// method → 400 with JSON-RPC "Unknown method". It records the methods and params it was sent.
// Beside it GET /hello, a protected resource that is no JSON-RPC method: a Bearer token or 401,
// recorded as {"method": "GET /hello"}.
class DemoLikeServer {
 public:
  DemoLikeServer() {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/sse", [this](const http::Request& req, http::Response& res) {
      if (req.header("Authorization").rfind("Bearer ", 0) != 0) {
        res.set_json(401, R"({"detail":"Bearer token required"})");
        return;
      }
      const Json body = Json::parse(req.body, nullptr, false);
      const std::string method = body.is_object() ? body.value("method", "") : "";
      {
        const std::lock_guard<std::mutex> hold(lock_);
        received_.push_back(body);
      }
      if (method == "tools/list") {
        res.set_json(200, Json{{"jsonrpc", "2.0"}, {"id", body["id"]}, {"result", {{"tools", Json::array()}}}}.dump());
        return;
      }
      res.set_json(400, Json{{"jsonrpc", "2.0"},
                             {"id", body.is_object() ? body.value("id", Json()) : Json()},
                             {"error", {{"code", -32601}, {"message", "Unknown method: " + method}}}}
                            .dump());
    });
    server_->route("GET", "/hello", [this](const http::Request& req, http::Response& res) {
      if (req.header("Authorization").rfind("Bearer ", 0) != 0) {
        res.set_json(401, R"({"detail":"Bearer token required"})");
        return;
      }
      {
        const std::lock_guard<std::mutex> hold(lock_);
        received_.push_back({{"method", "GET /hello"}});
      }
      res.set_json(200, R"({"hello":"alice"})");
    });
    server_->start();
  }

  std::string url() const { return server_->url() + "/sse"; }
  std::vector<Json> received() const {
    const std::lock_guard<std::mutex> hold(lock_);
    return received_;
  }
  std::vector<std::string> methods() const {
    std::vector<std::string> out;
    for (const auto& message : received()) out.push_back(message.value("method", ""));
    return out;
  }

 private:
  std::unique_ptr<http::Server> server_;
  mutable std::mutex lock_;
  std::vector<Json> received_;
};

// A held token (no identity provider needed), the probe with it, the probe without any token.
const char* kProbeScenario = R"(suite: probe
scenarios:
  - name: the probe is accepted with a token and refused without
    steps:
      - token: raw
        as: alice
        name: t
        value: a-token-for-the-probe
      - http: {server: jira-mcp, probe: true}
        with_token: t
        expect: {http_status: 200}
      - http: {server: jira, probe: true, auth: none}
        expect: {http_status: 401}
)";

class ProbeStep : public ::testing::Test {
 protected:
  reports::ScenarioResult run(const std::map<std::string, nlohmann::json>& profile) {
    // As a user writes it: the server's URL and its profile's fields.
    nlohmann::json entry = {{"url", server_.url()}};
    for (const auto& [key, value] : profile) entry[key] = value;
    ScenarioRunner runner(stack::StackFile::parse(nlohmann::json{{"mode", "external"}, {"services", {{"jira-mcp", entry}}}}.dump()));
    return runner.run(parse_scenario_file(kProbeScenario, "probe.yaml")).scenarios.at(0);
  }

  static std::string failures(const reports::ScenarioResult& result) {
    std::string out;
    for (const auto& failure : result.failures) out += failure.step + " | " + failure.expectation + " | " + failure.actual + "\n";
    return out + result.message;
  }

  DemoLikeServer server_;
};

TEST_F(ProbeStep, ALegacyTargetThatRefusesInitializeIsProbedWithToolsList) {
  const auto result = run({{"profile", "demo-python"}});
  EXPECT_EQ(result.status, Status::passed) << failures(result);
  EXPECT_THAT(server_.methods(), ElementsAre("tools/list"));  // the unauthorised probe never got past 401
}

// The artifact the probe removes: the same steps with initialize (what the scenario files sent
// before) never reach this server's check though it let the caller in: its "method not found"
// (-32601) is no verdict, and the scenario is inconclusive, saying so. The stack file's "probe"
// overrides the profile's.
TEST_F(ProbeStep, InitializeIsRefusedByTheSameServerAsAnUnknownMethod) {
  const auto result = run({{"profile", "demo-python"}, {"probe", "initialize"}});
  EXPECT_EQ(result.status, Status::error) << failures(result);
  EXPECT_THAT(result.message, HasSubstr("step 2 was not reached: 400"));
  EXPECT_THAT(result.message, HasSubstr("no method or tool of the name the step calls"));
  EXPECT_THAT(server_.methods(), ElementsAre("initialize"));
}

// A reference server's probe is the MCP initialize a client opens a session with.
TEST_F(ProbeStep, AReferenceTargetIsProbedWithAnInitializeAsAClientSendsIt) {
  (void)run({});
  const auto received = server_.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["method"], "initialize");
  EXPECT_EQ(received[0]["jsonrpc"], "2.0");
  EXPECT_TRUE(received[0]["params"]["protocolVersion"].is_string());
  EXPECT_TRUE(received[0]["params"]["clientInfo"].contains("name"));
}

// A server whose protected resource is a plain HTTP request: the profile's probe as an object is
// that request, sent as it says (method, path from the origin, no body), with the token or without.
TEST_F(ProbeStep, AProbeThatIsAPlainHttpRequestIsSentAsTheProfileWritesIt) {
  const auto result = run({{"profile", "demo-python"}, {"probe", {{"method", "GET"}, {"path", "/hello"}}}});
  EXPECT_EQ(result.status, Status::passed) << failures(result);
  EXPECT_THAT(server_.methods(), ElementsAre("GET /hello"));  // the unauthorised probe never got past 401
}

TEST_F(ProbeStep, OnlyAnMcpServerHasAProbe) {
  stack::StackFile stack;
  stack.mode = stack::StackMode::external;
  stack.services["vault"].url = server_.url();
  ScenarioRunner runner(stack);
  const auto result = runner.run(parse_scenario_file(R"(suite: probe
scenarios:
  - name: a probe to Vault
    steps:
      - http: {server: vault, probe: true, auth: none}
        expect: {http_status: 200}
)", "probe.yaml")).scenarios.at(0);
  EXPECT_EQ(result.status, Status::error);
  EXPECT_THAT(result.message, HasSubstr("probe: vault is not an MCP server"));
  EXPECT_TRUE(server_.received().empty());
}

// A server of the HTTP+SSE transport (2024-11-05) only: GET /sse opens the stream, POST
// /messages/ carries the messages; nothing answers a request on /sse by itself (a POST there is
// 404). Only the token "good" is let in.
class SseOnlyServer {
 public:
  SseOnlyServer() {
    http::ServerOptions http_options;
    http_options.access_log = false;
    http_ = std::make_unique<http::Server>(http_options);
    mcp::ServerOptions options;
    options.sse_path = "/sse";
    options.authenticate = [](const http::Request& request) {
      if (request.header("Authorization") != "Bearer good") return mcp::AuthResult::unauthorized("Bearer", "no good token");
      mcp::Principal principal;
      principal.subject = "alice";
      return mcp::AuthResult::allow(principal);
    };
    mcp_ = std::make_unique<mcp::Server>(options);
    mcp_->mount(*http_);
    http_->start();
  }
  ~SseOnlyServer() { http_->stop(); }
  std::string url() const { return http_->url() + "/sse"; }

 private:
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<mcp::Server> mcp_;
};

// Over HTTP+SSE the probe opens the stream as a client lets itself in (GET, initialize): 200 for
// the caller the server lets in, its refusal for one it does not. Sent as a POST to the stream's
// URL, it would never reach the check (404), and every such step would be inconclusive.
TEST(ProbeStepOverSse, AnSseTargetIsProbedByOpeningItsStream) {
  SseOnlyServer server;
  const nlohmann::json entry = {{"url", server.url()}, {"transport", "sse"}};
  ScenarioRunner runner(stack::StackFile::parse(nlohmann::json{{"mode", "external"}, {"services", {{"jira-mcp", entry}}}}.dump()));
  const auto result = runner.run(parse_scenario_file(R"(suite: probe
scenarios:
  - name: the stream opens with a good token and is refused without one or with another
    steps:
      - token: raw
        as: alice
        name: good
        value: good
      - token: raw
        as: alice
        name: bad
        value: bad
      - http: {server: jira-mcp, probe: true}
        with_token: good
        expect: {http_status: 200}
      - http: {server: jira-mcp, probe: true}
        with_token: bad
        expect: {http_status: 401}
      - http: {server: jira-mcp, probe: true, auth: none}
        expect: {http_status: 401}
)", "probe.yaml")).scenarios.at(0);
  std::string failed;
  for (const auto& failure : result.failures) failed += failure.step + " | " + failure.expectation + " | " + failure.actual + "\n";
  EXPECT_EQ(result.status, Status::passed) << failed << result.message;
}

TEST(ProbeStepLoader, AProbeIsTrueAndTheStepsOnlyBody) {
  const ScenarioFile file = parse_scenario_file(
      "suite: p\nscenarios:\n  - name: one\n    steps:\n      - http: {server: jira-mcp, probe: true, auth: none}\n", "p.yaml");
  EXPECT_TRUE(file.scenarios.at(0).steps.at(0).get<HttpStep>().probe);
  EXPECT_FALSE(file.scenarios.at(0).steps.at(0).get<HttpStep>().body.has_value());

  const auto error = [](const std::string& http) {
    try {
      parse_scenario_file("suite: p\nscenarios:\n  - name: one\n    steps:\n      - http: " + http + "\n", "p.yaml");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_THAT(error("{server: jira-mcp, probe: false, auth: none}"),
              HasSubstr("p.yaml:5: scenarios[0].steps[0].http.probe: expected true (the target profile's probe request)"));
  EXPECT_THAT(error("{server: jira-mcp, probe: tools/list, auth: none}"), HasSubstr("http.probe: expected true"));
  EXPECT_THAT(error("{server: jira-mcp, probe: true, json: {a: 1}, auth: none}"),
              HasSubstr("body, json, body_bytes and probe: give one"));
}

}  // namespace
}  // namespace mcph::harness::scenario
