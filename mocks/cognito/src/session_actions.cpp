// GetUser, GlobalSignOut, AdminUserGlobalSignOut and RevokeToken.
#include "actions.h"
#include "errors.h"
#include "request_fields.h"
#include "tokens.h"

namespace mcph::mock_cognito {
namespace {

void revoke_sessions_of(Pool& pool, const std::string& username) {
  for (auto& [origin_jti, session] : pool.sessions) {
    if (session.username == username) session.revoked = true;
  }
}

nlohmann::ordered_json get_user(MockCognito::State& state, const nlohmann::json& request) {
  const auto owner = check_access_token(state, required_string(request, "AccessToken"));
  return {{"Username", owner.user->username}, {"UserAttributes", attribute_json(*owner.user)}};
}

nlohmann::ordered_json global_sign_out(MockCognito::State& state, const nlohmann::json& request) {
  const auto owner = check_access_token(state, required_string(request, "AccessToken"));
  revoke_sessions_of(*owner.pool, owner.user->username);
  return nlohmann::ordered_json::object();
}

nlohmann::ordered_json admin_user_global_sign_out(MockCognito::State& state, const nlohmann::json& request) {
  Pool& pool = state.pool(required_string(request, "UserPoolId"));
  const User& user = find_user(pool, required_string(request, "Username"));
  revoke_sessions_of(pool, user.username);
  return nlohmann::ordered_json::object();
}

nlohmann::ordered_json revoke_token(MockCognito::State& state, const nlohmann::json& request) {
  const std::string token = required_string(request, "Token");
  const auto [pool, client] = state.client(required_string(request, "ClientId"));
  const std::string secret = optional_string(request, "ClientSecret").value_or("");
  if (!client->secret.empty() && !constant_time_equals(secret, client->secret)) {
    throw CognitoError("UnauthorizedException", "Invalid client secret for client " + client->id);
  }
  const auto it = pool->refresh_sessions.find(token);
  // An unknown token is revoked already, as RFC 7009 has it.
  if (it == pool->refresh_sessions.end()) return nlohmann::ordered_json::object();
  Session& session = pool->sessions.at(it->second);
  if (session.client_id != client->id) {
    throw CognitoError("UnsupportedOperationException", "The token was not issued to client " + client->id);
  }
  session.revoked = true;
  return nlohmann::ordered_json::object();
}

}  // namespace

void add_session_actions(ActionTable& table) {
  table.emplace("GetUser", get_user);
  table.emplace("GlobalSignOut", global_sign_out);
  table.emplace("AdminUserGlobalSignOut", admin_user_global_sign_out);
  table.emplace("RevokeToken", revoke_token);
}

}  // namespace mcph::mock_cognito
