#include "mcph/harness/stack/stack_tokens.h"

#include <stdexcept>

#include "mcph/harness/stack/service_table.h"

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

}  // namespace mcph::harness::stack
