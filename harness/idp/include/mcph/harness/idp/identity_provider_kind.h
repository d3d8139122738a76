#pragma once
// Which identity provider a stack has, as its stack file and `--idp` name it. Only the factory
// (identity_provider.h) and the parsers look at it: everything else holds the IdentityProvider
// it chose.
#include <optional>
#include <string>
#include <string_view>

namespace mcph::harness::idp {

enum class IdentityProviderKind { keycloak, cognito, oidc };
const char* to_string(IdentityProviderKind kind);
std::optional<IdentityProviderKind> parse_identity_provider(std::string_view text);
// "keycloak, cognito or oidc": the names a stack file and --idp take.
const std::string& identity_provider_names();

}  // namespace mcph::harness::idp
