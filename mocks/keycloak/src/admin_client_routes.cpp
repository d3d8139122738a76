// Admin REST: /admin/realms/{realm}/clients, their secrets and service-account users (their
// protocol mappers: admin_mapper_routes.cpp).
#include <algorithm>

#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "representations.h"
#include "request_util.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

// ?clientId=x (exact, or a substring with search=true), first, max.
void list_clients(Realm& realm, const Request& request, Response& response) {
  const auto client_id = request.query_param("clientId");
  const bool search = query_bool(request, "search", false);
  auto matches = [&](const Client& client) {
    if (!client_id) return true;
    if (search) return text::ascii_lower(client.client_id).find(text::ascii_lower(*client_id)) != std::string::npos;
    return client.client_id == *client_id;
  };
  std::vector<const Client*> found;
  for (const auto& [id, client] : realm.clients) {
    if (matches(client)) found.push_back(&client);
  }
  std::sort(found.begin(), found.end(),
            [](const Client* a, const Client* b) { return a->client_id < b->client_id; });
  const auto first = static_cast<std::size_t>(std::max(0, query_int(request, "first", 0)));
  const int max = query_int(request, "max", -1);
  nlohmann::ordered_json clients = nlohmann::ordered_json::array();
  for (std::size_t i = first; i < found.size(); ++i) {
    if (max >= 0 && clients.size() >= static_cast<std::size_t>(max)) break;
    clients.push_back(client_rep(*found[i]));
  }
  write_json(response, 200, clients);
}

void create_client(const State& state, Realm& realm, const Request& request, Response& response) {
  const auto rep = json_body(request);
  Client client;
  apply_client_rep(realm, client, rep, true);
  const std::string id = client.id;
  realm.clients.emplace(id, std::move(client));
  response.status = 201;
  response.set_header("Location", admin_location(state, realm, "/clients/" + id));
}

void get_client(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, client_rep(client_or_404(realm, request.captures.at(0))));
}

void update_client(Realm& realm, const Request& request, Response& response) {
  Client& client = client_or_404(realm, request.captures.at(0));
  const auto rep = json_body(request);
  Client updated = client;  // all or nothing: a rejected update leaves the client as it was
  apply_client_rep(realm, updated, rep, false);
  client = std::move(updated);
  response.status = 204;
}

void delete_client(Realm& realm, const Request& request, Response& response) {
  const Client& client = client_or_404(realm, request.captures.at(0));
  const std::string client_id = client.client_id;
  const std::string uuid = client.id;
  std::vector<std::string> service_accounts;
  for (const auto& [id, user] : realm.users) {
    if (user.service_account_client_id == client_id) service_accounts.push_back(id);
  }
  for (const auto& id : service_accounts) realm.remove_user(id);
  for (auto& [id, session] : realm.sessions) session.client_sessions.erase(uuid);
  for (auto& [id, user] : realm.users) user.client_roles.erase(uuid);
  realm.clients.erase(uuid);
  response.status = 204;
}

void get_client_secret(Realm& realm, const Request& request, Response& response) {
  const Client& client = client_or_404(realm, request.captures.at(0));
  nlohmann::ordered_json secret = {{"type", "secret"}};
  if (!client.public_client) secret["value"] = client.secret;
  write_json(response, 200, secret);
}

void regenerate_client_secret(Realm& realm, const Request& request, Response& response) {
  Client& client = client_or_404(realm, request.captures.at(0));
  if (client.public_client) throw plain_error(400, "Client is public");
  client.secret = random_secret();
  write_json(response, 200, nlohmann::ordered_json{{"type", "secret"}, {"value", client.secret}});
}

void get_service_account_user(Realm& realm, const Request& request, Response& response) {
  const Client& client = client_or_404(realm, request.captures.at(0));
  for (const auto& [id, user] : realm.users) {
    if (client.service_accounts && user.service_account_client_id == client.client_id) {
      write_json(response, 200, user_rep(user, UserView::brief));
      return;
    }
  }
  throw plain_error(400, "Service account not enabled for the client '" + client.client_id + "'");
}

}  // namespace

void add_admin_client_routes(http::Server& server, State& state) {
  const std::string client = "/clients/([^/]+)";
  realm_admin_route(server, state, "GET", "/clients", list_clients);
  realm_admin_route(server, state, "POST", "/clients", with_state(state, create_client));
  realm_admin_route(server, state, "GET", client, get_client);
  realm_admin_route(server, state, "PUT", client, update_client);
  realm_admin_route(server, state, "DELETE", client, delete_client);
  realm_admin_route(server, state, "GET", client + "/client-secret", get_client_secret);
  realm_admin_route(server, state, "POST", client + "/client-secret", regenerate_client_secret);
  realm_admin_route(server, state, "GET", client + "/service-account-user", get_service_account_user);
}

}  // namespace mcph::mock_keycloak
