// The era a stack's parameters name (`up --protocol`) at an MCP server the stack starts: the
// server is given it, serves it, and its stack-file entry says it, so that `run` speaks it.
// workload-mcp stands for every server started so (start_mcp_binary), started with
// --unsafe-no-auth, the one switch that admits a caller without a token: the era then shows in
// a bare initialize, without an identity provider to sign one.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/stack_params.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/proc/temp_dir.h"
#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

const std::string kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},)"
    R"("clientInfo":{"name":"t","version":"1"}}})";

// workload-mcp started by the stack's starter under `params`: its entry, and the status of a
// legacy initialize at it.
std::pair<ServiceEntry, int> start_and_initialize(const StackParams& params) {
  proc::TempDir run_dir("mcph-era");
  StackFile stack;
  StackContext context{params, run_dir.path(), MCPH_FIXTURES_DIR, stack, [](const std::string&) {}, {}, {}, {}, {}};
  RunningService running =
      start_mcp_binary(context, "workload-mcp",
                       {service_binary("workload-mcp"), "--port", "0", "--issuer", "http://127.0.0.1:9/realms/r",
                        "--agents-file", MCPH_AGENTS_FILE, "--opa-url", "http://127.0.0.1:9", "--unsafe-no-auth"});
  http::Client client(http::parse_url(running.entry.url).origin());
  const auto reply = client.request("POST", "/mcp", {{"Accept", "application/json, text/event-stream"}}, kInitialize,
                                    "application/json");
  running.stop();
  return {running.entry, reply.status};
}

TEST(McpServerEra, AnEraNamedIsServedAndWrittenIntoTheEntry) {
  StackParams params;
  params.protocol = "modern";
  const auto [entry, initialize_status] = start_and_initialize(params);
  EXPECT_EQ(entry.mcp.protocol, "modern");
  EXPECT_EQ(entry.mcp.transport, "streamable-http");
  EXPECT_TRUE(entry.url.ends_with("/mcp")) << entry.url;
  EXPECT_EQ(initialize_status, 400) << "a server of MCP 2026-07-28 alone refuses initialize";
}

TEST(McpServerEra, NoEraNamedLeavesTheServersOwnAndTheEntrySilent) {
  const auto [entry, initialize_status] = start_and_initialize(StackParams{});
  EXPECT_EQ(entry.mcp.protocol, "");
  EXPECT_EQ(initialize_status, 200) << "the servers' own era (dual) opens a session";
}

}  // namespace
}  // namespace mcph::harness::stack
