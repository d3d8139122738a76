// One MCP tool call over each transport, against an in-process mcp::Server on loopback with a
// tool that does nothing (an echo), one client: what the transport itself costs.
//   BM_ToolCall/streamable-http  POST /mcp, the response in the POST's answer
//   BM_ToolCall/sse              POST /messages/ (202), the response on the GET /sse stream,
//                                read by the client's stream thread and handed to the caller
// The session (and SSE's stream) is opened before the timed loop. Items are calls.
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>

#include "mcph/http/server.h"
#include "mcph/mcp/client.h"
#include "mcph/mcp/server.h"

namespace {

using namespace mcph;

struct EchoServer {
  mcp::Server mcp{[] {
    mcp::ServerOptions options;
    options.sse_path = "/sse";
    return options;
  }()};
  http::Server http{[] {
    http::ServerOptions options;
    options.access_log = false;
    return options;
  }()};

  EchoServer() {
    mcp::ToolDefinition echo;
    echo.name = "echo";
    echo.description = "Echoes its text";
    echo.input_schema = R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})";
    mcp.add_tool(echo, [](const mcp::Arguments& arguments, mcp::ToolContext&) {
      return mcp::ToolResult::text(*arguments.get_string("text"));
    });
    mcp.mount(http);
    http.start();
  }
};

void tool_call(benchmark::State& state, mcp::Transport transport) {
  static EchoServer server;
  mcp::ClientOptions options;
  options.transport = transport;
  mcp::Client client(server.http.url() + (transport == mcp::Transport::sse ? "/sse" : "/mcp"), options);
  if (!client.connect().ok()) throw std::runtime_error("connect failed");
  for (auto _ : state) {
    const auto call = client.call_tool("echo", R"({"text":"hello"})");
    if (!call.ok()) {
      state.SkipWithError("the tool call failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ToolCallStreamableHttp(benchmark::State& state) { tool_call(state, mcp::Transport::streamable_http); }
void BM_ToolCallSse(benchmark::State& state) { tool_call(state, mcp::Transport::sse); }
BENCHMARK(BM_ToolCallStreamableHttp)->Name("BM_ToolCall/streamable-http")->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_ToolCallSse)->Name("BM_ToolCall/sse")->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
