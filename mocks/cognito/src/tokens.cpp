#include "tokens.h"

#include "errors.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"
#include "random_ids.h"

namespace mcph::mock_cognito {
namespace {

std::string sign(const Pool& pool, const nlohmann::ordered_json& claims) {
  const nlohmann::ordered_json header{{"kid", pool.kid}, {"alg", "RS256"}};
  return jose::sign_compact(pool.key, jose::Alg::RS256, header.dump(), claims.dump());
}

std::string access_token(const MockCognito::State& state, const Pool& pool, const User& user, const Session& session) {
  const std::int64_t now = now_epoch();
  const nlohmann::ordered_json claims{
      {"sub", user.sub},
      {"iss", state.issuer(pool.id)},
      {"client_id", session.client_id},
      {"origin_jti", session.origin_jti},
      {"event_id", random_uuid()},
      {"token_use", "access"},
      {"scope", "aws.cognito.signin.user.admin"},
      {"auth_time", session.auth_time},
      {"exp", now + kAccessTokenSeconds},
      {"iat", now},
      {"jti", random_uuid()},
      {"username", user.username},
  };
  return sign(pool, claims);
}

std::string id_token(const MockCognito::State& state, const Pool& pool, const User& user, const Session& session) {
  const std::int64_t now = now_epoch();
  nlohmann::ordered_json claims{{"sub", user.sub}};
  for (const auto& [name, value] : user.attributes) {
    if (name == "email_verified" || name == "phone_number_verified") {
      claims[name] = value == "true";
    } else {
      claims[name] = value;
    }
  }
  claims["aud"] = session.client_id;
  claims["event_id"] = random_uuid();
  claims["token_use"] = "id";
  claims["auth_time"] = session.auth_time;
  claims["iss"] = state.issuer(pool.id);
  claims["cognito:username"] = user.username;
  claims["exp"] = now + kAccessTokenSeconds;
  claims["iat"] = now;
  claims["origin_jti"] = session.origin_jti;
  claims["jti"] = random_uuid();
  return sign(pool, claims);
}

}  // namespace

std::string secret_hash(const std::string& client_secret, const std::string& username, const std::string& client_id) {
  const auto mac = jose::sign_bytes(jose::Key::hmac(client_secret), jose::Alg::HS256, username + client_id);
  return codec::base64_encode(mac);
}

nlohmann::ordered_json authentication_result(const MockCognito::State& state, Pool& pool, const User& user,
                                             const Session& session, bool with_refresh_token) {
  nlohmann::ordered_json result{{"AccessToken", access_token(state, pool, user, session)},
                                {"ExpiresIn", kAccessTokenSeconds},
                                {"TokenType", "Bearer"}};
  if (with_refresh_token) {
    std::string refresh = random_token(96);
    pool.refresh_sessions.emplace(refresh, session.origin_jti);
    result["RefreshToken"] = std::move(refresh);
  }
  result["IdToken"] = id_token(state, pool, user, session);
  return result;
}

AccessTokenOwner check_access_token(MockCognito::State& state, const std::string& token) {
  const auto payload = jose::unverified_payload(token);
  if (!payload) throw not_authorized("Invalid Access Token");
  const auto claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object() || !claims.contains("iss") || !claims["iss"].is_string()) {
    throw not_authorized("Invalid Access Token");
  }
  const std::string iss = claims["iss"].get<std::string>();
  const auto pool_it = state.pools.find(iss.substr(iss.rfind('/') + 1));
  if (pool_it == state.pools.end()) throw not_authorized("Invalid Access Token");
  Pool& pool = *pool_it->second;

  jose::VerifyOptions options;
  options.issuer = state.issuer(pool.id);
  jose::VerifiedJwt verified;
  try {
    verified = jose::verify_jwt(token, jose::JwkSet({jose::Jwk{pool.key.public_only(), pool.kid, jose::Alg::RS256, "sig"}}),
                                options);
  } catch (const jose::JoseError& error) {
    if (error.kind() == jose::ErrorKind::expired) throw not_authorized("Access Token has expired");
    throw not_authorized("Invalid Access Token");
  }
  if (claims.value("token_use", "") != "access") throw not_authorized("Invalid Access Token");
  const auto session = pool.sessions.find(claims.value("origin_jti", ""));
  if (session == pool.sessions.end()) throw not_authorized("Invalid Access Token");
  if (session->second.revoked) throw not_authorized("Access Token has been revoked");
  const auto user = pool.users.find(session->second.username);
  if (user == pool.users.end()) throw user_not_found();
  return {&pool, &user->second, &session->second};
}

}  // namespace mcph::mock_cognito
