#include "mcph/harness/provision/keycloak_admin.h"

#include <chrono>
#include <stdexcept>

#include "mcph/http/url.h"
#include "mcph/oidc/token_client.h"

namespace mcph::harness::provision {

using Json = nlohmann::json;

namespace {

// Provisioning and its admin login, not a hot path: the real Keycloak's first realm import on a freshly started JVM
// (keys generated, classes loaded) took over the default 10 s on a loaded 2-core machine.
http::ClientOptions admin_options() {
  http::ClientOptions options;
  options.read_timeout = std::chrono::seconds(60);
  return options;
}

}  // namespace

KeycloakAdmin::KeycloakAdmin(const std::string& base_url, const std::string& admin_user,
                             const std::string& admin_password)
    : http_(base_url, admin_options()), base_url_(base_url), admin_user_(admin_user), admin_password_(admin_password) {
  log_in();
}

void KeycloakAdmin::log_in() {
  oidc::TokenClient master(base_url_ + "/realms/master", {"admin-cli", ""}, admin_options());
  try {
    token_ = master.password_grant(admin_user_, admin_password_).access_token;
  } catch (const oidc::OidcError& e) {
    throw std::runtime_error("Keycloak admin login as '" + admin_user_ + "' failed: " + e.what());
  }
}

http::ClientResponse KeycloakAdmin::call(const std::string& method, const std::string& path, const std::string& body) {
  const auto send = [&] {
    return http_.request(method, path, {{"Authorization", "Bearer " + token_}}, body, body.empty() ? "" : "application/json");
  };
  http::ClientResponse response = send();
  // The master realm's tokens live 60 s: a long provisioning (a thousand users against the real
  // Keycloak) outlives its first one. Log in again once, as an admin console does.
  if (response.status == 401) {
    log_in();
    response = send();
  }
  // Every admin call expands the master admin's roles, which reach into every realm: while
  // another realm is being deleted, Keycloak may answer 500 ("Not found in database" in its log).
  // A read changes nothing, so it is asked once more.
  if (method == "GET" && response.status >= 500) response = send();
  return response;
}

void KeycloakAdmin::fail(const std::string& what, const http::ClientResponse& response) {
  throw std::runtime_error("Keycloak: " + what + " answered " + std::to_string(response.status) + " " +
                           response.body.substr(0, 300));
}

std::string KeycloakAdmin::created_id(const http::ClientResponse& response, const std::string& what) {
  const std::string location = response.header("Location");
  const auto slash = location.rfind('/');
  if (slash == std::string::npos) throw std::runtime_error("Keycloak: " + what + " gave no Location");
  return location.substr(slash + 1);
}

std::optional<Json> KeycloakAdmin::find_realm(const std::string& realm) {
  const auto response = call("GET", "/admin/realms/" + http::percent_encode(realm));
  if (response.status == 404) return std::nullopt;
  if (response.status != 200) fail("GET realm " + realm, response);
  Json representation = Json::parse(response.body, nullptr, false);
  if (!representation.is_object()) fail("GET realm " + realm, response);
  return representation;
}

void KeycloakAdmin::create_realm(const Json& representation) {
  const auto response = call("POST", "/admin/realms", representation.dump());
  if (response.status != 201) fail("create realm", response);
}

void KeycloakAdmin::update_realm(const std::string& realm, const Json& settings) {
  const auto response = call("PUT", "/admin/realms/" + http::percent_encode(realm), settings.dump());
  if (response.status != 204) fail("update realm " + realm, response);
}

std::optional<Json> KeycloakAdmin::find_user(const std::string& realm, const std::string& username) {
  const auto response = call("GET", "/admin/realms/" + http::percent_encode(realm) +
                                        "/users?exact=true&username=" + http::percent_encode(username));
  if (response.status != 200) fail("find user " + username, response);
  const Json users = Json::parse(response.body, nullptr, false);
  if (!users.is_array()) fail("find user " + username, response);
  for (const auto& user : users) {
    if (user.value("username", "") == username) return user;
  }
  return std::nullopt;
}

std::string KeycloakAdmin::create_user(const std::string& realm, const Json& representation) {
  const auto response = call("POST", "/admin/realms/" + http::percent_encode(realm) + "/users", representation.dump());
  if (response.status != 201) fail("create user " + representation.value("username", ""), response);
  return created_id(response, "create user");
}

void KeycloakAdmin::set_user_enabled(const std::string& realm, const std::string& user_id, bool enabled) {
  const auto response = call("PUT", "/admin/realms/" + http::percent_encode(realm) + "/users/" + http::percent_encode(user_id),
                             Json{{"enabled", enabled}}.dump());
  if (response.status != 204) fail(std::string(enabled ? "enable" : "disable") + " user " + user_id, response);
}

void KeycloakAdmin::logout_user(const std::string& realm, const std::string& user_id) {
  const auto response = call("POST", "/admin/realms/" + http::percent_encode(realm) + "/users/" +
                                         http::percent_encode(user_id) + "/logout");
  if (response.status != 204) fail("sign out user " + user_id, response);
}

std::optional<Json> KeycloakAdmin::find_client(const std::string& realm, const std::string& client_id) {
  const auto response = call("GET", "/admin/realms/" + http::percent_encode(realm) +
                                        "/clients?clientId=" + http::percent_encode(client_id));
  if (response.status != 200) fail("find client " + client_id, response);
  const Json clients = Json::parse(response.body, nullptr, false);
  if (clients.is_array() && !clients.empty()) return clients.front();
  return std::nullopt;
}

Json KeycloakAdmin::list(const std::string& realm, const std::string& collection, const std::string& what) {
  const auto response = call("GET", "/admin/realms/" + http::percent_encode(realm) + collection);
  if (response.status != 200) fail("list " + what, response);
  Json items = Json::parse(response.body, nullptr, false);
  if (!items.is_array()) fail("list " + what, response);
  return items;
}

Json KeycloakAdmin::list_clients(const std::string& realm) { return list(realm, "/clients", "clients"); }

void KeycloakAdmin::update_client(const std::string& realm, const std::string& client_uuid, const Json& changes) {
  const auto response = call("PUT", "/admin/realms/" + http::percent_encode(realm) + "/clients/" + http::percent_encode(client_uuid),
                             changes.dump());
  if (response.status != 204) fail("update client " + client_uuid, response);
}

void KeycloakAdmin::create_client(const std::string& realm, const Json& representation) {
  const auto response = call("POST", "/admin/realms/" + http::percent_encode(realm) + "/clients", representation.dump());
  if (response.status != 201) fail("create client " + representation.value("clientId", ""), response);
}

Json KeycloakAdmin::list_identity_providers(const std::string& realm) {
  return list(realm, "/identity-provider/instances", "identity providers");
}

bool KeycloakAdmin::put_identity_provider(const std::string& realm, const Json& representation) {
  const std::string base = "/admin/realms/" + http::percent_encode(realm) + "/identity-provider/instances";
  const std::string alias = representation.value("alias", "");
  const auto found = call("GET", base + "/" + http::percent_encode(alias));
  if (found.status == 404) {
    const auto created = call("POST", base, representation.dump());
    if (created.status != 201) fail("create identity provider " + alias, created);
    return true;
  }
  if (found.status != 200) fail("find identity provider " + alias, found);
  const auto updated = call("PUT", base + "/" + http::percent_encode(alias), representation.dump());
  if (updated.status != 204) fail("update identity provider " + alias, updated);
  return false;
}

std::optional<Json> KeycloakAdmin::find_client_scope(const std::string& realm, const std::string& name) {
  for (const auto& scope : list(realm, "/client-scopes", "client scopes")) {
    if (scope.value("name", "") == name) return scope;
  }
  return std::nullopt;
}

void KeycloakAdmin::create_client_scope(const std::string& realm, const Json& representation) {
  const auto response =
      call("POST", "/admin/realms/" + http::percent_encode(realm) + "/client-scopes", representation.dump());
  if (response.status != 201) fail("create client scope " + representation.value("name", ""), response);
}

void KeycloakAdmin::delete_client_scope(const std::string& realm, const std::string& id) {
  const auto response = call("DELETE", "/admin/realms/" + http::percent_encode(realm) + "/client-scopes/" + id);
  if (response.status != 204) fail("delete client scope " + id, response);
}

void KeycloakAdmin::add_optional_client_scope(const std::string& realm, const std::string& client_uuid,
                                              const std::string& scope_id) {
  const auto response = call("PUT", "/admin/realms/" + http::percent_encode(realm) + "/clients/" + client_uuid +
                                        "/optional-client-scopes/" + scope_id);
  if (response.status != 204) fail("add optional client scope", response);
}

}  // namespace mcph::harness::provision
