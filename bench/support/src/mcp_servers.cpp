#include "mcph/bench/mcp_servers.h"

#include <stdexcept>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/protocol_era.h"
#include "mcph/http/url.h"

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

mcp::Client client_for(const Endpoint& endpoint, const std::string& access_token) {
  mcp::ClientOptions options;
  options.transport = endpoint.transport;
  options.era = endpoint.era;
  mcp::Client client(endpoint.url, options);
  client.set_header("Authorization", "Bearer " + access_token);
  if (endpoint.transport == mcp::Transport::streamable_http) {
    const auto init = client.connect();
    if (!init.ok()) throw std::runtime_error("initialize at " + endpoint.url + " answered HTTP " + std::to_string(init.http_status));
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
