#pragma once
// The C++ equivalent of the original demo's init-vault.sh, through Vault's HTTP API only, so it
// provisions mock and real servers alike: what every stack has whatever its identity provider.
// The identity provider's half (init-keycloak.sh's users, or a Cognito pool's) and how Vault
// binds to it are its own (harness/idp); it calls provision_vault with the users it provisioned.
// Idempotent: a second run changes nothing and fails on nothing.
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcph/harness/fixtures/user_fixtures.h"

namespace mcph::harness::provision {

// Vault and PostgreSQL, and Keycloak's admin API for what only a Keycloak stack has (the agents'
// service accounts, the workload-identity design): keycloak_url is empty on another stack.
struct ProvisionTarget {
  std::string keycloak_url;             // base URL, e.g. http://127.0.0.1:41001
  std::string keycloak_admin_user = "admin";
  std::string keycloak_admin_password = "admin";
  std::string realm = "mcp-demo";
  std::string vault_url;
  std::string vault_token;
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
  // harness did not provision, whose differences from the fixtures IdentityProvider::check reports
  // and provisioning must not hide.
  bool only_missing = false;
};

struct ProvisionedUser {
  fixtures::UserFixture fixture;
  std::string id;         // Keycloak user id, or the Cognito user's sub: the JWT's sub
  std::string entity_id;  // Vault entity named after the username
};

struct ProvisionResult {
  std::vector<ProvisionedUser> users;
  int changes = 0;  // objects created or modified; 0 on a re-run
};

// How Vault's JWT auth trusts the identity provider's tokens, as the provider says
// (IdentityProvider::vault_binding): the mount's config and what role `user` binds.
struct VaultJwtBinding {
  nlohmann::json config;         // auth/jwt/config: jwks_url, bound_issuer, jwt_supported_algs
  std::string config_object;     // its name in progress and drift: "Vault jwt config (JWKS of realm mcp-demo)"
  nlohmann::json role;           // over every stack's role user: bound_audiences, bound_claims, claim_mappings
  std::string role_object;       // "Vault JWT role user"
  std::vector<std::string> notes;  // progress lines before the role is written
  std::string role_changed;        // a progress line when the role was written
};

// The users provisioning makes: the fixture users and options.generated_users generated ones,
// their ids not known yet.
std::vector<ProvisionedUser> fixture_users(const ProvisionOptions& options);

// Vault for `users` (their ids the identity provider's subjects): the audited traceparent, the JWT
// mount bound to the provider, the policy, each user's entity and alias, secrets and database
// role. Throws std::runtime_error naming the step and the service's answer (never a secret).
ProvisionResult provision_vault(const ProvisionTarget& target, const ProvisionOptions& options,
                                std::vector<ProvisionedUser> users, const VaultJwtBinding& binding);

// How a stack differs from what provisioning makes of it, found by reading alone: each object
// provisioning would create or change, and how. A verification tool reports such drift (made
// between `up` and `run`, or in a stack it did not provision); it never heals it.
struct Drift {
  std::string object;      // e.g. "Vault JWT role user", "Vault entity alice", "Keycloak user user0007"
  std::string difference;  // e.g. "token_policies: [\"user-secrets\"] expected, [\"admin\",\"user-secrets\"] found"
};
// Never a secret's value in a difference (a KV secret or a password "differs", no more).
// Vault's drift, as provision_vault would see it (users whose id is empty were not found at the
// identity provider). Throws std::runtime_error when Vault refuses the reads or does not answer.
std::vector<Drift> check_vault(const ProvisionTarget& target, const ProvisionOptions& options,
                               std::vector<ProvisionedUser> users, const VaultJwtBinding& binding);

// Only Vault's JWT role user, as provision_vault writes it: for a stack provisioned already whose
// stack file names other MCP servers than it was provisioned for (a user's own, with their target
// profiles). Idempotent; `changes` is 1 when the role changed.
ProvisionResult provision_vault_login_role(const ProvisionTarget& target, const ProvisionOptions& options,
                                           const VaultJwtBinding& binding);

// The difference of an object that does not exist (or, "missing …", of what it lacks).
inline constexpr const char* kMissing = "missing";
// "field: X expected, Y found" for each of `fields` in which `current` differs from `desired`
// (a field absent from `desired` is expected empty: null, [], {} or ""; arrays compare as sets).
std::vector<std::string> json_differences(const nlohmann::json& current, const nlohmann::json& desired,
                                          std::initializer_list<const char*> fields);

// An MCP server as the identity provider must know it once it runs: the client scope a user's
// client requests to get a token for it (named like the server), whose audience mappers put
// the server's resource URL (what the server checks) and its client id (what lets it exchange
// the token for a Vault-audience one) into such tokens.
struct McpResource {
  std::string scope;     // "jira-mcp"
  std::string url;       // its resource URL, http://127.0.0.1:PORT/mcp
  std::string client_id; // its own client, "jira-mcp"
  std::string write_scope;  // what its tools that write need besides ("jira-mcp.write"); "": none
  std::string broader_scope;  // a scope that implies write_scope ("jira-mcp.admin"); "": none
};


}  // namespace mcph::harness::provision
