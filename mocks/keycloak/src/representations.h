#pragma once
// Keycloak's admin representations (UserRepresentation, ClientRepresentation, …): the model as
// JSON, and JSON applied to the model. Shared by the admin API and the realm import.
#include <string>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_keycloak {

// Where a UserRepresentation goes, which decides a few of its fields (Keycloak 26.5): GET
// /users/{id} (every access flag), the /users listing (the user profile's metadata and only the
// "manage" flag), or a brief one (group members, a client's service-account user: no access,
// no serviceAccountClientId).
enum class UserView { single, listing, brief };
nlohmann::ordered_json user_rep(const User& user, UserView view = UserView::single);
nlohmann::ordered_json client_rep(const Client& client);
nlohmann::ordered_json mapper_rep(const ProtocolMapper& mapper);
nlohmann::ordered_json realm_rep(const Realm& realm);
// A RoleRepresentation; listings leave "attributes" out, as Keycloak's do.
nlohmann::ordered_json role_rep(const Realm& realm, const Role& role, bool with_attributes = true);
nlohmann::ordered_json group_rep(const Realm& realm, const Group& group, bool with_subgroups);
nlohmann::ordered_json component_rep(const Realm& realm, const RealmKey& key);
std::string group_path(const Realm& realm, const Group& group);
const Group* find_group_by_path(const Realm& realm, const std::string& path);

// How a UserRepresentation reaches a user: through the admin API, which applies the user profile
// (user_profile.h: its validators; unmanaged attributes are dropped), or a realm import, which
// takes the representation as it is, "attributes" included.
enum class UserWrite { admin_create, admin_update, import };

// Creates or updates a user from a UserRepresentation: validates (400 for a missing username,
// 409 for a taken username or email, then the user profile's 400s), lower-cases username and
// email, sets the password from "credentials". On create, an omitted "enabled" means disabled.
void apply_user_rep(Realm& realm, User& user, const nlohmann::json& rep, UserWrite how);
// "groups" of a UserRepresentation: group paths ("/parent/child"); unknown → 400.
void apply_user_groups(Realm& realm, User& user, const nlohmann::json& rep);
void set_password(User& user, const std::string& value, bool temporary);

// Creates or updates a client from a ClientRepresentation. Creating gives Keycloak's defaults
// (enabled, standard flow on, direct grants off, confidential with a generated secret) and a
// service-account user when serviceAccountsEnabled is true.
void apply_client_rep(Realm& realm, Client& client, const nlohmann::json& rep, bool creating);
ProtocolMapper mapper_from_rep(const nlohmann::json& rep);
void ensure_service_account_user(Realm& realm, const Client& client);

// Realm settings of a RealmRepresentation (enabled, lifespans, login options).
void apply_realm_settings(Realm& realm, const nlohmann::json& rep);

}  // namespace mcph::mock_keycloak
