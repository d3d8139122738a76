#include "cognito_provider.h"

#include <stdexcept>

#include "cognito_check.h"
#include "cognito_users.h"
#include "mcph/harness/idp/provision_progress.h"
#include "mcph/oidc/cognito_client.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

// The one app client users sign in with: the name every client of the realm fixture falls back to.
constexpr const char* kAppClient = "mcp-client";

oidc::CognitoApp app_of(const IdentityProviderSite& site) {
  if (site.fields.pool_id.empty() || site.fields.app_client_id.empty()) {
    throw std::runtime_error("the stack file's cognito entry names no pool_id and app_client_id (was it provisioned?)");
  }
  return {site.fields.app_client_id, site.fields.app_client_secret};
}

std::string pool_jwks(const std::string& url, const IdentityProviderFields& pool) {
  return url + "/" + pool.pool_id + "/.well-known/jwks.json";
}

}  // namespace

provision::ProvisionResult CognitoProvider::provision(IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                           const provision::ProvisionOptions& options) const {
  say(options, "cognito: user pool, app client, users");
  std::vector<provision::ProvisionedUser> users = provision::fixture_users(options);
  const int changes = provision_cognito_users(site, users, [&](const std::string& line) { say(options, line); });
  provision::ProvisionResult result = provision::provision_vault(vault, options, std::move(users), vault_binding(site, options));
  result.changes += changes;
  return result;
}

std::vector<provision::Drift> CognitoProvider::check(const IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                          const provision::ProvisionOptions& options) const {
  say(options, "cognito: user pool, app client, users");
  std::vector<provision::ProvisionedUser> users = provision::fixture_users(options);
  std::vector<provision::Drift> drifts = check_cognito_pool(site, users);
  for (auto& drift : provision::check_vault(vault, options, std::move(users), vault_binding(site, options))) drifts.push_back(std::move(drift));
  return drifts;
}

// Vault trusts the pool's keys and issuer (what a Cognito deployment configures). Cognito has no
// token exchange and its access tokens no `aud`, so the role takes the users' own access tokens,
// bound to the claims that say what such a token is: token_use access (not an ID token) and the
// stack's app client (not another client's, nor another pool's: bound_issuer). Which MCP server
// passed a token on is in no claim: the servers pass their callers' tokens through.
provision::VaultJwtBinding CognitoProvider::vault_binding(const IdentityProviderSite& site, const provision::ProvisionOptions&) const {
  provision::VaultJwtBinding binding;
  binding.config = {{"jwks_url", pool_jwks(site.url_inside.empty() ? site.url : site.url_inside, site.fields)},
                    {"bound_issuer", site.fields.issuer},
                    {"jwt_supported_algs", Json::array({"RS256"})}};
  binding.config_object = "Vault jwt config (JWKS of Cognito pool " + site.fields.pool_id + ")";
  binding.role = {{"bound_audiences", Json::array()},
                  {"bound_claims", {{"token_use", "access"}, {"client_id", site.fields.app_client_id}}},
                  {"claim_mappings", {{"client_id", "azp"}}}};
  binding.role_object = "Vault JWT role user (Cognito access tokens)";
  return binding;
}

// The pool's access tokens: its issuer and keys (through the fault proxy when there is one),
// token_use access, the stack's app client. No token exchange: the server logs in to Vault with
// its caller's own access token.
McpServerTrust CognitoProvider::mcp_server_trust(const IdentityProviderSite& site, const std::string&) const {
  McpServerTrust trust;
  trust.flags = {"--token-profile", "cognito",
                 "--issuer", site.fields.issuer,
                 "--jwks-url", pool_jwks(site.url_for_servers.empty() ? site.url : site.url_for_servers, site.fields),
                 "--vault-login", "passthrough",
                 // The pool grants no per-server scopes: no tool asks for one.
                 "--write-scope", "none"};
  trust.allowed_clients = {site.fields.app_client_id};
  return trust;
}

SignIn CognitoProvider::sign_in(const IdentityProviderSite& site, const UserSignIn& user) const {
  if (user.dpop_bound) throw std::runtime_error("dpop: a Cognito user pool issues no DPoP-bound tokens");
  if (user.client_id != kAppClient) {
    throw std::runtime_error("a Cognito stack has one app client users sign in with, not " + user.client_id +
                             " (the realm's other clients are Keycloak's)");
  }
  oidc::CognitoClient client(site.url);
  SignIn signed_in;
  signed_in.tokens = client.sign_in(app_of(site), user.username, user.password);
  signed_in.endpoint = site.url + "/";
  signed_in.request = "X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth (USER_PASSWORD_AUTH, SECRET_HASH)";
  signed_in.flow = "InitiateAuth USER_PASSWORD_AUTH at " + site.url + " as " + user.username;
  return signed_in;
}

oidc::TokenResponse CognitoProvider::refresh(const IdentityProviderSite& site, const UserSignIn& user,
                                             const std::string& refresh_token) const {
  return oidc::CognitoClient(site.url).refresh(app_of(site), user.username, refresh_token);
}

// A Cognito user's id is the pool's `sub` attribute (AdminGetUser).
std::string CognitoProvider::subject(const IdentityProviderSite& site, const std::string& username) const {
  const std::string& pool = site.fields.pool_id;
  oidc::CognitoClient api(site.url);
  try {
    const Json user = api.call("AdminGetUser", {{"UserPoolId", pool}, {"Username", username}});
    for (const auto& attribute : user.value("UserAttributes", Json::array())) {
      if (attribute.value("Name", "") == "sub") return attribute.value("Value", "");
    }
  } catch (const oidc::CognitoError& e) {
    if (e.error() == "UserNotFoundException") {
      throw std::runtime_error("Cognito pool " + pool + " has no user " + username + " (was the stack provisioned?)");
    }
    throw std::runtime_error("Cognito: AdminGetUser " + username + ": " + e.error() + ": " + e.description());
  }
  throw std::runtime_error("Cognito: user " + username + " has no sub");
}

std::string CognitoProvider::claims_summary(const Json& claims) const {
  return "sub " + claims.value("sub", "") + " · username " + claims.value("username", "") + " · token_use " +
         claims.value("token_use", "") + " · client_id " + claims.value("client_id", "");
}

}  // namespace mcph::harness::idp
