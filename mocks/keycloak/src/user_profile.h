#pragma once
// Keycloak 26's default user profile as the admin API applies it to a UserRepresentation
// (UsersResource.createUser / UserResource.updateUser → validateUserProfile): the validators
// of username, email, firstName and lastName, and unmanaged attributes switched off. A realm
// import does not go through it.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "model.h"

namespace mcph::mock_keycloak {

// The profile's errors for `rep`, or nullopt when it passes. `existing` is the user an update
// changes (its username is read-only: editUsernameAllowed is off), nullptr for a new one. One
// error is answered as {"field","errorMessage","params"}, several as {"errors":[…]}, in the
// order Keycloak's attribute map gives them (email, username, lastName, firstName).
std::optional<KeycloakError> user_profile_error(const nlohmann::json& rep, const User* existing);

// The userProfileMetadata of the default profile, as the /users listing carries it.
const nlohmann::ordered_json& default_user_profile_metadata();

// Keycloak's email check (EmailValidationUtil, local part up to 64 characters).
bool is_valid_email(const std::string& email);

}  // namespace mcph::mock_keycloak
