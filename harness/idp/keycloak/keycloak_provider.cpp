#include "keycloak_provider.h"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/jose/key.h"
#include "mcph/text/join.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

constexpr const char* kVaultAudience = "vault";

std::string realm_client_secret_of(const IdentityProviderSite& site, const std::string& client_id) {
  return fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::fixtures_or_default(site.fixtures_dir)), client_id);
}

std::string secret_of(const IdentityProviderSite& site, const UserSignIn& user) {
  return user.client_secret.empty() ? realm_client_secret_of(site, user.client_id) : user.client_secret;
}

}  // namespace

std::string realm_url(const IdentityProviderSite& site) { return site.url + "/realms/" + site.realm; }

std::string realm_issuer(const IdentityProviderSite& site) {
  return site.fields.issuer.empty() ? realm_url(site) : site.fields.issuer;
}

bool KeycloakProvider::brings_up(std::string_view row) const {
  // Its own row, and the workload-identity design's: its agents authenticate at Keycloak
  // (federated client authentication), so a stack of another provider has none of them.
  static constexpr std::array<std::string_view, 4> rows = {"keycloak", "spiffe", "opa", "workload-mcp"};
  return std::find(rows.begin(), rows.end(), row) != rows.end();
}

provision::ProvisionResult KeycloakProvider::provision(IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                            const provision::ProvisionOptions& options) const {
  std::vector<provision::ProvisionedUser> users = provision::fixture_users(options);
  const int changes = provision_keycloak_realm(site, options, users);
  provision::ProvisionResult result = provision::provision_vault(vault, options, std::move(users), vault_binding(site, options));
  result.changes += changes;
  return result;
}

std::vector<provision::Drift> KeycloakProvider::check(const IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                           const provision::ProvisionOptions& options) const {
  std::vector<provision::ProvisionedUser> users = provision::fixture_users(options);
  std::vector<provision::Drift> drifts = check_keycloak_realm(site, options, users);
  for (auto& drift : provision::check_vault(vault, options, std::move(users), vault_binding(site, options))) drifts.push_back(std::move(drift));
  return drifts;
}

// Vault trusts the realm's keys (fetched where Vault reaches Keycloak: by the containers' names
// in compose mode) and its issuer. Its role `user` is bound to Vault's own audience: only tokens
// issued for Vault (by token exchange) log in, not a user's token issued to an MCP server, nor an
// ID token. azp becomes login metadata, which Vault's audit log shows: who a login's token was
// issued to (an MCP server's own client after an exchange; the user's client when a server passes
// the user's token through).
// A server that logs in with its caller's own token (options.caller_token_servers) gets none of
// its calls through such a role, and would fail every scenario for it; so then the role binds the
// audiences of the clients users log in with too, as the original demo's did. Its passthrough is
// still found as such (jwt_attacks, by the logins' azp); Vault taking the users' tokens as they
// are is then no finding against Vault, only inconclusive, saying why.
provision::VaultJwtBinding KeycloakProvider::vault_binding(const IdentityProviderSite& site, const provision::ProvisionOptions& options) const {
  provision::VaultJwtBinding binding;
  const std::string seen_by_vault = site.url_inside.empty() ? site.url : site.url_inside;
  binding.config = {{"jwks_url", seen_by_vault + "/realms/" + site.realm + "/protocol/openid-connect/certs"},
                    {"bound_issuer", realm_issuer(site)},
                    {"jwt_supported_algs", Json::array({"RS256"})}};
  binding.config_object = "Vault jwt config (JWKS of realm " + site.realm + ")";
  Json audiences = Json::array({kVaultAudience});
  if (!options.caller_token_servers.empty()) {
    std::set<std::string> callers;
    for (const auto& client : fixtures::load_realm_clients(fixtures::FixtureFiles::in(fixtures::fixtures_or_default(options.fixtures_dir)))) {
      if (client.direct_access_grants) callers.insert(client.audiences.begin(), client.audiences.end());
    }
    for (const auto& audience : callers) audiences.push_back(audience);
    binding.notes.push_back("vault: role user also binds the users' clients' audience (" + text::join(callers) + "): " +
                            text::join(options.caller_token_servers) +
                            " log in to Vault with the caller's own token (vault_login caller_token)");
  }
  binding.role = {{"bound_audiences", audiences}, {"claim_mappings", {{"azp", "azp"}}}};
  binding.role_object = "Vault JWT role user";
  binding.role_changed = "  (bound audiences " + audiences.dump() + ")";
  return binding;
}

