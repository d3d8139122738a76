#pragma once
// Keycloak as a stack's identity provider: a realm (fixtures/keycloak) whose users sign in with
// the password grant, a client scope per MCP server (its audience), and token exchange to Vault's
// audience, which Vault's role user alone accepts.
#include "mcph/harness/idp/identity_provider.h"

namespace mcph::harness::idp {

class KeycloakProvider final : public IdentityProvider {
 public:
  std::string service() const override { return "keycloak"; }
  bool brings_up(std::string_view row) const override;
  std::string provisions() const override { return "Keycloak realm and users"; }

  provision::ProvisionResult provision(IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                            const provision::ProvisionOptions& options) const override;
  std::vector<provision::Drift> check(const IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                           const provision::ProvisionOptions& options) const override;
  provision::VaultJwtBinding vault_binding(const IdentityProviderSite& site, const provision::ProvisionOptions& options) const override;

  bool scopes_per_mcp_server() const override { return true; }
  void provision_mcp_resources(const IdentityProviderSite& site, const std::vector<provision::McpResource>& resources,
                               const provision::ProvisionOptions& options) const override;
  McpServerTrust mcp_server_trust(const IdentityProviderSite& site, const std::string& server) const override;
  bool authorizes_agents() const override { return true; }

  SignIn sign_in(const IdentityProviderSite& site, const UserSignIn& user) const override;
  oidc::TokenResponse refresh(const IdentityProviderSite& site, const UserSignIn& user,
                              const std::string& refresh_token) const override;
  std::string vault_login_token(const IdentityProviderSite& site, const std::string& access_token,
                                const std::vector<std::string>& server_clients) const override;
  std::string subject(const IdentityProviderSite& site, const std::string& username) const override;
  std::optional<std::string> client_secret(const IdentityProviderSite& site, const std::string& client_id) const override;
  std::string claims_summary(const nlohmann::json& claims) const override;
};

// The realm's URL as the harness reaches it: <url>/realms/<realm>.
std::string realm_url(const IdentityProviderSite& site);
// The realm's tokens' issuer: the entry's `issuer` where the harness reaches Keycloak at another
// address than the one it names itself by (a harness on a compose stack's network), else realm_url.
std::string realm_issuer(const IdentityProviderSite& site);

// The realm fixture's realm, clients and users in Keycloak (keycloak_realm.cpp): made when
// `checking` is false (the users' ids filled, the changes counted), else each difference found
// added to `drifts`. Throws std::runtime_error naming the step.
int provision_keycloak_realm(const IdentityProviderSite& site, const provision::ProvisionOptions& options,
                             std::vector<provision::ProvisionedUser>& users);
std::vector<provision::Drift> check_keycloak_realm(const IdentityProviderSite& site, const provision::ProvisionOptions& options,
                                        std::vector<provision::ProvisionedUser>& users);

}  // namespace mcph::harness::idp
