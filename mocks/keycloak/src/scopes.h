#pragma once
// The OAuth "scope" parameter against a client's default and optional client scopes.
#include <optional>
#include <string>
#include <vector>

#include "model.h"

namespace mcph::mock_keycloak {

struct ScopeSet {
  bool openid = false;
  std::vector<std::string> scopes;  // the client scopes in effect (defaults + requested optional)

  bool has(const std::string& name) const;
  // The "scope" claim of an access token: openid (when asked) and the scopes whose
  // include.in.token.scope is true (profile, email and the optional ones; not acr, basic,
  // roles or web-origins).
  std::string token_scope() const;
  // The "scope" claim of a refresh token: every scope in effect.
  std::string refresh_scope() const;
};

// nullopt when the request names a scope the client does not have (→ invalid_scope).
std::optional<ScopeSet> resolve_scope(const Client& client, const std::optional<std::string>& requested);

}  // namespace mcph::mock_keycloak