McpServerTrust KeycloakProvider::mcp_server_trust(const IdentityProviderSite& site, const std::string& server) const {
  // The realm as the server reaches it (its keys, the token exchange): through the fault proxy
  // when there is one; the tokens' issuer stays the realm's own URL.
  const std::string realm_for_servers =
      (site.url_for_servers.empty() ? site.url : site.url_for_servers) + "/realms/" + site.realm;
  McpServerTrust trust;
  trust.flags = {"--issuer", realm_issuer(site),
                 "--jwks-url", realm_for_servers + "/protocol/openid-connect/certs",
                 "--realm-url", realm_for_servers};
  // The realm's user-facing clients (fixtures/keycloak): tokens any other client got are refused.
  trust.allowed_clients = {"mcp-client", "mcp-client-short-lived", "mcp-client-email-login"};
  // The server's own client (the realm fixture's client of its name), for the token exchange
  // that gets its Vault identity; in the environment, not on a command line `ps` shows.
  trust.env.emplace_back("MCPH_CLIENT_SECRET", realm_client_secret_of(site, server));
  return trust;
}

SignIn KeycloakProvider::sign_in(const IdentityProviderSite& site, const UserSignIn& user) const {
  oidc::TokenClient tokens(realm_url(site), {user.client_id, secret_of(site, user)}, {});
  if (user.dpop_bound) tokens.bind_to(user.dpop_key ? *user.dpop_key : jose::Key::generate_ec_p256());
  SignIn signed_in;
  signed_in.tokens = tokens.password_grant(user.username, user.password, user.scope);
  signed_in.endpoint = realm_url(site) + "/protocol/openid-connect/token";
  signed_in.request = "grant_type=password&client_id=" + user.client_id + (user.scope.empty() ? "" : "&scope=" + user.scope);
  signed_in.flow = "password grant at " + realm_url(site) + " as " + user.username + ", client " + user.client_id;
  return signed_in;
}

oidc::TokenResponse KeycloakProvider::refresh(const IdentityProviderSite& site, const UserSignIn& user,
                                              const std::string& refresh_token) const {
  oidc::TokenClient tokens(realm_url(site), {user.client_id, secret_of(site, user)});
  return tokens.refresh(refresh_token);
}

std::string KeycloakProvider::vault_login_token(const IdentityProviderSite& site, const std::string& access_token,
                                                const std::vector<std::string>& server_clients) const {
  if (server_clients.empty()) return access_token;
  const std::string& client_id = server_clients.front();
  oidc::TokenClient client(realm_url(site), {client_id, realm_client_secret_of(site, client_id)});
  return client.exchange(access_token, kVaultAudience).access_token;
}

std::string KeycloakProvider::subject(const IdentityProviderSite& site, const std::string& username) const {
  provision::KeycloakAdmin admin(site.url, site.fields.user(), site.fields.password());
  const auto user = admin.find_user(site.realm, username);
  if (!user) throw std::runtime_error("Keycloak realm " + site.realm + " has no user " + username + " (was the stack provisioned?)");
  return user->value("id", "");
}

std::optional<std::string> KeycloakProvider::client_secret(const IdentityProviderSite& site,
                                                           const std::string& client_id) const {
  provision::KeycloakAdmin admin(site.url, site.fields.user(), site.fields.password());
  const auto client = admin.find_client(site.realm, client_id);
  const std::string secret = client ? client->value("secret", "") : "";
  if (secret.empty()) return std::nullopt;
  return secret;
}

std::string KeycloakProvider::claims_summary(const Json& claims) const {
  const std::string aud =
      claims.contains("aud") ? (claims["aud"].is_string() ? claims["aud"].get<std::string>() : claims["aud"].dump()) : "";
  return "sub " + claims.value("sub", "") + " · preferred_username " + claims.value("preferred_username", "") + " · aud " +
         aud + " · azp " + claims.value("azp", "");
}

}  // namespace mcph::harness::idp
