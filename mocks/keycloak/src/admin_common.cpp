#include "admin_common.h"

#include "errors.h"
#include "json_fields.h"
#include "mcph/jose/jwt.h"
#include "mcph/sync/unix_time.h"
#include "request_util.h"
#include "roles.h"
#include "token_service.h"

namespace mcph::mock_keycloak {

AdminCaller authenticate_admin(State& state, const http::Request& request) {
  const auto token = bearer_token(request);
  if (!token) throw not_authorized();
  // Keycloak takes the realm from the token's iss, then verifies the token with that realm.
  const auto payload = jose::unverified_payload(*token);
  if (!payload) throw not_authorized();
  const auto claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object() || !claims.contains("iss") || !claims["iss"].is_string()) throw not_authorized();
  const std::string issuer = claims["iss"].get<std::string>();
  Realm* realm = state.find_realm(issuer.substr(issuer.rfind('/') + 1));
  if (realm == nullptr) throw not_authorized();
  const auto info = verify_access_token(*realm, state.issuer(*realm), *token);
  if (!info) throw not_authorized();
  const User* user = token_user(*realm, info->azp, info->sid, info->sub, info->iat, sync::unix_seconds());
  if (user == nullptr) throw not_authorized();
  AdminCaller caller;
  caller.realm = realm->name;
  caller.user_id = user->id;
  caller.master_admin = realm->name == "master" && effective_realm_roles(*realm, *user).count("admin") > 0;
  return caller;
}

void require_master_admin(const AdminCaller& caller) {
  if (!caller.master_admin) throw forbidden();
}

void realm_admin_route(http::Server& server, State& state, const std::string& method,
                       const std::string& suffix, RealmHandler handler) {
  // RESTEasy matches a path with a trailing slash too (the admin client sends
  // /admin/realms/{realm}/users/).
  server.route(
      method, "/admin/realms/([^/]+)" + suffix + "/?",
      guarded([&state, handler = std::move(handler)](const http::Request& request, http::Response& response) {
        std::lock_guard lock(state.mutex);
        const AdminCaller caller = authenticate_admin(state, request);
        Realm* realm = state.find_realm(request.captures.at(0));
        if (realm == nullptr) throw plain_error(404, "Realm not found.");
        // Realm-level roles (realm-management) are not modelled: only the master
        // realm's administrators manage realms.
        require_master_admin(caller);
        http::Request shifted = request;
        shifted.captures.erase(shifted.captures.begin());
        handler(*realm, shifted, response);
      }));
}

RealmHandler with_state(const State& state, StatefulRealmHandler handler) {
  return [&state, handler](Realm& realm, const http::Request& request, http::Response& response) {
    handler(state, realm, request, response);
  };
}

nlohmann::json json_body(const http::Request& request, bool array_allowed) {
  if (!is_json(request)) throw unsupported_media_type();
  return parse_body(request.body, array_allowed);
}

std::string admin_location(const State& state, const Realm& realm, const std::string& path) {
  return state.base_url() + "/admin/realms/" + realm.name + path;
}

User& user_or_404(Realm& realm, const std::string& id) {
  User* user = realm.find_user(id);
  if (user == nullptr) throw plain_error(404, "User not found");
  return *user;
}

Client& client_or_404(Realm& realm, const std::string& id) {
  Client* client = realm.find_client(id);
  if (client == nullptr) throw plain_error(404, "Could not find client");
  return *client;
}

Group& group_or_404(Realm& realm, const std::string& id) {
  auto it = realm.groups.find(id);
  if (it == realm.groups.end()) throw plain_error(404, "Could not find group by id");
  return it->second;
}

}  // namespace mcph::mock_keycloak
