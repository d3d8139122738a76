#include "mcph/harness/stack/stack_tokens.h"

#include <stdexcept>

#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/oidc/token_client.h"

namespace mcph::harness {
namespace {

std::string realm_url(const StackFile& stack) { return stack.service("keycloak").url + "/realms/" + stack.realm; }

}  // namespace

std::string mcp_scopes(const StackFile& stack) {
  std::string scopes;
  for (const ServiceRow& row : service_table()) {
    const auto it = stack.services.find(row.name);
    if (it == stack.services.end()) continue;
    for (const std::string& scope : {it->second.mcp.scope, it->second.mcp.write_scope}) {
      if (!scope.empty()) scopes += (scopes.empty() ? "" : " ") + scope;
    }
  }
  return scopes;
}

std::string cognito_url(const StackFile& stack) { return stack.service(std::string(kCognitoService)).url; }

oidc::CognitoApp cognito_app(const StackFile& stack) {
  const IdentityProviderFields& pool = stack.service(std::string(kCognitoService)).idp;
  if (pool.pool_id.empty() || pool.app_client_id.empty()) {
    throw std::runtime_error("the stack file's cognito entry names no pool_id and app_client_id (was it provisioned?)");
  }
  return {pool.app_client_id, pool.app_client_secret};
}

oidc::TokenResponse user_sign_in(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                                 const std::string& username, const std::string& password,
                                 const std::string& client_id, const std::string& scope) {
  if (stack.idp == IdentityProvider::cognito) {
    if (client_id != "mcp-client") {
      throw std::runtime_error("a Cognito stack has one app client users sign in with, not " + client_id +
                               " (the realm's other clients are Keycloak's)");
    }
    oidc::CognitoClient client(cognito_url(stack));
    return client.sign_in(cognito_app(stack), username, password);
  }
  const std::string secret = realm_client_secret(FixtureFiles::in(fixtures_or_default(fixtures_dir)), client_id);
  oidc::TokenClient client(realm_url(stack), {client_id, secret});
  return client.password_grant(username, password, scope);
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
  // Cognito has no token exchange: Vault's role takes the user's access token itself.
  if (stack.idp == IdentityProvider::cognito) return access_token;
  for (const ServiceRow& row : service_table()) {
    const auto it = stack.services.find(row.name);
    if (it == stack.services.end() || it->second.mcp.client_id.empty()) continue;
    const std::string client_id = it->second.mcp.client_id;
    const std::string secret = realm_client_secret(FixtureFiles::in(fixtures_or_default(fixtures_dir)), client_id);
    oidc::TokenClient client(realm_url(stack), {client_id, secret});
    return client.exchange(access_token, "vault").access_token;
  }
  return access_token;
}

}  // namespace mcph::harness
