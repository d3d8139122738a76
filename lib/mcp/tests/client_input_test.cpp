// The client answering a call the server answers input_required (2026-07-28
// basic/patterns/mrtr): it declares elicitation, retries with its answers and the requestState
// echoed, keeps each round, and leaves the call input_required when it has no answer.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/mcp/client.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;

class ClientInputTest : public ::testing::Test {
 protected:
  ClientInputTest() {
    testing::TestServerOptions test;
    test.authentication = true;
    test.era = Era::modern;
    mcp_ = std::make_unique<Server>(testing::test_server_options(test));
    ToolDefinition erase{.name = "erase_note", .description = "Erases a note.",
                         .input_schema = R"({"type":"object","properties":{"note":{"type":"string"}},"required":["note"]})"};
    erase.confirmation = "Erase this note for good?";
    mcp_->add_tool(erase, [this](const Arguments& arguments, ToolContext&) {
      ++erased_;
      return ToolResult::text("erased " + *arguments.get_string("note"));
    });
    http::ServerOptions http_options;
    http_options.access_log = false;
    http_ = std::make_unique<http::Server>(http_options);
    mcp_->mount(*http_);
    http_->start();
  }
  ~ClientInputTest() override { http_->stop(); }

  Client client(InputAnswerer answer) {
    ClientOptions options;
    options.era = Era::modern;
    options.answer_input = std::move(answer);
    Client client(http_->url() + "/mcp", options);
    client.set_header("Authorization", "Bearer alice-token");
    return client;
  }

  std::unique_ptr<Server> mcp_;
  std::unique_ptr<http::Server> http_;
  std::atomic<int> erased_{0};
};

// Answers every request it is asked with `action` and, for accept, a yes.
InputAnswerer answering(const std::string& action, std::vector<std::string>* asked = nullptr) {
  return [action, asked](const std::string& requests) -> std::optional<std::string> {
    if (asked) asked->push_back(requests);
    const json asked_for = json::parse(requests);
    json responses = json::object();
    for (const auto& [key, request] : asked_for.items()) {
      responses[key] = {{"action", action}};
      if (action == "accept") responses[key]["content"] = {{"confirm", true}};
    }
    return responses.dump();
  };
}

TEST_F(ClientInputTest, AnAnsweredConfirmationRunsTheToolOnTheRetry) {
  std::vector<std::string> asked;
  Client alice = client(answering("accept", &asked));
  const ToolCallOutcome outcome = alice.call_tool("erase_note", R"({"note":"n1"})");
  ASSERT_TRUE(outcome.ok()) << outcome.rpc.body;
  EXPECT_EQ(outcome.text(), "erased n1");
  EXPECT_FALSE(outcome.input_required);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(json::parse(asked[0])["confirm"]["params"]["message"], "Erase this note for good?");
  ASSERT_EQ(outcome.earlier_rounds.size(), 1u) << "the first round is kept";
  EXPECT_EQ(json::parse(*outcome.earlier_rounds[0].result)["resultType"], "input_required");
  EXPECT_EQ(erased_, 1);
}

TEST_F(ClientInputTest, ADeclineRunsNothingAndIsTheToolsRefusal) {
  Client alice = client(answering("decline"));
  const ToolCallOutcome outcome = alice.call_tool("erase_note", R"({"note":"n1"})");
  EXPECT_TRUE(outcome.is_error) << outcome.rpc.body;
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(erased_, 0);
}

TEST_F(ClientInputTest, WithoutAnAnswerTheCallStaysInputRequiredAndIsNoSuccess) {
  Client alice = client([](const std::string&) { return std::nullopt; });
  const ToolCallOutcome outcome = alice.call_tool("erase_note", R"({"note":"n1"})");
  EXPECT_TRUE(outcome.rpc.ok()) << outcome.rpc.body;
  EXPECT_TRUE(outcome.input_required);
  EXPECT_FALSE(outcome.ok()) << "a question is not a tool that ran";
  EXPECT_FALSE(outcome.request_state.empty());
  EXPECT_EQ(json::parse(outcome.input_requests)["confirm"]["method"], "elicitation/create");
  EXPECT_TRUE(outcome.earlier_rounds.empty());
  EXPECT_EQ(erased_, 0);
}

TEST_F(ClientInputTest, AClientThatAnswersNothingDeclaresNoElicitationAndIsToldSo) {
  ClientOptions options;
  options.era = Era::modern;
  Client plain(http_->url() + "/mcp", options);
  plain.set_header("Authorization", "Bearer alice-token");
  const ToolCallOutcome outcome = plain.call_tool("erase_note", R"({"note":"n1"})");
  EXPECT_EQ(outcome.rpc.http_status, 400) << outcome.rpc.body;
  ASSERT_TRUE(outcome.rpc.error);
  EXPECT_EQ(outcome.rpc.error->code, jsonrpc::kMissingRequiredClientCapability);
}

TEST_F(ClientInputTest, AServerThatKeepsAskingIsLeftAskingAfterTheLastRound) {
  int rounds = 0;
  // An answer the server does not take as one (no content): it asks again each time.
  Client alice = client([&rounds](const std::string&) -> std::optional<std::string> {
    ++rounds;
    return R"({"other":{"action":"accept"}})";
  });
  const ToolCallOutcome outcome = alice.call_tool("erase_note", R"({"note":"n1"})");
  EXPECT_TRUE(outcome.input_required) << outcome.rpc.body;
  EXPECT_EQ(rounds, kMaxInputRounds);
  EXPECT_EQ(outcome.earlier_rounds.size(), static_cast<std::size_t>(kMaxInputRounds));
  EXPECT_EQ(erased_, 0);
}

}  // namespace
}  // namespace mcph::mcp
