#include "oidc_provider.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "mcph/harness/idp/provision_progress.h"
#include "mcph/jose/jwt.h"
#include "oidc_discovery.h"
#include "oidc_identities.h"
#include "mcph/harness/idp/token_command.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

// The audience of the tokens Vault's role takes when the stack file names none: what the MCP
// servers log in to Vault with on the stacks the harness administers.
constexpr const char* kDefaultVaultAudience = "vault";
// The realm fixture's client scenarios sign in through by default: an identity's own stands for it.
constexpr const char* kDefaultClient = "mcp-client";

std::string issuer_of(const IdentityProviderSite& site) {
  return site.fields.issuer.empty() ? site.url : site.fields.issuer;
}

std::vector<OidcIdentity> identities_of(const IdentityProviderSite& site) {
  return load_identities(site.fields.identities_file, process_environment());
}

const OidcIdentity& identity_named(const std::vector<OidcIdentity>& identities, const IdentityProviderSite& site,
                                   const std::string& name) {
  for (const auto& identity : identities) {
    if (identity.name == name) return identity;
  }
  throw std::runtime_error("the identity provider " + issuer_of(site) + " has no user " + name +
                           " the harness signs in as (it is not administered by the harness: give " + name +
                           " in the identities file or the environment)");
}

// A token's claims as a server reads them, or {} for one that is not a JWT.
Json claims_of(const std::string& token) {
  Json claims = Json::parse(jose::unverified_payload(token).value_or("null"), nullptr, false);
  return claims.is_object() ? claims : Json::object();
}

// A command's token: a JWT's lifetime is its exp; an opaque token's is not known (not held).
oidc::TokenResponse command_token(const OidcIdentity& identity) {
  oidc::TokenResponse tokens;
  tokens.access_token = run_token_command(identity.name, identity.command);
  tokens.token_type = "Bearer";
  const Json claims = claims_of(tokens.access_token);
  if (claims.contains("exp") && claims["exp"].is_number()) {
    const long now = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    tokens.expires_in = std::max(0L, claims["exp"].get<long>() - now);
  }
  return tokens;
}

oidc::TokenResponse acquire(const OidcDiscovery& provider, const OidcIdentity& identity, const std::string& scope) {
  if (identity.grant == TokenGrant::token_command) return command_token(identity);
  auto client = oidc::TokenClient::at_endpoint(provider.token_endpoint, {identity.client_id, identity.client_secret});
  switch (identity.grant) {
    case TokenGrant::password: return client.password_grant(identity.login(), identity.password, scope);
    case TokenGrant::client_credentials: return client.client_credentials_grant(scope);
    default: return client.refresh(identity.refresh_token);
  }
}

std::string grant_name(TokenGrant grant) {
  switch (grant) {
    case TokenGrant::password: return "password";
    case TokenGrant::client_credentials: return "client_credentials";
    case TokenGrant::refresh_token: return "refresh_token";
    case TokenGrant::token_command: return "token_command";
  }
  return "?";
}

}  // namespace

namespace {

// Each identity's token from `provider`, held in `cache`.
oidc::TokenResponse tokens_of(TokenCache& cache, const OidcDiscovery& provider, const OidcIdentity& identity,
                              const std::string& scope) {
  const std::string key = provider.issuer + " " + identity.name + " " + scope;
  return cache.get(
      key, [&] { return acquire(provider, identity, scope); },
      [&](const std::string& refresh_token) {
        if (identity.grant == TokenGrant::token_command) return command_token(identity);
        return oidc::TokenClient::at_endpoint(provider.token_endpoint, {identity.client_id, identity.client_secret})
            .refresh(refresh_token);
      });
}

// The fixture users the identities of kind user are, each with the subject of its token; each
// identity that cannot sign in is a drift (or, with `drifts` null, an error).
std::vector<provision::ProvisionedUser> signed_in_users(TokenCache& cache, const OidcDiscovery& provider,
                                             const std::vector<OidcIdentity>& identities, const provision::ProvisionOptions& options,
                                             std::vector<provision::Drift>* drifts) {
  const std::vector<provision::ProvisionedUser> fixtures = provision::fixture_users(options);
  std::vector<provision::ProvisionedUser> users;
  for (const auto& identity : identities) {
    std::string sub;
    try {
      sub = claims_of(tokens_of(cache, provider, identity, identity.scope).access_token).value("sub", "");
      if (sub.empty()) throw std::runtime_error("its access token has no sub");
    } catch (const std::exception& e) {
      const std::string why = std::string("cannot sign in (") + grant_name(identity.grant) + "): " + e.what();
      if (!drifts) throw std::runtime_error("OIDC identity " + identity.name + " " + why);
      drifts->push_back({"OIDC identity " + identity.name, why});
      continue;
    }
    if (identity.kind != "user") continue;
    for (const auto& fixture : fixtures) {
      if (fixture.fixture.username == identity.name) users.push_back({fixture.fixture, sub, ""});
    }
  }
  return users;
}

}  // namespace

OidcDiscovery OidcProvider::discovery(const std::string& issuer, bool fresh) const {
  {
    const std::lock_guard lock(discoveries_mutex_);
    if (const auto kept = discoveries_.find(issuer); !fresh && kept != discoveries_.end()) return kept->second;
  }
  OidcDiscovery found = discover(issuer);
  const std::lock_guard lock(discoveries_mutex_);
  discoveries_[issuer] = found;
  return found;
}

