#pragma once
// Plumbing shared by the admin REST routes: bearer-token authentication, realm resolution and
// permission checks in Keycloak's order (401, then 404 "Realm not found.", then 403).
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/http/message.h"
#include "mcph/http/server.h"
#include "state.h"

namespace mcph::mock_keycloak {

struct AdminCaller {
  std::string realm;  // the realm that issued the token
  std::string user_id;
  bool master_admin = false;  // a master-realm user holding the admin role
};

// Checks "Authorization: Bearer": a token of an existing realm, signed by it, unexpired, whose
// session and user are still good. Anything else is 401 {"error":"HTTP 401 Unauthorized"}.
// Call with state.mutex held.
AdminCaller authenticate_admin(State& state, const http::Request& request);
// 403 unless the caller administers every realm (the master admin role).
void require_master_admin(const AdminCaller& caller);

// Runs handler(realm, request, response) for "/admin/realms/{realm}<suffix>" with the lock
// held, after authentication, the realm lookup and the permission check. The route's own
// captures follow the realm name in request.captures.
using RealmHandler = std::function<void(Realm&, const http::Request&, http::Response&)>;
void realm_admin_route(http::Server& server, State& state, const std::string& method,
                       const std::string& suffix, RealmHandler handler);

// Adapts a handler that also needs the state (for Location headers) to a RealmHandler.
using StatefulRealmHandler = void (*)(const State&, Realm&, const http::Request&, http::Response&);
RealmHandler with_state(const State& state, StatefulRealmHandler handler);

// The body of a JSON admin call: 415 for another media type, 400 for unparsable JSON.
nlohmann::json json_body(const http::Request& request, bool array_allowed = false);
// "<base>/admin/realms/<realm><path>" for Location headers.
std::string admin_location(const State& state, const Realm& realm, const std::string& path);
// The user/client/… named by a path capture, or 404 with Keycloak's text.
User& user_or_404(Realm& realm, const std::string& id);
Client& client_or_404(Realm& realm, const std::string& id);
Group& group_or_404(Realm& realm, const std::string& id);

}  // namespace mcph::mock_keycloak
