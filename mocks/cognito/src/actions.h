#pragma once
// The cognito-idp actions, by name (the part of X-Amz-Target after the service prefix). Each
// runs with the state's mutex held and answers the response's JSON or throws CognitoError.
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_cognito {

using Action = std::function<nlohmann::ordered_json(MockCognito::State& state, const nlohmann::json& request)>;
using ActionTable = std::map<std::string, Action, std::less<>>;

// CreateUserPool, CreateUserPoolClient, ListUserPools, DescribeUserPool, DescribeUserPoolClient
void add_pool_actions(ActionTable& table);
void add_user_actions(ActionTable& table);     // AdminCreateUser, AdminSetUserPassword, AdminGetUser
void add_auth_actions(ActionTable& table);     // InitiateAuth
void add_session_actions(ActionTable& table);  // GetUser, GlobalSignOut, AdminUserGlobalSignOut, RevokeToken

// [{"Name":"sub",…}, then the user's attributes], as AdminGetUser and GetUser list them.
nlohmann::ordered_json attribute_json(const User& user);
// The user's record, found by username; throws UserNotFoundException.
User& find_user(Pool& pool, const std::string& username);

}  // namespace mcph::mock_cognito
