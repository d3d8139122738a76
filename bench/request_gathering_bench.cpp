// What gathering a request in the reactor costs (lib/http/src/request_gathering.h): the head
// parsed once more, to know whether the body it announces has all arrived, for a typical MCP
// tools/call (a bearer token, a JSON body); and a chunked body that trickles in, looked at
// again at each piece that arrives. Items are requests; compare with a tool call's time
// (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "request_gathering.h"

namespace {

using mcph::http::detail::Gathering;
using mcph::http::detail::gathering_state;
using mcph::http::detail::RequestGathering;

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

// A chunked body of `body_bytes` in chunks of 1 KiB, each with an extension, and a trailer.
std::string chunked_request(std::size_t body_bytes) {
  std::string request =
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:41234\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t left = body_bytes; left > 0;) {
    const std::size_t chunk = std::min<std::size_t>(left, 1024);
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx;n=1\r\n", chunk);
    request += size_line + std::string(chunk, 'x') + "\r\n";
    left -= chunk;
  }
  return request + "0\r\nX-Trailer: 1\r\n\r\n";
}

// The request arriving 16 bytes at a time, each piece a wake-up that looks at what arrived so
// far, until it is whole: what a client trickling its body costs the server's CPU. Arg: the
// body's size.
void BM_TrickledChunkedBody(benchmark::State& state) {
  const std::string request = chunked_request(static_cast<std::size_t>(state.range(0)));
  constexpr std::size_t kPiece = 16;
  for (auto _ : state) {
    RequestGathering gathering(1024 * 1024);
    Gathering got = Gathering::need_more;
    for (std::size_t size = kPiece; got != Gathering::whole; size += kPiece) {
      got = gathering.advance(std::string_view(request).substr(0, std::min(size, request.size())));
    }
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(request.size()));
}
BENCHMARK(BM_TrickledChunkedBody)->Arg(4 << 10)->Arg(16 << 10)->Arg(64 << 10)->Unit(benchmark::kMicrosecond);

}  // namespace
