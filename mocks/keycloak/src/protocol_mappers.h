#pragma once
// The client's protocol mappers that the mock runs: oidc-audience-mapper,
// oidc-usermodel-realm-role-mapper, oidc-group-membership-mapper,
// oidc-usermodel-attribute-mapper, oidc-usermodel-property-mapper, oidc-hardcoded-claim-mapper.
// Other mapper types are stored and listed but add nothing.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_keycloak {

enum class TokenKind { access, id, userinfo, introspection };

// Whether the mapper's "…token.claim" switch puts it into this kind of token. As in
// OIDCAttributeMapperHelper, only "true" counts; introspection falls back to the access token's.
bool mapper_applies(const ProtocolMapper& mapper, TokenKind kind);

// Audiences the client's audience mappers add (included.client.audience, else
// included.custom.audience).
std::vector<std::string> mapper_audiences(const Client& client, TokenKind kind);

// Adds the claims of every other mapper that applies.
void apply_claim_mappers(const Realm& realm, const Client& client, const User& user, TokenKind kind,
                         nlohmann::ordered_json& claims);

}  // namespace mcph::mock_keycloak
