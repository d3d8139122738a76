#pragma once
// The tokens a user or an agent of a stack holds, got the way the stack's own parts get them,
// for the runner, the tests and the benchmarks alike:
// - a user's access token asks for the client scope of every MCP server of the stack (each
//   server accepts only tokens whose audience names its resource URL);
// - Vault's JWT role accepts only tokens issued for Vault, which an MCP server gets by
//   exchanging the user's token as its own client (OAuth 2.0 token exchange);
// - an agent of a target that is its own authorization server gets its token by the client
//   credentials grant, as the client the target's clients file names.
#include <filesystem>
#include <string>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/oidc/cognito_client.h"
#include "mcph/oidc/token_client.h"

namespace mcph::harness::stack {

// The space-separated scopes of the stack's MCP servers ("" when its stack file names none, as
// an external stack's may not).
std::string mcp_scopes(const StackFile& stack);

// A Cognito stack's pool: its API's URL and the app client users sign in with. Throws
// std::runtime_error when the stack file names no pool.
std::string cognito_url(const StackFile& stack);
oidc::CognitoApp cognito_app(const StackFile& stack);

// `username`'s tokens from the stack's identity provider (IdentityProvider::sign_in), as a user's
// client gets them: Keycloak's password grant through `client_id` (a client of the realm fixture)
// asking for `scope`; a Cognito pool's InitiateAuth USER_PASSWORD_AUTH through the stack's app
// client (which has a secret: SECRET_HASH), where `client_id` must be the default and `scope` is
// not asked for (Cognito has no per-server scopes). Throws oidc::OidcError (oidc::CognitoError for Cognito)
// with the provider's error, std::runtime_error for a client the stack does not have.
oidc::TokenResponse user_sign_in(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                                 const std::string& username, const std::string& password,
                                 const std::string& client_id = "mcp-client", const std::string& scope = {});

// `username`'s access token from the stack's identity provider through `client_id` (a client of
// the realm fixture; its secret is read from there), for every MCP server of the stack.
// Throws std::runtime_error naming the user and the provider's error.
std::string user_access_token(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                              const std::string& username, const std::string& password,
                              const std::string& client_id = "mcp-client");

// A token Vault's JWT role accepts for the user of `access_token`: exchanged at the identity
// provider as the stack's first MCP server that names its client (as that server does), or the
// token itself when no server does. Throws oidc::OidcError (a std::runtime_error) with the
// provider's status and error when it refuses the exchange.
std::string vault_login_token(const StackFile& stack, const std::filesystem::path& fixtures_dir,
                              const std::string& access_token);

// An agent's OAuth client at a client-credentials target: its id and secret from the grant's
// clients file (a JSON object of agent → {client_id, client_secret}; a relative path is taken
// from the working directory). Throws std::runtime_error naming the file, never the secret.
struct AgentClient {
  std::string id, secret;
};
AgentClient agent_client(const ClientCredentialsAuth& grant, const std::string& agent);

// `Authorization: Basic` for client_secret_basic: the id and the secret form-urlencoded first
// (RFC 6749 §2.3.1).
std::string client_secret_basic(const std::string& id, const std::string& secret);

// `agent`'s access token by the client credentials grant at the grant's token endpoint, its
// client authenticated as the grant's method says, asking for `scope` (the grant's when empty;
// none when both are). Throws std::runtime_error naming the endpoint and its status when it
// grants none.
std::string agent_access_token(const ClientCredentialsAuth& grant, const std::string& agent,
                               const std::string& scope = {});

}  // namespace mcph::harness::stack
