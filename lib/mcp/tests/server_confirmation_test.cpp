// A tool that runs only once the user confirms it (ToolDefinition::confirmation): in the modern
// era two round trips, the first answered input_required with a sealed requestState; the state
// taken only from its caller, unaltered, in time, for the request it was issued for, and once.
// The UNSAFE switches let their checks through.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "mcph/mcp/protocol.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;

class ServerConfirmationTest : public ::testing::Test {
 protected:
  explicit ServerConfirmationTest(ServerOptions tweaks = {}) {
    testing::TestServerOptions test;
    test.authentication = true;
    ServerOptions options = testing::test_server_options(test);
    options.request_state_ttl = tweaks.request_state_ttl;
    options.unsafe_request_state_unsealed = tweaks.unsafe_request_state_unsealed;
    options.unsafe_request_state_any_caller = tweaks.unsafe_request_state_any_caller;
    options.unsafe_request_state_no_expiry = tweaks.unsafe_request_state_no_expiry;
    options.unsafe_request_state_any_request = tweaks.unsafe_request_state_any_request;
    options.unsafe_request_state_reusable = tweaks.unsafe_request_state_reusable;
    options.unsafe_confirmation_any_answer = tweaks.unsafe_confirmation_any_answer;
    mcp_ = std::make_unique<Server>(options);
    ToolDefinition erase{.name = "erase_note", .description = "Erases a note.",
                         .input_schema = R"({"type":"object","properties":{"note":{"type":"string"}},"required":["note"]})"};
    erase.confirmation = "Erase this note for good?";
    mcp_->add_tool(erase, [this](const Arguments& arguments, ToolContext& context) {
      ++erased_;
      return ToolResult::text("erased " + *arguments.get_string("note") + " as " + context.principal().subject);
    });
    http::ServerOptions http_options;
    http_options.access_log = false;
    http_ = std::make_unique<http::Server>(http_options);
    mcp_->mount(*http_);
    http_->start();
    client_ = std::make_unique<http::Client>(http_->url());
  }
  ~ServerConfirmationTest() override { http_->stop(); }

  static json call(const std::string& note, const json& extra = json::object(), json capabilities = {{"elicitation", json::object()}}) {
    json params{{"name", "erase_note"}, {"arguments", {{"note", note}}}};
    params["_meta"][std::string(kMetaProtocolVersion)] = "2026-07-28";
    params["_meta"][std::string(kMetaClientCapabilities)] = std::move(capabilities);
    params.update(extra);
    return {{"jsonrpc", "2.0"}, {"id", 5}, {"method", "tools/call"}, {"params", std::move(params)}};
  }
  static json yes(const std::string& state) {
    return {{"requestState", state}, {"inputResponses", {{"confirm", {{"action", "accept"}, {"content", {{"confirm", true}}}}}}}};
  }

  http::ClientResponse post(const json& message, const std::string& user = "alice") {
    return client_->post("/mcp", message.dump(), "application/json",
                         testing::post_headers({{"MCP-Protocol-Version", "2026-07-28"},
                                                {"Mcp-Method", "tools/call"},
                                                {"Mcp-Name", "erase_note"},
                                                {"Authorization", "Bearer " + user + "-token"}}));
  }
  // The first round's requestState, for `user`.
  std::string first_round(const std::string& note, const std::string& user = "alice") {
    const auto response = post(call(note), user);
    const json result = json::parse(response.body)["result"];
    EXPECT_EQ(result["resultType"], "input_required") << response.body;
    return result.value("requestState", "");
  }
  // The retry's answer: the result, or the error.
  json retry(const std::string& note, const json& extra, const std::string& user = "alice") {
    return json::parse(post(call(note, extra), user).body);
  }

  std::unique_ptr<Server> mcp_;
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<http::Client> client_;
  std::atomic<int> erased_{0};
};

TEST_F(ServerConfirmationTest, TheFirstRoundAsksAndRunsNothing) {
  const auto response = post(call("n1"));
  ASSERT_EQ(response.status, 200) << response.body;
  const json result = json::parse(response.body)["result"];
  EXPECT_EQ(result["resultType"], "input_required");
  EXPECT_EQ(result["inputRequests"]["confirm"]["method"], "elicitation/create");
  EXPECT_EQ(result["inputRequests"]["confirm"]["params"]["message"], "Erase this note for good?");
  EXPECT_FALSE(result["requestState"].get<std::string>().empty());
  EXPECT_FALSE(result.contains("cacheScope")) << "input_required results carry no caching hints";
  EXPECT_EQ(erased_, 0);
}

TEST_F(ServerConfirmationTest, TheCallersOwnRetryWithAYesRuns) {
  const json answer = retry("n1", yes(first_round("n1")));
  EXPECT_EQ(answer["result"]["resultType"], "complete") << answer;
  EXPECT_EQ(answer["result"]["content"][0]["text"], "erased n1 as alice");
  EXPECT_EQ(erased_, 1);
}

TEST_F(ServerConfirmationTest, ANoOrNoAnswerRunsNothing) {
  json no = yes(first_round("n1"));
  no["inputResponses"]["confirm"]["action"] = "decline";
  EXPECT_EQ(retry("n1", no)["result"]["isError"], true);
  json not_a_yes = yes(first_round("n1"));
  not_a_yes["inputResponses"]["confirm"]["content"]["confirm"] = "yes";
  EXPECT_EQ(retry("n1", not_a_yes)["result"]["isError"], true) << "only the boolean true is a yes";
  EXPECT_EQ(retry("n1", {{"requestState", first_round("n1")}})["result"]["resultType"], "input_required");
  EXPECT_EQ(erased_, 0);
}

