// What gathering a request in the reactor costs (lib/http/src/request_gathering.h): the head
// parsed once more, to know whether the body it announces has all arrived, for a typical MCP
// tools/call (a bearer token, a JSON body). Items are requests; compare with a tool call's
// time (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <string>

#include "request_gathering.h"

namespace {

using mcph::http::detail::Gathering;
using mcph::http::detail::gathering_state;

std::string tools_call() {
  const std::string body =
      R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_issue","arguments":{"issue_key":"DEMO-1"}}})";
  return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:41234\r\nContent-Type: application/json\r\n"
         "Accept: application/json, text/event-stream\r\nMcp-Session-Id: 3f6c2a4e8b1d4c559e7a1a2b3c4d5e6f\r\n"
         "MCP-Protocol-Version: 2025-06-18\r\n"
         "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
         "Authorization: Bearer " + std::string(1100, 'x') + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

void BM_WholeRequest(benchmark::State& state) {
  const std::string request = tools_call();
  for (auto _ : state) benchmark::DoNotOptimize(gathering_state(request, 1024 * 1024));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WholeRequest);

// The same request with its last body byte missing: what each early wake-up of a trickling
// client costs.
void BM_RequestMissingItsLastByte(benchmark::State& state) {
  std::string request = tools_call();
  request.pop_back();
  for (auto _ : state) benchmark::DoNotOptimize(gathering_state(request, 1024 * 1024));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestMissingItsLastByte);

}  // namespace
