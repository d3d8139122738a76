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

// The protocol mappers in effect for a token: the client's own, then those of the client scopes
// in effect (`scopes`: the client's default scopes and the optional ones the request named).
using Mappers = std::vector<const ProtocolMapper*>;
Mappers mappers_in_effect(const Realm& realm, const Client& client, const std::vector<std::string>& scopes);

// Audiences the audience mappers add (included.client.audience, else included.custom.audience).
std::vector<std::string> mapper_audiences(const Mappers& mappers, TokenKind kind);

// Adds the claims of every other mapper that applies.
void apply_claim_mappers(const Realm& realm, const Mappers& mappers, const User& user, TokenKind kind,
                         nlohmann::ordered_json& claims);

}  // namespace mcph::mock_keycloak
