// InitiateAuth: USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, with SECRET_HASH for clients that
// have a secret.
#include "actions.h"
#include "errors.h"
#include "request_fields.h"
#include "tokens.h"

namespace mcph::mock_cognito {
namespace {

void require_secret_hash(const AppClient& client, const std::string& given) {
  if (!client.secret.empty() && given.empty()) {
    throw not_authorized("Client " + client.id + " is configured with secret but SECRET_HASH was not received");
  }
}

bool secret_hash_matches(const AppClient& client, const std::string& given, const std::string& username) {
  return constant_time_equals(given, secret_hash(client.secret, username, client.id));
}

std::string required_parameter(const nlohmann::json& request, const char* name) {
  std::string value = map_value(request, "AuthParameters", name);
  if (value.empty()) throw invalid_parameter(std::string("Missing required parameter ") + name);
  return value;
}

nlohmann::ordered_json new_password_challenge(const User& user) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, value] : user.attributes) attributes[name] = value;
  return {{"ChallengeName", "NEW_PASSWORD_REQUIRED"},
          {"Session", random_token(96)},
          {"ChallengeParameters",
           {{"USER_ID_FOR_SRP", user.username},
            {"requiredAttributes", "[]"},
            {"userAttributes", attributes.dump()}}}};
}

nlohmann::ordered_json password_auth(MockCognito::State& state, Pool& pool, const AppClient& client,
                                     const nlohmann::json& request) {
  if (!client.allows("ALLOW_USER_PASSWORD_AUTH") && !client.allows("USER_PASSWORD_AUTH")) {
    throw invalid_parameter("USER_PASSWORD_AUTH flow not enabled for this client");
  }
  const std::string username = required_parameter(request, "USERNAME");
  const std::string given_hash = map_value(request, "AuthParameters", "SECRET_HASH");
  require_secret_hash(client, given_hash);
  if (!client.secret.empty() && !secret_hash_matches(client, given_hash, username)) {
    throw not_authorized("Unable to verify secret hash for client " + client.id);
  }
  const std::string password = required_parameter(request, "PASSWORD");
  const auto it = pool.users.find(username);
  if (it == pool.users.end()) throw user_not_found();
  const User& user = it->second;
  if (!check_password(user.password, password)) throw not_authorized("Incorrect username or password.");
  if (!user.enabled) throw not_authorized("User is disabled.");
  if (user.status == UserStatus::force_change_password) return new_password_challenge(user);

  Session session{random_uuid(), user.username, client.id, now_epoch(), false};
  const auto& stored = pool.sessions.emplace(session.origin_jti, session).first->second;
  return {{"ChallengeParameters", nlohmann::ordered_json::object()},
          {"AuthenticationResult", authentication_result(state, pool, user, stored, true)}};
}

nlohmann::ordered_json refresh_auth(MockCognito::State& state, Pool& pool, const AppClient& client,
                                    const nlohmann::json& request) {
  const std::string refresh_token = required_parameter(request, "REFRESH_TOKEN");
  const std::string given_hash = map_value(request, "AuthParameters", "SECRET_HASH");
  require_secret_hash(client, given_hash);
  const auto it = pool.refresh_sessions.find(refresh_token);
  if (it == pool.refresh_sessions.end()) throw not_authorized("Invalid Refresh Token");
  const Session& session = pool.sessions.at(it->second);
  if (session.client_id != client.id) throw not_authorized("Invalid Refresh Token");
  const auto user = pool.users.find(session.username);
  if (user == pool.users.end()) throw user_not_found();
  // Cognito computes the hash over the user's name or, where it is an alias, over the sub.
  if (!client.secret.empty() && !secret_hash_matches(client, given_hash, user->second.username) &&
      !secret_hash_matches(client, given_hash, user->second.sub)) {
    throw not_authorized("Unable to verify secret hash for client " + client.id);
  }
  if (session.revoked) throw not_authorized("Refresh Token has been revoked");
  return {{"ChallengeParameters", nlohmann::ordered_json::object()},
          {"AuthenticationResult", authentication_result(state, pool, user->second, session, false)}};
}

nlohmann::ordered_json initiate_auth(MockCognito::State& state, const nlohmann::json& request) {
  const std::string flow = required_string(request, "AuthFlow");
  const auto [pool, client] = state.client(required_string(request, "ClientId"));
  if (flow == "USER_PASSWORD_AUTH") return password_auth(state, *pool, *client, request);
  if (flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN") return refresh_auth(state, *pool, *client, request);
  throw invalid_parameter("Unsupported auth flow " + flow + " in this stand-in");
}

}  // namespace

void add_auth_actions(ActionTable& table) { table.emplace("InitiateAuth", initiate_auth); }

}  // namespace mcph::mock_cognito
