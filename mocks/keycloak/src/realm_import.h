#pragma once
// Realms as Keycloak creates them: defaults, built-in roles and clients, generated keys; and
// realms built from a RealmRepresentation (POST /admin/realms, `--import-realm` files).
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_keycloak {

// A new realm with Keycloak's defaults: roles offline_access, uma_authorization and
// default-roles-<name>; clients account, account-console, admin-cli, broker,
// realm-management, security-admin-console; keys rsa-generated, rsa-enc-generated and
// hmac-generated-hs512.
std::unique_ptr<Realm> new_realm(const std::string& name);

// The master realm: accessTokenLifespan 60, roles admin and create-realm, and the
// administrator (who needs no email or names there).
std::unique_ptr<Realm> master_realm(const std::string& admin_user, const std::string& admin_password);

// A realm from a RealmRepresentation, with its roles, groups, identity providers (the spiffe
// type), clients (secrets, protocol mappers) and users (credentials, realmRoles, groups).
// Throws KeycloakError for a missing realm name, members of the wrong type, or duplicate users,
// clients or identity providers.
std::unique_ptr<Realm> import_realm(const nlohmann::json& rep);

}  // namespace mcph::mock_keycloak
