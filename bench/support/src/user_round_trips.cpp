#include "mcph/bench/user_round_trips.h"

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "mcph/bench/vault_session.h"
#include "mcph/harness/stack/host_port.h"
#include "mcph/http/basic_auth.h"
#include "mcph/http/client.h"
#include "mcph/postgres_mcp/role_database.h"

namespace mcph::bench {
namespace {

// The backend request a warm call of jira-mcp or github-mcp makes (the tool's own), with the
// Authorization the server builds from the caller's secret (servers/jira, servers/github).
struct BackendRequest {
  std::string secret;   // the caller's secret it takes its credential from: users/<user>/<secret>
  std::string service;  // the stack's row
  std::string path;
  std::string (*authorization)(const std::map<std::string, std::string>& secret);  // throws std::out_of_range
};

std::optional<BackendRequest> backend_request_of(const std::string& server) {
  if (server == "jira-mcp") {
    return BackendRequest{"jira", "jira-api", "/rest/api/3/issue/DEMO-1", [](const std::map<std::string, std::string>& secret) {
                            return http::basic_authorization(secret.at("email"), secret.at("api_token"));
                          }};
  }
  if (server == "github-mcp") {
    return BackendRequest{"github", "github-api", "/user/repos",
                          [](const std::map<std::string, std::string>& secret) { return "Bearer " + secret.at("token"); }};
  }
  return std::nullopt;
}

// postgres-mcp's: the call's query as the caller's own database role, as the server runs it
// (postgres_mcp::RoleDatabase: a pooled session, the statement kept prepared, the role's check,
// a read-only block rolled back, the leftovers checked), on a role of the caller's leased from
// Vault the way the server does.
std::vector<RoundTrip> database_round_trips(BenchStack& stack, const McpServer& server, const Identities& who,
                                            const std::string& access_token) {
  auto session = std::make_shared<VaultSession>(stack, access_token);
  const std::string role = session->vault.entity_name(session->login.entity_id, session->login.client_token);
  const vault::DatabaseCredentials lease = session->vault.database_credentials(role, session->login.client_token);
  const harness::stack::ServiceEntry& entry = stack.stack().service("postgres");
  const std::string& url = entry.url_for_servers.empty() ? entry.url : entry.url_for_servers;
  const auto address = harness::stack::host_port(url);
  const auto name_at = url.find('/', url.find("://") + 3);
  if (!address || name_at == std::string::npos) {
    throw std::runtime_error("no host, port and database in the stack's PostgreSQL URL");
  }
  auto database = std::make_shared<postgres_mcp::RoleDatabase>(
      postgres_mcp::DatabaseAddress{address->host, address->port, url.substr(name_at + 1), 3}, postgres_mcp::PoolLimits{},
      3000);
  const postgres_mcp::RoleCredentials credentials{who.username, lease.username, lease.password};
  const std::string sql = nlohmann::json::parse(server.arguments)["query"].get<std::string>();
  return {{"postgres_query", [database, credentials, sql]() -> std::string {
             try {
               benchmark::DoNotOptimize(database->query(credentials, sql));
               return {};
             } catch (const std::exception& e) {
               return e.what();
             }
           }}};
}

}  // namespace

std::vector<RoundTrip> user_round_trips(BenchStack& stack, const McpServer& server_entry, const Identities& who,
                                        const std::string& access_token) {
  const std::string& server = server_entry.service;
  if (server == "postgres-mcp") return database_round_trips(stack, server_entry, who, access_token);
  const std::optional<BackendRequest> backend = backend_request_of(server);
  if (!backend) return {};
  auto session = std::make_shared<VaultSession>(stack, access_token);
  const std::string secret_path = "users/" + who.username + "/" + backend->secret;
  const auto secret = session->vault.read_kv(secret_path, session->login.client_token);
  if (!secret) throw std::runtime_error("the caller has no secret at " + secret_path);
  std::string authorization;
  try {
    authorization = backend->authorization(*secret);
  } catch (const std::out_of_range&) {
    throw std::runtime_error("the secret at " + secret_path + " lacks a field " + server + " builds its credential from");
  }
  const harness::stack::ServiceEntry& entry = stack.stack().service(backend->service);
  auto client = std::make_shared<http::Client>(entry.url_for_servers.empty() ? entry.url : entry.url_for_servers);
  const http::Fields headers = {{"Authorization", authorization}, {"Accept", "application/json"}};
  return {{"vault_kv_read",
           [session, secret_path]() -> std::string {
             try {
               benchmark::DoNotOptimize(session->vault.read_kv(secret_path, session->login.client_token));
               return {};
             } catch (const std::exception& e) {
               return e.what();
             }
           }},
          {"backend", [client, headers, path = backend->path]() -> std::string {
             const auto response = client->get(path, headers);
             return response.status == 200 ? "" : "HTTP " + std::to_string(response.status);
           }}};
}

}  // namespace mcph::bench
