#include "mcph/harness/stack/stack_tokens.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/http/basic_auth.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"

namespace mcph::harness::stack {

std::string mcp_scopes(const StackFile& stack) {
  std::string scopes;
  for (const ServiceRow& row : service_table()) {
    const ServiceEntry* entry = stack.find_service(row.name);
    if (!entry) continue;
    for (const std::string& scope : {entry->mcp.scope, entry->mcp.write_scope}) {
      if (!scope.empty()) scopes += (scopes.empty() ? "" : " ") + scope;
    }
  }
  return scopes;
}

std::string cognito_url(const StackFile& stack) { return stack.service(std::string(kCognitoService)).url; }

oidc::CognitoApp cognito_app(const StackFile& stack) {
  const idp::IdentityProviderFields& pool = stack.service(std::string(kCognitoService)).idp;
  if (pool.pool_id.empty() || pool.app_client_id.empty()) {
    throw std::runtime_error("the stack file's cognito entry names no pool_id and app_client_id (was it provisioned?)");
  }
  return {pool.app_client_id, pool.app_client_secret};
}

oidc::TokenResponse user_sign_in(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                                 const std::string& username, const std::string& password,
                                 const std::string& client_id, const std::string& scope) {
  idp::UserSignIn user{username, password, client_id, {}, scope};
  return stack.identity_provider().sign_in(stack.identity_provider_site(fixtures_dir), user).tokens;
}

std::string user_access_token(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                              const std::string& username, const std::string& password,
                              const std::string& client_id) {
  try {
    return user_sign_in(stack, fixtures_dir, username, password, client_id, mcp_scopes(stack)).access_token;
  } catch (const oidc::OidcError& e) {
    throw std::runtime_error("the identity provider refused a token for " + username + ": " + e.error() +
                             (e.description().empty() ? "" : " (" + e.description() + ")"));
  }
}

std::string vault_login_token(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                              const std::string& access_token) {
  std::vector<std::string> server_clients;
  for (const ServiceRow& row : service_table()) {
    const ServiceEntry* entry = stack.find_service(row.name);
    if (entry && !entry->mcp.client_id.empty()) server_clients.push_back(entry->mcp.client_id);
  }
  return stack.identity_provider().vault_login_token(stack.identity_provider_site(fixtures_dir), access_token, server_clients);
}

AgentClient agent_client(const ClientCredentialsAuth& grant, const std::string& agent) {
  const auto text = fixtures::read_text_file(grant.clients_file);
  if (!text) throw std::runtime_error("cannot read the clients file " + grant.clients_file);
  const auto clients = nlohmann::json::parse(*text, nullptr, false);
  if (!clients.is_object()) {
    throw std::runtime_error("the clients file " + grant.clients_file + " is not a JSON object of agent → client");
  }
  const auto entry = clients.find(agent);
  AgentClient client;
  if (entry != clients.end() && entry->is_object()) {
    client = {entry->value("client_id", ""), entry->value("client_secret", "")};
  }
  if (client.id.empty() || client.secret.empty()) {
    throw std::runtime_error("the clients file " + grant.clients_file + " has no client_id and client_secret for " + agent);
  }
  return client;
}

std::string client_secret_basic(const std::string& id, const std::string& secret) {
  return http::basic_authorization(http::percent_encode(id), http::percent_encode(secret));
}

std::string agent_access_token(const ClientCredentialsAuth& grant, const std::string& agent, const std::string& scope) {
  const AgentClient client = agent_client(grant, agent);
  http::Fields form = {{"grant_type", "client_credentials"}};
  if (const std::string& asked = scope.empty() ? grant.scope : scope; !asked.empty()) form.emplace_back("scope", asked);
  http::Fields headers;
  if (grant.method == "client_secret_basic") {
    headers.emplace_back("Authorization", client_secret_basic(client.id, client.secret));
  } else {
    form.emplace_back("client_id", client.id);
    form.emplace_back("client_secret", client.secret);
  }
  const http::Url url = http::parse_url(grant.token_url);
  http::Client endpoint(url.origin());
  const auto reply = endpoint.post(url.path, http::form_encode(form), "application/x-www-form-urlencoded", headers);
  const auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status != 200 || !body.is_object() || !body.contains("access_token") || !body["access_token"].is_string()) {
    throw std::runtime_error("the token endpoint " + grant.token_url + " gave " + agent + " no access token (HTTP " +
                             std::to_string(reply.status) + ")");
  }
  return body["access_token"].get<std::string>();
}

}  // namespace mcph::harness::stack
