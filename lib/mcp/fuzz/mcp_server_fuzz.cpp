// Fuzzes the MCP server's Streamable HTTP transport and JSON-RPC handling in process: the
// protocol tests' server (tools echo, whoami, steps, bytes, fails; "Bearer alice-token" and
// "Bearer bob-token" authenticate, no Authorization is anonymous) mounted on an http::Server
// that is never started, fed through http::Server::dispatch. A fresh server per input.
//
// Input: up to 8 requests in lib/fuzz's text form (mcph/fuzz/http_requests.h), to /mcp or the
// legacy /sse. In header values, $SESSION becomes the Mcp-Session-Id of the latest answer that
// gave one, so a session opened by an initialize can be used (or misused) by what follows.
// Properties: no 5xx (an unexpected exception); a JSON answer parses, an event stream parses
// into events whose data are JSON; every JSON-RPC message says "jsonrpc":"2.0" and a response
// has exactly one of result and error; a tool's internal exception text never reaches the
// client (unless the client sent that text itself).
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/http_requests.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/http/server.h"
#include "mcph/mcp/server.h"
#include "mcph/mcp/sse.h"
#include "test_server.h"

using namespace mcph;

namespace {

void check_message(const nlohmann::json& message) {
  fuzz::check(message.is_object(), "a JSON-RPC message that is not an object");
  fuzz::check(message.value("jsonrpc", "") == "2.0", "a JSON-RPC message without jsonrpc 2.0");
  if (message.contains("method")) return;  // a notification (progress, log) on the stream
  fuzz::check(message.contains("result") != message.contains("error"), "a response without exactly one of result/error");
  if (message.contains("error")) {
    const auto& error = message["error"];
    fuzz::check(error.is_object() && error.contains("code") && error["code"].is_number_integer() &&
                    error.contains("message") && error["message"].is_string(),
                "a malformed JSON-RPC error");
  }
}

void check_json_rpc(const std::string& text) {
  const auto body = nlohmann::json::parse(text, nullptr, false);
  fuzz::check(!body.is_discarded(), "an answer that is not JSON");
  if (body.is_array()) {
    for (const auto& message : body) check_message(message);
  } else if (body.contains("jsonrpc")) {
    check_message(body);
  }
}

// The text of the test server's internal exception (the tool `fails` with internal: true).
constexpr std::string_view kInternalDetail = "secret-internal-detail";

// `input_has_detail`: the client sent the text itself (the fuzzer finds it in the dictionary), so
// an answer that quotes the client's input back (an unsupported MCP-Protocol-Version) shows it
// without any internal error having reached the client.
void check_answer(const http::Response& response, bool input_has_detail) {
  fuzz::check(response.status >= 200 && response.status <= 599, "an invalid status");
  fuzz::check(response.status < 500, "a 5xx answer (an unexpected exception)");
  fuzz::check(input_has_detail || response.body.find(kInternalDetail) == std::string::npos,
              "a tool's internal error reached the client");
  if (response.body.empty()) return;
  if (response.content_type.find("text/event-stream") != std::string::npos) {
    for (const auto& event : mcp::parse_sse(response.body)) check_json_rpc(event.data);
  } else if (response.content_type.find("json") != std::string::npos) {
    check_json_rpc(response.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mcp::testing::TestServerOptions test_options;
  test_options.authentication = true;
  mcp::Server mcp(mcp::testing::test_server_options(test_options));
  mcp::testing::add_test_tools(mcp);
  http::ServerOptions http_options;
  http_options.name = "mcp-fuzz";
  http_options.access_log = false;
  http::Server server(http_options);
  mcp.mount(server);

  const std::string_view input = fuzz::as_text(data, size);
  const bool input_has_detail = input.find(kInternalDetail) != std::string::npos;
  std::string session;
  for (auto& request : fuzz::parse_requests(input, 8)) {
    for (auto& [_, value] : request.headers) {
      for (auto at = value.find("$SESSION"); at != std::string::npos; at = value.find("$SESSION", at + session.size())) {
        value.replace(at, 8, session);
      }
    }
    const auto response = server.dispatch(request);
    fuzz::trace_exchange(request, response);
    check_answer(response, input_has_detail);
    if (auto id = http::find_field(response.headers, "Mcp-Session-Id")) session = *id;
  }
  return 0;
}