// A confirmation authorises one run: the same retry sent again is refused, whatever it answered
// the first time, and a new question gets a new state.
TEST_F(ServerConfirmationTest, AStateIsTakenOnce) {
  const std::string state = first_round("n1");
  EXPECT_EQ(retry("n1", yes(state))["result"]["resultType"], "complete");
  const json again = retry("n1", yes(state));
  EXPECT_EQ(again["error"]["code"], -32602) << again;
  EXPECT_NE(again["error"]["message"].get<std::string>().find("already been used"), std::string::npos) << again;
  EXPECT_EQ(erased_, 1);

  const std::string asked_again = first_round("n1");
  EXPECT_NE(asked_again, state);
  EXPECT_EQ(retry("n1", {{"requestState", asked_again}})["result"]["resultType"], "input_required");
  EXPECT_EQ(retry("n1", yes(asked_again))["error"]["code"], -32602) << "a state that was answered with a new question is spent";
  EXPECT_EQ(erased_, 1);
}

TEST_F(ServerConfirmationTest, AClientWithoutElicitationIsToldWhatItLacks) {
  const auto response = post(call("n1", json::object(), json::object()));
  EXPECT_EQ(response.status, 400);
  const json error = json::parse(response.body)["error"];
  EXPECT_EQ(error["code"], jsonrpc::kMissingRequiredClientCapability);
  EXPECT_TRUE(error["data"]["requiredCapabilities"].contains("elicitation"));
}

TEST_F(ServerConfirmationTest, AStateIsRefusedFromAnotherCallerAlteredOrForAnotherRequest) {
  const std::string state = first_round("n1");
  const json bobs = retry("n1", yes(state), "bob");
  EXPECT_EQ(bobs["error"]["code"], -32602) << bobs;
  EXPECT_NE(bobs["error"]["message"].get<std::string>().find("another caller"), std::string::npos);
  EXPECT_EQ(retry("n1", yes(state + "x"))["error"]["code"], -32602);
  EXPECT_EQ(retry("n1", yes("garbage"))["error"]["code"], -32602);
  const json other = retry("n2", yes(state));
  EXPECT_NE(other["error"]["message"].get<std::string>().find("another request"), std::string::npos) << other;
  EXPECT_EQ(erased_, 0);
}

TEST_F(ServerConfirmationTest, TheLegacyEraCannotAskAndRunsNothing) {
  const std::string session = testing::open_session(*client_, "2025-11-25", {{"Authorization", "Bearer alice-token"}});
  ASSERT_FALSE(session.empty());
  const json message{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/call"},
                     {"params", {{"name", "erase_note"}, {"arguments", {{"note", "n1"}}}}}};
  const auto response = client_->post("/mcp", message.dump(), "application/json",
                                       testing::post_headers({{"Mcp-Session-Id", session},
                                                              {"Authorization", "Bearer alice-token"}}));
  EXPECT_EQ(json::parse(response.body)["result"]["isError"], true) << response.body;
  EXPECT_EQ(erased_, 0);
}

ServerOptions expiring() {
  ServerOptions options;
  options.request_state_ttl = std::chrono::milliseconds(50);
  return options;
}

class ServerConfirmationExpiryTest : public ServerConfirmationTest {
 protected:
  ServerConfirmationExpiryTest() : ServerConfirmationTest(expiring()) {}
};

TEST_F(ServerConfirmationExpiryTest, AnExpiredStateIsRefused) {
  const std::string state = first_round("n1");
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  const json answer = retry("n1", yes(state));
  EXPECT_NE(answer["error"]["message"].get<std::string>().find("expired"), std::string::npos) << answer;
  EXPECT_EQ(erased_, 0);
}

ServerOptions sabotaged() {
  ServerOptions options = expiring();
  options.unsafe_request_state_unsealed = true;
  options.unsafe_request_state_any_caller = true;
  options.unsafe_request_state_no_expiry = true;
  options.unsafe_request_state_any_request = true;
  options.unsafe_request_state_reusable = true;
  options.unsafe_confirmation_any_answer = true;
  return options;
}

class ServerConfirmationSabotageTest : public ServerConfirmationTest {
 protected:
  ServerConfirmationSabotageTest() : ServerConfirmationTest(sabotaged()) {}
};

TEST_F(ServerConfirmationSabotageTest, EachSwitchLetsItsDefectThrough) {
  const std::string state = first_round("n1");
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_EQ(retry("n1", yes(state), "bob")["result"]["content"][0]["text"], "erased n1 as bob");
  EXPECT_EQ(retry("n1", yes(state + "x"))["result"]["resultType"], "complete");
  EXPECT_EQ(retry("n2", yes(state))["result"]["content"][0]["text"], "erased n2 as alice");
  EXPECT_EQ(retry("n2", yes(state))["result"]["resultType"], "complete") << "taken again";
  json no = yes(first_round("n3"));
  no["inputResponses"]["confirm"]["action"] = "decline";
  EXPECT_EQ(retry("n3", no)["result"]["content"][0]["text"], "erased n3 as alice") << "a no runs it";
  EXPECT_EQ(erased_, 5);
}

}  // namespace
}  // namespace mcph::mcp
