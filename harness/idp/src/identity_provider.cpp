#include "mcph/harness/idp/identity_provider.h"

#include <array>
#include <stdexcept>

#include "../cognito/cognito_provider.h"
#include "../keycloak/keycloak_provider.h"
#include "../oidc/oidc_provider.h"

namespace mcph::harness::idp {
namespace {

struct Registered {
  IdentityProviderKind kind;
  const char* name;  // in the stack file's `idp` and --idp
  const IdentityProvider& provider;
};

// The factory: one row per provider.
const auto& registered() {
  static const KeycloakProvider keycloak;
  static const CognitoProvider cognito;
  static const OidcProvider oidc;
  static const std::array table = {
      Registered{IdentityProviderKind::keycloak, "keycloak", keycloak},
      Registered{IdentityProviderKind::cognito, "cognito", cognito},
      Registered{IdentityProviderKind::oidc, "oidc", oidc},
  };
  return table;
}

}  // namespace

const char* to_string(IdentityProviderKind kind) {
  for (const auto& row : registered()) {
    if (row.kind == kind) return row.name;
  }
  return "?";
}

std::optional<IdentityProviderKind> parse_identity_provider(std::string_view text) {
  for (const auto& row : registered()) {
    if (text == row.name) return row.kind;
  }
  return std::nullopt;
}

const std::string& identity_provider_names() {
  static const std::string names = [] {
    std::string text;
    const auto& table = registered();
    for (std::size_t i = 0; i < table.size(); ++i) {
      text += (i == 0 ? "" : i + 1 == table.size() ? " or " : ", ") + std::string(table[i].name);
    }
    return text;
  }();
  return names;
}

const IdentityProvider& identity_provider(IdentityProviderKind kind) {
  for (const auto& row : registered()) {
    if (row.kind == kind) return row.provider;
  }
  throw std::invalid_argument("no identity provider of kind " + std::to_string(static_cast<int>(kind)));
}

}  // namespace mcph::harness::idp
