// AdminCreateUser, AdminSetUserPassword and AdminGetUser.
#include "actions.h"
#include "errors.h"
#include "password_policy.h"
#include "request_fields.h"

namespace mcph::mock_cognito {
namespace {

nlohmann::ordered_json user_record(const User& user, const char* attributes_member) {
  return {{"Username", user.username},
          {attributes_member, attribute_json(user)},
          {"UserCreateDate", user.created},
          {"UserLastModifiedDate", user.modified},
          {"Enabled", user.enabled},
          {"UserStatus", to_string(user.status)}};
}

nlohmann::ordered_json admin_create_user(MockCognito::State& state, const nlohmann::json& request) {
  Pool& pool = state.pool(required_string(request, "UserPoolId"));
  const std::string username = required_string(request, "Username");
  if (pool.users.count(username)) throw CognitoError("UsernameExistsException", "User account already exists");
  const auto temporary = optional_string(request, "TemporaryPassword");
  if (temporary) check_password_policy(pool.password_policy, *temporary);

  User user;
  user.username = username;
  user.sub = random_uuid();
  for (auto& [name, value] : attribute_list(request, "UserAttributes")) {
    if (name == "sub") throw invalid_parameter("Cannot modify the non-mutable attribute sub");
    user.attributes.emplace_back(std::move(name), std::move(value));
  }
  user.password = hash_password(temporary ? *temporary : random_token(18) + "aA1!");
  user.created = user.modified = now_seconds();
  const auto out = nlohmann::ordered_json{{"User", user_record(user, "Attributes")}};
  pool.users.emplace(username, std::move(user));
  return out;
}

nlohmann::ordered_json admin_set_user_password(MockCognito::State& state, const nlohmann::json& request) {
  Pool& pool = state.pool(required_string(request, "UserPoolId"));
  User& user = find_user(pool, required_string(request, "Username"));
  const std::string password = required_string(request, "Password");
  check_password_policy(pool.password_policy, password);
  user.password = hash_password(password);
  user.status = optional_bool(request, "Permanent", false) ? UserStatus::confirmed : UserStatus::force_change_password;
  user.modified = now_seconds();
  return nlohmann::ordered_json::object();
}

nlohmann::ordered_json admin_get_user(MockCognito::State& state, const nlohmann::json& request) {
  Pool& pool = state.pool(required_string(request, "UserPoolId"));
  return user_record(find_user(pool, required_string(request, "Username")), "UserAttributes");
}

}  // namespace

nlohmann::ordered_json attribute_json(const User& user) {
  auto list = nlohmann::ordered_json::array();
  list.push_back({{"Name", "sub"}, {"Value", user.sub}});
  for (const auto& [name, value] : user.attributes) list.push_back({{"Name", name}, {"Value", value}});
  return list;
}

User& find_user(Pool& pool, const std::string& username) {
  const auto it = pool.users.find(username);
  if (it == pool.users.end()) throw user_not_found();
  return it->second;
}

void add_user_actions(ActionTable& table) {
  table.emplace("AdminCreateUser", admin_create_user);
  table.emplace("AdminSetUserPassword", admin_set_user_password);
  table.emplace("AdminGetUser", admin_get_user);
}

}  // namespace mcph::mock_cognito