provision::ProvisionResult OidcProvider::provision(IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                        const provision::ProvisionOptions& options) const {
  say(options, "oidc: discovery of " + issuer_of(site) + ", each identity signed in (no admin call)");
  const OidcDiscovery provider = discovery(issuer_of(site), true);
  std::vector<provision::ProvisionedUser> users = signed_in_users(tokens_, provider, identities_of(site), options, nullptr);
  return provision::provision_vault(vault, options, std::move(users), vault_binding(site, options));
}

std::vector<provision::Drift> OidcProvider::check(const IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                                       const provision::ProvisionOptions& options) const {
  say(options, "oidc: discovery of " + issuer_of(site) + ", each identity signed in");
  OidcDiscovery provider;
  try {
    provider = discovery(issuer_of(site), true);
  } catch (const std::runtime_error& e) {
    return {{"OIDC provider " + issuer_of(site), e.what()}};
  }
  std::vector<provision::Drift> drifts;
  std::vector<provision::ProvisionedUser> users = signed_in_users(tokens_, provider, identities_of(site), options, &drifts);
  for (auto& drift : provision::check_vault(vault, options, std::move(users), vault_binding(site, options))) drifts.push_back(std::move(drift));
  return drifts;
}

// Vault trusts the provider's keys and issuer as its discovery document gives them, and its role
// `user` takes the tokens the servers log in with: those issued for the stack file's
// `vault_audience` (a tenant's own), else for `vault`, as on the stacks the harness administers.
provision::VaultJwtBinding OidcProvider::vault_binding(const IdentityProviderSite& site, const provision::ProvisionOptions&) const {
  const OidcDiscovery provider = discovery(issuer_of(site));
  provision::VaultJwtBinding binding;
  binding.config = {{"jwks_url", provider.jwks_uri},
                    {"bound_issuer", provider.issuer},
                    {"jwt_supported_algs", Json::array({"RS256"})}};
  binding.config_object = "Vault jwt config (JWKS of " + provider.issuer + ")";
  binding.role = {{"bound_audiences", Json::array({site.fields.vault_audience.empty() ? kDefaultVaultAudience
                                                                                    : site.fields.vault_audience})}, {"claim_mappings", {{"azp", "azp"}}}};
  binding.role_object = "Vault JWT role user";
  return binding;
}

McpServerTrust OidcProvider::mcp_server_trust(const IdentityProviderSite& site, const std::string&) const {
  const OidcDiscovery provider = discovery(issuer_of(site));
  return {{"--issuer", provider.issuer, "--jwks-url", provider.jwks_uri}, {}, {}};
}

SignIn OidcProvider::sign_in(const IdentityProviderSite& site, const UserSignIn& user) const {
  if (user.dpop_bound) throw std::runtime_error("dpop: the harness gets no DPoP-bound tokens from an identity provider it does not administer");
  const std::vector<OidcIdentity> identities = identities_of(site);
  const OidcIdentity& identity = identity_named(identities, site, user.username);
  if (user.client_id != kDefaultClient && user.client_id != identity.client_id) {
    throw std::runtime_error("identity " + identity.name + " signs in through its own client only, not " + user.client_id +
                             " (the identity provider is not administered by the harness)");
  }
  const OidcDiscovery provider = discovery(issuer_of(site));
  const std::string scope = identity.scope.empty() ? user.scope : identity.scope;
  SignIn signed_in;
  signed_in.tokens = tokens_of(tokens_, provider, identity, scope);
  const bool command = identity.grant == TokenGrant::token_command;
  signed_in.endpoint = command ? "token_command " + identity.command.front() : provider.token_endpoint;
  signed_in.request = command ? "" : "grant_type=" + grant_name(identity.grant) + "&client_id=" + identity.client_id +
                                         (scope.empty() ? "" : "&scope=" + scope);
  signed_in.flow = grant_name(identity.grant) + " at " + provider.issuer + " as " + identity.name +
                   (command ? "" : ", client " + identity.client_id);
  return signed_in;
}

oidc::TokenResponse OidcProvider::refresh(const IdentityProviderSite& site, const UserSignIn& user,
                                          const std::string& refresh_token) const {
  const std::vector<OidcIdentity> identities = identities_of(site);
  const OidcIdentity& identity = identity_named(identities, site, user.username);
  const OidcDiscovery provider = discovery(issuer_of(site));
  return oidc::TokenClient::at_endpoint(provider.token_endpoint, {identity.client_id, identity.client_secret})
      .refresh(refresh_token);
}

std::string OidcProvider::subject(const IdentityProviderSite& site, const std::string& username) const {
  const std::vector<OidcIdentity> identities = identities_of(site);
  const OidcIdentity& identity = identity_named(identities, site, username);
  const OidcDiscovery provider = discovery(issuer_of(site));
  const std::string sub = claims_of(tokens_of(tokens_, provider, identity, identity.scope).access_token).value("sub", "");
  if (sub.empty()) throw std::runtime_error("identity " + username + ": its access token has no sub");
  return sub;
}

// An agent's client secret, when its identity has one: the harness made no client of its own.
std::optional<std::string> OidcProvider::client_secret(const IdentityProviderSite& site, const std::string& client_id) const {
  for (const auto& identity : identities_of(site)) {
    if (identity.client_id == client_id && !identity.client_secret.empty()) return identity.client_secret;
  }
  return std::nullopt;
}

std::string OidcProvider::claims_summary(const Json& claims) const {
  const std::string aud =
      claims.contains("aud") ? (claims["aud"].is_string() ? claims["aud"].get<std::string>() : claims["aud"].dump()) : "";
  return "sub " + claims.value("sub", "") + " · iss " + claims.value("iss", "") + " · aud " + aud + " · azp " +
         claims.value("azp", "");
}

}  // namespace mcph::harness::idp
