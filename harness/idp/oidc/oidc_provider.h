#pragma once
// An OpenID provider the harness does not administer (a company's Okta, Auth0, Entra tenant, a
// Keycloak another team owns): it makes no user, changes none and signs none out. It finds the
// provider by its issuer's discovery document, signs in as the identities its owner gives
// (oidc_identities.h: a private file or the environment), holds their tokens renewed before
// they expire, and binds Vault's JWT auth to the provider's keys and issuer. The scenarios that
// need an administered provider are not applicable to it (administered()).
#include <map>
#include <mutex>

#include "mcph/harness/idp/identity_provider.h"
#include "oidc_discovery.h"
#include "token_cache.h"

namespace mcph::harness::idp {

class OidcProvider final : public IdentityProvider {
 public:
  std::string service() const override { return "oidc"; }
  // The harness starts nothing of it: no row of the service table is its.
  bool brings_up(std::string_view) const override { return false; }
  std::string provisions() const override { return "OIDC provider's identities (signed in, not administered)"; }
  bool administered() const override { return false; }

  // No call to the provider's admin API: its discovery document, each identity signed in, then
  // Vault bound to it.
  provision::ProvisionResult provision(IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                            const provision::ProvisionOptions& options) const override;
  std::vector<provision::Drift> check(const IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                           const provision::ProvisionOptions& options) const override;
  provision::VaultJwtBinding vault_binding(const IdentityProviderSite& site, const provision::ProvisionOptions& options) const override;

  bool scopes_per_mcp_server() const override { return false; }
  void provision_mcp_resources(const IdentityProviderSite&, const std::vector<provision::McpResource>&,
                               const provision::ProvisionOptions&) const override {}
  McpServerTrust mcp_server_trust(const IdentityProviderSite& site, const std::string& server) const override;
  bool authorizes_agents() const override { return false; }

  SignIn sign_in(const IdentityProviderSite& site, const UserSignIn& user) const override;
  oidc::TokenResponse refresh(const IdentityProviderSite& site, const UserSignIn& user,
                              const std::string& refresh_token) const override;
  // No token exchange the harness could set up: Vault's role takes the identity's own token.
  std::string vault_login_token(const IdentityProviderSite&, const std::string& access_token,
                                const std::vector<std::string>&) const override {
    return access_token;
  }
  std::string subject(const IdentityProviderSite& site, const std::string& username) const override;
  std::optional<std::string> client_secret(const IdentityProviderSite& site, const std::string& client_id) const override;
  std::string claims_summary(const nlohmann::json& claims) const override;

 private:
  // The issuer's discovery document, fetched once and kept for every sign-in after it; `fresh`
  // (provision, check) fetches it again and keeps that one.
  OidcDiscovery discovery(const std::string& issuer, bool fresh = false) const;

  mutable TokenCache tokens_;
  mutable std::mutex discoveries_mutex_;
  mutable std::map<std::string, OidcDiscovery> discoveries_;
};

}  // namespace mcph::harness::idp
