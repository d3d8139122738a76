#pragma once
// An Amazon Cognito user pool as a stack's identity provider: users sign in through the stack's
// app client (InitiateAuth USER_PASSWORD_AUTH with SECRET_HASH); the pool has no token exchange
// and its access tokens no audience, so the MCP servers check the app client and pass their
// callers' tokens through to Vault, whose role binds token_use and client_id
// (docs/modes.md#cognito-and-vault).
#include "mcph/harness/idp/identity_provider.h"

namespace mcph::harness::idp {

class CognitoProvider final : public IdentityProvider {
 public:
  std::string service() const override { return "cognito"; }
  bool brings_up(std::string_view row) const override { return row == "cognito"; }
  std::string provisions() const override { return "Cognito user pool, app client and users"; }

  provision::ProvisionResult provision(IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                            const provision::ProvisionOptions& options) const override;
  std::vector<provision::Drift> check(const IdentityProviderSite& site, const provision::ProvisionTarget& vault,
                           const provision::ProvisionOptions& options) const override;
  provision::VaultJwtBinding vault_binding(const IdentityProviderSite& site, const provision::ProvisionOptions& options) const override;

  // A pool has no per-resource scopes nor clients of the servers.
  bool scopes_per_mcp_server() const override { return false; }
  void provision_mcp_resources(const IdentityProviderSite&, const std::vector<provision::McpResource>&,
                               const provision::ProvisionOptions&) const override {}
  McpServerTrust mcp_server_trust(const IdentityProviderSite& site, const std::string& server) const override;
  bool authorizes_agents() const override { return false; }

  SignIn sign_in(const IdentityProviderSite& site, const UserSignIn& user) const override;
  oidc::TokenResponse refresh(const IdentityProviderSite& site, const UserSignIn& user,
                              const std::string& refresh_token) const override;
  // No token exchange: Vault's role takes the user's access token itself.
  std::string vault_login_token(const IdentityProviderSite&, const std::string& access_token,
                                const std::vector<std::string>&) const override {
    return access_token;
  }
  std::string subject(const IdentityProviderSite& site, const std::string& username) const override;
  std::optional<std::string> client_secret(const IdentityProviderSite&, const std::string&) const override {
    return std::nullopt;
  }
  std::string claims_summary(const nlohmann::json& claims) const override;
};

}  // namespace mcph::harness::idp
