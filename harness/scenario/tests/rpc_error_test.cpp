// The JSON-RPC error of an answer's body: an integer code and its message are the step's
// rpc.error; a server's own error object whose code is a word (a 401's
// {"error": {"code": "UNAUTHENTICATED"}}) is no JSON-RPC error, and reading it never throws.
#include <gtest/gtest.h>

#include "steps/rpc_outcome.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

TEST(RpcError, AJsonRpcErrorGivesItsCodeAndMessage) {
  StepOutcome out;
  take_rpc_error(Json::parse(R"({"jsonrpc": "2.0", "id": 1, "error": {"code": -32001, "message": "Session not found"}})"), out);
  EXPECT_EQ(out.rpc.error, -32001);
  EXPECT_EQ(out.rpc.error_message, "Session not found");
}

TEST(RpcError, AServersOwnErrorObjectWithAWordForACodeIsNone) {
  StepOutcome out;
  EXPECT_NO_THROW(take_rpc_error(Json::parse(R"({"error": {"code": "UNAUTHENTICATED", "detail": "DPoP proof rejected"}})"), out));
  EXPECT_FALSE(out.rpc.error.has_value());
  take_rpc_error(Json::parse(R"({"error": "invalid_token", "error_description": "expired"})"), out);
  take_rpc_error(Json::parse(R"([{"error": {"code": -32600}}])"), out);
  EXPECT_FALSE(out.rpc.error.has_value());
}

}  // namespace
}  // namespace mcph::harness::scenario
