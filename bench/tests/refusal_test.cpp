// refusal_of, tool_call_failure: a benchmark that a server refuses says what the server said, and
// when it asks to be tried again, rather than its status alone.
#include <gtest/gtest.h>

#include <string>

#include "mcph/bench/mcp_servers.h"

namespace mcph::bench {
namespace {

TEST(Refusal, SaysWhatTheServerSaidAndWhenToTryAgain) {
  mcp::RpcOutcome init;
  init.http_status = 429;
  init.headers = {{"Retry-After", "42"}};
  init.body = R"({"error_description":"too_many_proofs: this agent holds 200 live DPoP proofs"})" "\nmore";
  EXPECT_EQ(refusal_of("initialize at http://127.0.0.1:1/mcp", init),
            "initialize at http://127.0.0.1:1/mcp answered HTTP 429: "
            R"({"error_description":"too_many_proofs: this agent holds 200 live DPoP proofs"})"
            " (it asks to be tried again in 42 s)");
}

TEST(Refusal, PrefersAJsonRpcErrorsMessageAndCutsALongBody) {
  mcp::RpcOutcome init;
  init.http_status = 400;
  init.error = mcp::RpcError{-32600, "Bad Request: unsupported protocol version", ""};
  init.body = "ignored";
  EXPECT_EQ(refusal_of("initialize at u", init), "initialize at u answered HTTP 400: Bad Request: unsupported protocol version");
  init.error.reset();
  init.body = std::string(1000, 'x');
  const auto why = refusal_of("initialize at u", init);
  EXPECT_LT(why.size(), 300u);
  EXPECT_NE(why.find("…"), std::string::npos);
  init.body.clear();
  EXPECT_EQ(refusal_of("initialize at u", init), "initialize at u answered HTTP 400");
}

TEST(Refusal, ACredentialTheServerEchoesIsMasked) {
  mcp::RpcOutcome init;
  init.http_status = 401;
  init.body = "invalid token: Bearer abcdefghijklmnopqrstuvwxyz0123456789";
  const auto why = refusal_of("initialize at u", init);
  EXPECT_EQ(why.find("abcdefghijklmnop"), std::string::npos) << why;
  EXPECT_NE(why.find("****6789"), std::string::npos) << why;
}

TEST(Refusal, AToolCallSaysWhetherItWasRefusedOrEndedInAnError) {
  mcp::ToolCallOutcome call;
  call.rpc.http_status = 429;
  call.rpc.body = "rate_limited";
  EXPECT_EQ(tool_call_failure(call), "the tool call answered HTTP 429: rate_limited");
  call.rpc.http_status = 200;
  call.rpc.result = R"({"content":[{"type":"text","text":"no such issue"}],"isError":true})";
  call.is_error = true;
  EXPECT_EQ(tool_call_failure(call).rfind("the tool call ended in an error: ", 0), 0u) << tool_call_failure(call);
  call.is_error = false;
  EXPECT_EQ(tool_call_failure(call), "");
}

}  // namespace
}  // namespace mcph::bench
