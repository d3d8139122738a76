// A call step's answer to a server that asks for input before it runs a tool
// (steps/input_answer.h): what it sends back for each question, and what it leaves unanswered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "steps/input_answer.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

// An elicitation of a form whose `required` fields have these types.
Json form(const Json& properties, const Json& required, const std::string& message = "Delete DEMO-7 for good?") {
  return {{"method", "elicitation/create"},
          {"params", {{"mode", "form"}, {"message", message}, {"requestedSchema", {{"type", "object"}, {"properties", properties}, {"required", required}}}}}};
}

Json answered(const InputAnswer& answer, const Json& requests) {
  const auto responses = input_answerer(answer)(requests.dump());
  return responses ? Json::parse(*responses) : Json();
}

TEST(InputAnswer, AcceptSaysYesToEachBooleanTheFormRequires) {
  const Json requests = {{"confirm", form({{"confirm", {{"type", "boolean"}}}, {"note", {{"type", "string"}}}}, {"confirm"})}};
  EXPECT_EQ(answered({InputAction::accept, ""}, requests),
            (Json{{"confirm", {{"action", "accept"}, {"content", {{"confirm", true}}}}}}));
}

TEST(InputAnswer, AcceptCannotGuessAFieldOtherThanABooleanAndSaysWhichToGive) {
  const Json requests = {{"why", form({{"reason", {{"type", "string"}}}}, {"reason"})}};
  try {
    answered({InputAction::accept, ""}, requests);
    FAIL() << "a string was guessed";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("answer: accept cannot fill the form's field reason (string): give answer: {action: accept, content: {reason: …}}"));
  }
  EXPECT_EQ(answered({InputAction::accept, R"({"reason":"tidy"})"}, requests),
            (Json{{"why", {{"action", "accept"}, {"content", {{"reason", "tidy"}}}}}}))
      << "the content given is sent as it is";
}

TEST(InputAnswer, DeclineAndCancelCarryNoContent) {
  const Json requests = {{"confirm", form({{"confirm", {{"type", "boolean"}}}}, {"confirm"})}};
  EXPECT_EQ(answered({InputAction::decline, ""}, requests), (Json{{"confirm", {{"action", "decline"}}}}));
  EXPECT_EQ(answered({InputAction::cancel, ""}, requests), (Json{{"confirm", {{"action", "cancel"}}}}));
}

// The harness is no model and has no roots: a server asking for those is left asking, and the
// step says what it asked.
TEST(InputAnswer, AQuestionOtherThanAnElicitationIsLeftUnanswered) {
  const Json requests = {{"confirm", form({{"confirm", {{"type", "boolean"}}}}, {"confirm"})},
                         {"draft", {{"method", "sampling/createMessage"}, {"params", {{"maxTokens", 100}}}}}};
  EXPECT_TRUE(answered({InputAction::accept, ""}, requests).is_null());
  EXPECT_EQ(input_asked(requests.dump()), "elicitation/create: Delete DEMO-7 for good?; sampling/createMessage");
  EXPECT_EQ(input_asked(""), "a requestState to bring back");
}

}  // namespace
}  // namespace mcph::harness::scenario
