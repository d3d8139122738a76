#pragma once
// The tokens of a sign-in, shaped like Cognito's: RS256 access and ID tokens signed with the
// pool's key (kid in the header), opaque refresh tokens.
#include <string>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_cognito {

inline constexpr int kAccessTokenSeconds = 3600;

// Base64(HMAC-SHA256(client secret, username + client id)), as a client sends it.
std::string secret_hash(const std::string& client_secret, const std::string& username, const std::string& client_id);

// AuthenticationResult of InitiateAuth: AccessToken, ExpiresIn, TokenType, IdToken, and a new
// RefreshToken when `with_refresh_token` (a refresh answers without one).
nlohmann::ordered_json authentication_result(const MockCognito::State& state, Pool& pool, const User& user,
                                             const Session& session, bool with_refresh_token);

// The pool, user and session of a valid access token; throws NotAuthorizedException ("Invalid
// Access Token", "Access Token has expired", "Access Token has been revoked").
struct AccessTokenOwner {
  Pool* pool;
  User* user;
  Session* session;
};
AccessTokenOwner check_access_token(MockCognito::State& state, const std::string& token);

}  // namespace mcph::mock_cognito
