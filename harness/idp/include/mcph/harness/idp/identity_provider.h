#pragma once
// A stack's identity provider (docs/modes.md#the-identity-provider) behind one interface: what
// differs between Keycloak and a Cognito user pool. The stack chooses one, once, from its stack
// file's `idp` (identity_provider()); the stack, the provisioner, the scenario runner and the
// benchmarks hold the interface. A new provider is a folder of its own beside keycloak/ and
// cognito/ and oidc/, and one row of the factory.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mcph/harness/idp/identity_provider_kind.h"
#include "mcph/harness/provision/provision.h"
#include "mcph/jose/key.h"
#include "mcph/oidc/token_client.h"

namespace mcph::harness::idp {

// What the stack file says of an identity provider: Keycloak's admin API's user ("admin" when the
// file does not say); of a Cognito user pool (the service "cognito"), the pool, the app client
// users sign in with (its secret: the file is its owner's alone) and the issuer its tokens carry;
// of a provider the harness does not administer (the service "oidc"), its issuer and the file of
// the identities that sign in there (their secrets are that file's or the environment's alone).
struct IdentityProviderFields {
  std::string admin_user;
  std::string admin_password;
  std::string pool_id;            // key "pool_id": us-east-1_AbCdEfGhI
  std::string app_client_id;      // key "app_client_id"
  std::string app_client_secret;  // key "app_client_secret"
  std::string issuer;             // key "issuer": https://cognito-idp.<region>.amazonaws.com/<pool>
  std::string identities_file;    // key "identities_file": relative to the stack file's directory
  std::string vault_audience;     // key "vault_audience": the `aud` Vault's role takes; empty: "vault"
  std::string user() const { return admin_user.empty() ? "admin" : admin_user; }
  std::string password() const { return admin_password.empty() ? "admin" : admin_password; }
};

// Where a stack's identity provider is: its stack-file entry and the realm.
struct IdentityProviderSite {
  std::string realm = "mcp-demo";
  std::string url;              // as the harness reaches it
  std::string url_inside;       // as Vault reaches it in compose mode; empty: url
  std::string url_for_servers;  // as the MCP servers reach it (through the fault proxy); empty: url
  IdentityProviderFields fields;
  std::filesystem::path fixtures_dir;  // the realm fixture's clients; empty: default_fixtures_dir()
  std::filesystem::path realm_file;    // a team's realm export the realm is made from; empty: the fixture's
};

// A user signing in as their client does.
struct UserSignIn {
  UserSignIn(std::string username, std::string password = {}, std::string client_id = "mcp-client",
             std::string client_secret = {}, std::string scope = {}, bool dpop_bound = false)
      : username(std::move(username)), password(std::move(password)), client_id(std::move(client_id)),
        client_secret(std::move(client_secret)), scope(std::move(scope)), dpop_bound(dpop_bound) {}
  std::string username;
  std::string password;
  std::string client_id = "mcp-client";
  std::string client_secret;  // empty: the realm fixture's
  std::string scope;
  bool dpop_bound = false;    // bound to dpop_key, else to a key made for it and then forgotten
  std::optional<jose::Key> dpop_key;
};

// A sign-in's tokens and how it was asked, for a scenario's record (never a secret).
struct SignIn {
  oidc::TokenResponse tokens;
  std::string endpoint;  // where: "<realm>/protocol/openid-connect/token"
  std::string request;   // what: "grant_type=password&client_id=mcp-client&scope=…"
  std::string flow;      // "password grant at <realm> as alice, client mcp-client"
};

// How an MCP server of the stack is told to check its callers' tokens: its flags and environment.
struct McpServerTrust {
  std::vector<std::string> flags;
  std::vector<std::pair<std::string, std::string>> env;
  // The clients (azp, or a pool's app client) whose users' tokens it serves: each a flag, and the
  // stack entry's `clients`. Empty: the server's own default, which the stack file does not state.
  std::vector<std::string> allowed_clients;

  // What the server is started with: the flags, and --allowed-client for each allowed client.
  std::vector<std::string> server_flags() const {
    std::vector<std::string> all = flags;
    for (const std::string& client : allowed_clients) all.insert(all.end(), {"--allowed-client", client});
    return all;
  }
};

class IdentityProvider {
 public:
  virtual ~IdentityProvider() = default;

  // Its key in the stack file and its row of the service table.
  virtual std::string service() const = 0;
  // Whether it brings up a service-table row marked as an identity provider's (its own, and
  // what only it can serve: the workload-identity design's rows are Keycloak's).
  virtual bool brings_up(std::string_view row) const = 0;
  // For the provisioning progress line: "Keycloak realm and users".
  virtual std::string provisions() const = 0;
  // Whether the harness administers it (makes users, changes them, signs them out): the scenarios
  // that need to are not applicable to a provider it only signs in at.
  virtual bool administered() const { return true; }

  // Its users (made, or found), then Vault bound to it (provision.h's common part). `site.fields`
  // gets what provisioning made (a Cognito pool). Throws std::runtime_error naming the step.
  virtual provision::ProvisionResult provision(IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                    const provision::ProvisionOptions& options) const = 0;
  // How its users and Vault differ from what provision() makes of them, by reading alone.
  virtual std::vector<provision::Drift> check(const IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                   const provision::ProvisionOptions& options) const = 0;
  // How Vault's JWT auth trusts its tokens: the JWKS, the issuer, the role's bound claims.
  virtual provision::VaultJwtBinding vault_binding(const IdentityProviderSite& site, const provision::ProvisionOptions& options) const = 0;

  // Whether each MCP server gets a client scope of its own (its audience) and a client.
  virtual bool scopes_per_mcp_server() const = 0;
  virtual void provision_mcp_resources(const IdentityProviderSite& site, const std::vector<provision::McpResource>& resources,
                                       const provision::ProvisionOptions& options) const = 0;
  virtual McpServerTrust mcp_server_trust(const IdentityProviderSite& site, const std::string& server) const = 0;
  // Whether it is an authorization server for the agents too (their service-account clients).
  virtual bool authorizes_agents() const = 0;

  // Throws oidc::OidcError with the provider's error; std::runtime_error for what it cannot do.
  virtual SignIn sign_in(const IdentityProviderSite& site, const UserSignIn& user) const = 0;
  virtual oidc::TokenResponse refresh(const IdentityProviderSite& site, const UserSignIn& user,
                                      const std::string& refresh_token) const = 0;
  // A token Vault's role accepts for the user of `access_token`, got as the first of
  // `server_clients` (the MCP servers' own clients) gets it; the token itself when none is named.
  virtual std::string vault_login_token(const IdentityProviderSite& site, const std::string& access_token,
                                        const std::vector<std::string>& server_clients) const = 0;
  // The `sub` a server sees in `username`'s tokens. Throws std::runtime_error for an unknown user.
  virtual std::string subject(const IdentityProviderSite& site, const std::string& username) const = 0;
  // The secret of a client it made itself (an agent's service account); nullopt: none.
  virtual std::optional<std::string> client_secret(const IdentityProviderSite& site, const std::string& client_id) const = 0;
  // The claims a scenario's record shows of a user's access token, before its exp.
  virtual std::string claims_summary(const nlohmann::json& claims) const = 0;
};

// The provider of `kind`: the one place a kind becomes a provider.
const IdentityProvider& identity_provider(IdentityProviderKind kind);

}  // namespace mcph::harness::idp
