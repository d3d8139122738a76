#include "mcph/bench/mcp_servers.h"

#include <stdexcept>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/protocol_era.h"
#include "mcph/http/url.h"
#include "mcph/secrets/scrub.h"

namespace mcph::bench {

const std::vector<McpServer>& mcp_servers() {
  static const std::vector<McpServer> list = {
      {"jira-mcp", "get_issue", R"({"issue_key":"DEMO-1"})"},
      {"github-mcp", "list_repos", "{}"},
      {"postgres-mcp", "execute_query", R"({"query":"SELECT key, name FROM projects ORDER BY id"})"},
  };
  return list;
}

Endpoint endpoint_of(BenchStack& stack, const std::string& service, bool legacy_sse) {
  const harness::stack::ServiceEntry& entry = stack.stack().service(service);
  Endpoint endpoint{entry.url, mcp::parse_transport(entry.mcp.transport.empty() ? "streamable-http" : entry.mcp.transport),
                    harness::stack::protocol_era(entry, service)};
  if (legacy_sse && endpoint.transport == mcp::Transport::streamable_http) {
    const auto path = endpoint.url.rfind("/mcp");
    endpoint.url = (path == std::string::npos ? endpoint.url : endpoint.url.substr(0, path)) + "/sse";
    endpoint.transport = mcp::Transport::legacy_sse_post;
  }
  return endpoint;
}

HealthFloor::HealthFloor(const Endpoint& endpoint) : client_(http::parse_url(endpoint.url).origin()) {}

std::string HealthFloor::operator()() {
  try {
    const auto response = client_.get("/health");
    return response.status == 200 ? "" : "GET /health answered HTTP " + std::to_string(response.status);
  } catch (const http::TransportError& e) {
    return std::string("GET /health: ") + e.what();
  }
}

std::string refusal_of(const std::string& what, const mcp::RpcOutcome& answer) {
  constexpr std::size_t kMostOfTheBody = 200;
  std::string said =
      secrets::scrub(answer.error ? answer.error->message : answer.body.substr(0, answer.body.find('\n')));
  if (said.size() > kMostOfTheBody) said = said.substr(0, kMostOfTheBody) + "…";
  std::string why = what + " answered HTTP " + std::to_string(answer.http_status);
  if (!said.empty()) why += ": " + said;
  if (const auto retry_after = answer.header("Retry-After"); !retry_after.empty()) {
    why += " (it asks to be tried again in " + retry_after + " s)";
  }
  return why;
}

std::string tool_call_failure(const mcp::ToolCallOutcome& call) {
  if (call.ok()) return {};
  if (!call.rpc.ok()) return refusal_of("the tool call", call.rpc);
  if (call.input_required) return "the server asked for input before it would run the tool";
  return "the tool call ended in an error: " + secrets::scrub(call.text());
}

mcp::Client client_for(const Endpoint& endpoint, const std::string& access_token) {
  mcp::ClientOptions options;
  options.transport = endpoint.transport;
  options.era = endpoint.era;
  mcp::Client client(endpoint.url, options);
  client.set_header("Authorization", "Bearer " + access_token);
  if (endpoint.transport == mcp::Transport::streamable_http) {
    const auto init = client.connect();
    if (!init.ok()) throw std::runtime_error(refusal_of("initialize at " + endpoint.url, init));
  }
  return client;
}

void require_generated_users(const Identities& who, int needed) {
  if (who.generated_users >= needed) return;
  throw std::runtime_error("needs " + std::to_string(needed) + " generated users, the stack has " +
                           std::to_string(who.generated_users) + " (mcp-harness up --users N, then --generated-users N)");
}

std::string generated_user_token(BenchStack& stack, const Identities& who, int index) {
  const harness::fixtures::UserFixture user = harness::fixtures::generated_user(index);
  return stack.access_token(who, user.username, user.password);
}

}  // namespace mcph::bench
