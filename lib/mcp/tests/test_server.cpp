#include "test_server.h"

#include <nlohmann/json.hpp>

#include "mcph/mcp/json.h"

namespace mcph::mcp::testing {
namespace {

http::ServerOptions http_options() {
  http::ServerOptions options;
  options.name = "mcp-test";
  options.access_log = false;
  return options;
}

}  // namespace

ServerOptions test_server_options(const TestServerOptions& test) {
  ServerOptions options;
  options.name = "mcp-test-server";
  options.version = "9.9.9";
  options.instructions = "test instructions";
  options.legacy_path = test.legacy_path;
  options.legacy_methods = test.legacy_methods;
  options.max_sessions = test.max_sessions;
  options.sse_path = test.sse_path;
  options.max_sse_streams = test.max_sse_streams;
  options.max_sse_streams_per_subject = test.max_sse_streams_per_subject;
  options.unsafe_sse_token_on_stream_only = test.unsafe_sse_token_on_stream_only;
  options.unsafe_sse_session_any_user = test.unsafe_sse_session_any_user;
  options.charge_batch = test.charge_batch;
  options.unsafe_public_cache_scope = test.unsafe_public_cache_scope;
  options.unsafe_authorize_on_header = test.unsafe_authorize_on_header;
  options.unsafe_version_from_header = test.unsafe_version_from_header;
  options.unsafe_param_headers_unchecked = test.unsafe_param_headers_unchecked;
  options.era = test.era;
  options.protected_resource_metadata =
      R"({"resource":"http://127.0.0.1/mcp","authorization_servers":["http://127.0.0.1/realms/mcp-demo"]})";
  if (test.authentication) {
    options.authenticate = [](const http::Request& request) {
      const std::string authorization = request.header("Authorization");
      if (authorization.empty()) return AuthResult::allow(Principal{});
      if (authorization == "Bearer limited") return AuthResult::too_many_requests(7, "rate limit exceeded");
      if (authorization == "Bearer custom-body") {
        AuthRejection rejection;
        rejection.status = 401;
        rejection.body = R"({"error":"invalid_token","error_description":"expired"})";
        rejection.headers.emplace_back("WWW-Authenticate", R"(Bearer error="invalid_token")");
        return AuthResult::reject(rejection);
      }
      for (const std::string user : {"alice", "bob"}) {
        if (authorization == "Bearer " + user + "-token") {
          Principal principal;
          principal.subject = user;
          principal.context = std::string("context-of-" + user);
          return AuthResult::allow(principal);
        }
      }
      return AuthResult::unauthorized(R"(Bearer realm="mcp", error="invalid_token")", "invalid token");
    };
  }
  return options;
}

void add_test_tools(Server& server) {
  ToolDefinition echo;
  echo.name = "echo";
  echo.description = "Echoes text, count times";
  echo.input_schema = R"({"type":"object",
    "properties":{"text":{"type":"string","description":"what to echo"},
                  "count":{"type":"integer","minimum":1}},
    "required":["text"], "additionalProperties": false})";
  server.add_tool(echo, [](const Arguments& arguments, ToolContext&) {
    std::string out;
    for (std::int64_t i = 0; i < arguments.get_integer("count").value_or(1); ++i) out += *arguments.get_string("text");
    return ToolResult::text(out);
  });

  ToolDefinition whoami;
  whoami.name = "whoami";
  whoami.description = "Names the caller, its context and its session";
  server.add_tool(whoami, [](const Arguments&, ToolContext& context) {
    const auto* extra = context.principal().context_as<std::string>();
    return structured_result({{"subject", context.principal().subject},
                              {"context", extra != nullptr ? *extra : ""},
                              {"session", context.session_id()},
                              {"protocol", context.protocol_version()}});
  });

  ToolDefinition steps;
  steps.name = "steps";
  steps.description = "Reports progress and logs at every level";
  server.add_tool(steps, [](const Arguments&, ToolContext& context) {
    for (int i = 1; i <= 3; ++i) context.progress(i, 3, "step " + std::to_string(i));
    context.log(LogLevel::debug, "debug message", "steps");
    context.log(LogLevel::info, "info message", "steps");
    context.log(LogLevel::error, "error message", "steps");
    return ToolResult::text(context.has_progress_token() ? "with token" : "without token");
  });

  ToolDefinition bytes;
  bytes.name = "bytes";
  bytes.description = "Returns text that is not valid UTF-8";
  server.add_tool(bytes, [](const Arguments&, ToolContext&) { return ToolResult::text("ok \xff\xfe end"); });

  ToolDefinition fails;
  fails.name = "fails";
  fails.description = "Throws a ToolError or, with internal=true, another exception";
  fails.input_schema = R"({"type":"object","properties":{"internal":{"type":"boolean"}}})";
  server.add_tool(fails, [](const Arguments& arguments, ToolContext&) -> ToolResult {
    if (arguments.get_boolean("internal").value_or(false)) throw std::runtime_error("secret-internal-detail");
    throw ToolError("the backend said no");
  });
}

void add_test_resources(Server& server) {
  ResourceSource source;
  source.list = [](const Principal& caller) {
    return std::vector<ResourceInfo>{{"test://" + caller.subject + "/profile", "profile", "the caller's profile"}};
  };
  source.read = [](const std::string& uri, const Principal& caller) -> std::optional<ResourceText> {
    if (uri != "test://" + caller.subject + "/profile") return std::nullopt;
    return ResourceText{uri, "application/json", nlohmann::json{{"subject", caller.subject}}.dump()};
  };
  server.add_resources(std::move(source));
}

TestServer::TestServer(TestServerOptions options) : mcp_(test_server_options(options)), http_(http_options()) {
  add_test_tools(mcp_);
  if (options.more_tools) options.more_tools(mcp_);
  if (options.resources) add_test_resources(mcp_);
  mcp_.mount(http_);
  http_.start();
}

TestServer::~TestServer() { http_.stop(); }

http::Fields post_headers(http::Fields extra) {
  http::Fields headers{{"Accept", "application/json, text/event-stream"}};
  for (auto& field : extra) headers.push_back(std::move(field));
  return headers;
}

std::string open_session(http::Client& client, const std::string& version, const http::Fields& extra) {
  const nlohmann::json initialize{
      {"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
      {"params", {{"protocolVersion", version}, {"capabilities", nlohmann::json::object()},
                  {"clientInfo", {{"name", "test"}, {"version", "1"}}}}}};
  auto response = client.post("/mcp", initialize.dump(), "application/json", post_headers(extra));
  if (response.status != 200) return "";
  const std::string session = response.header("Mcp-Session-Id");
  http::Fields headers = post_headers(extra);
  headers.emplace_back("Mcp-Session-Id", session);
  client.post("/mcp", R"({"jsonrpc":"2.0","method":"notifications/initialized"})", "application/json", headers);
  return session;
}

}  // namespace mcph::mcp::testing
