#pragma once
// The C++ equivalent of the original demo's init-keycloak.sh and init-vault.sh, through the
// public APIs only (Keycloak admin REST, Vault HTTP API), so it provisions mock and real
// servers alike. Idempotent: a second run changes nothing and fails on nothing.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mcph/harness/fixtures/user_fixtures.h"

namespace mcph::harness {

// A Cognito user pool as the stack uses it: the pool, the app client users sign in with (a
// confidential one: SECRET_HASH) and the issuer the pool's tokens carry.
struct CognitoPool {
  std::string pool_id;
  std::string app_client_id;
  std::string app_client_secret;
  std::string issuer;
};

struct ProvisionTarget {
  std::string keycloak_url;             // base URL, e.g. http://127.0.0.1:41001
  std::string keycloak_admin_user = "admin";
  std::string keycloak_admin_password = "admin";
  std::string realm = "mcp-demo";
  std::string vault_url;
  std::string vault_token;
  // Where Vault fetches the realm's JWKS and which issuer tokens carry. Empty: from
  // keycloak_url (local mode; compose mode differs because Vault sees Keycloak by service name).
  std::string keycloak_url_seen_by_vault;
  std::string issuer;
  // A stack whose identity provider is a Cognito user pool (--idp cognito): its cognito-idp
  // endpoint. Set, the users are made in the pool instead of a Keycloak realm, and Vault trusts
  // the pool's keys. `cognito.pool_id` empty: the pool and its app client are created (named
  // after the realm); set: they are used as they are.
  std::string cognito_url;
  std::string cognito_url_seen_by_vault;  // empty: cognito_url
  CognitoPool cognito;
  // PostgreSQL as Vault's database engine reaches it, with superuser credentials:
  // postgresql://user:password@host:port/db
  std::string postgres_url;
};

struct ProvisionOptions {
  std::filesystem::path fixtures_dir;   // empty: default_fixtures_dir()
  int generated_users = 0;
  std::function<void(const std::string&)> progress;  // one line per step
  // The MCP servers that log in to Vault with their caller's own token (target profile
  // vault_login caller_token, as the original demo's servers do): Vault's role user then binds
  // the audiences of the clients users log in with too, without which none of their calls works.
  std::vector<std::string> caller_token_servers;
  // Create only what is absent (a realm, user, mount, policy, role, entity, alias, secret, a
  // database role the connection does not allow yet), never change what exists: for a stack the
  // harness did not provision, whose differences from the fixtures check_provisioning reports
  // and provisioning must not hide.
  bool only_missing = false;
};

struct ProvisionedUser {
  UserFixture fixture;
  std::string id;         // Keycloak user id, or the Cognito user's sub: the JWT's sub
  std::string entity_id;  // Vault entity named after the username
};

struct ProvisionResult {
  std::vector<ProvisionedUser> users;
  int changes = 0;  // objects created or modified; 0 on a re-run
  CognitoPool cognito;  // a Cognito stack's pool, as created or given
};

// Throws std::runtime_error naming the step and the service's answer (never a secret).
ProvisionResult provision(const ProvisionTarget& target, const ProvisionOptions& options);

// How a stack differs from what provision() makes of it, found by reading alone: each object
// provision() would create or change, and how. A verification tool reports such drift (made
// between `up` and `run`, or in a stack it did not provision); it never heals it.
struct Drift {
  std::string object;      // e.g. "Vault JWT role user", "Vault entity alice", "Keycloak user user0007"
  std::string difference;  // e.g. "token_policies: [\"user-secrets\"] expected, [\"admin\",\"user-secrets\"] found"
};
// Never a secret's value in a difference (a KV secret or a password "differs", no more).
// Throws std::runtime_error when a service refuses the reads or does not answer.
std::vector<Drift> check_provisioning(const ProvisionTarget& target, const ProvisionOptions& options);

// Only Vault's JWT role user, as provision() writes it for `options.caller_token_servers`: for a
// stack provisioned already whose stack file names other MCP servers than it was provisioned for
// (a user's own, with their target profiles). Idempotent; `changes` is 1 when the role changed.
ProvisionResult provision_vault_login_role(const ProvisionTarget& target, const ProvisionOptions& options);

// An MCP server as the identity provider must know it once it runs: the client scope a user's
// client requests to get a token for it (named like the server), whose audience mappers put
// the server's resource URL (what the server checks) and its client id (what lets it exchange
// the token for a Vault-audience one) into such tokens.
struct McpResource {
  std::string scope;     // "jira-mcp"
  std::string url;       // its resource URL, http://127.0.0.1:PORT/mcp
  std::string client_id; // its own client, "jira-mcp"
  std::string write_scope;  // what its tools that write need besides ("jira-mcp.write"); "": none
};

// Creates (or, when the URL changed, replaces) each resource's client scope and makes it an
// optional scope of every client users log in with (the realm fixture's clients with direct
// access grants). Idempotent. Throws std::runtime_error naming the step.
void provision_mcp_resources(const ProvisionTarget& target, const std::vector<McpResource>& resources,
                             const ProvisionOptions& options);

}  // namespace mcph::harness
