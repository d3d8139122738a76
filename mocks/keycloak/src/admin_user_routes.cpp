// Admin REST: /admin/realms/{realm}/users and what hangs off a user (password, groups, realm
// role mappings, sessions).
#include <algorithm>

#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "representations.h"
#include "request_util.h"
#include "roles.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

bool contains_ci(const std::string& haystack, const std::string& needle) {
  return text::ascii_lower(haystack).find(text::ascii_lower(needle)) != std::string::npos;
}

bool starts_with_ci(const std::string& text, const std::string& prefix) {
  return text::ascii_lower(text).rfind(text::ascii_lower(prefix), 0) == 0;
}

// UsersResource's "search": prefix by default, "*foo*" infix, "\"foo\"" exact; over username,
// email, first and last name.
bool matches_search(const User& user, std::string search) {
  const std::vector<std::string> fields{user.username, user.email, user.first_name, user.last_name};
  if (search.size() >= 2 && search.front() == '"' && search.back() == '"') {
    search = text::ascii_lower(search.substr(1, search.size() - 2));
    return std::any_of(fields.begin(), fields.end(),
                       [&](const std::string& f) { return text::ascii_lower(f) == search; });
  }
  const bool infix = !search.empty() && search.front() == '*';
  search.erase(std::remove(search.begin(), search.end(), '*'), search.end());
  return std::any_of(fields.begin(), fields.end(), [&](const std::string& f) {
    return infix ? contains_ci(f, search) : starts_with_ci(f, search);
  });
}

// username, email, firstName, lastName: substrings, or whole values with exact=true.
bool field_matches(const std::string& value, const std::optional<std::string>& wanted, bool exact) {
  if (!wanted) return true;
  return exact ? text::ascii_iequals(value, *wanted) : contains_ci(value, *wanted);
}

bool flag_matches(bool value, const std::optional<std::string>& wanted) {
  return !wanted || text::ascii_iequals(*wanted, "true") == value;
}

std::vector<const User*> find_users(const Realm& realm, const Request& request) {
  const bool exact = query_bool(request, "exact", false);
  const auto search = request.query_param("search");
  const auto username = request.query_param("username");
  const auto email = request.query_param("email");
  const auto first_name = request.query_param("firstName");
  const auto last_name = request.query_param("lastName");
  const auto enabled = request.query_param("enabled");
  const auto email_verified = request.query_param("emailVerified");
  std::vector<const User*> found;
  for (const auto& [id, user] : realm.users) {
    if (!user.service_account_client_id.empty()) continue;  // searches leave service accounts out
    if (search && !search->empty() && *search != "*" && !matches_search(user, *search)) continue;
    if (!field_matches(user.username, username, exact) || !field_matches(user.email, email, exact) ||
        !field_matches(user.first_name, first_name, exact) ||
        !field_matches(user.last_name, last_name, exact) || !flag_matches(user.enabled, enabled) ||
        !flag_matches(user.email_verified, email_verified)) {
      continue;
    }
    found.push_back(&user);
  }
  std::sort(found.begin(), found.end(),
            [](const User* a, const User* b) { return a->username < b->username; });
  return found;
}

// A role of a mapping body: found by name, and its id must match too (Keycloak's
// RoleMapperResource), else 404 "Role not found".
const Role& role_from_rep(const Realm& realm, const nlohmann::json& rep) {
  const auto it = realm.roles.find(get_string(rep, "name").value_or(""));
  if (it == realm.roles.end() || get_string(rep, "id") != it->second.id) throw plain_error(404, "Role not found");
  return it->second;
}

void list_users(Realm& realm, const Request& request, Response& response) {
  const auto found = find_users(realm, request);
  const auto first = static_cast<std::size_t>(std::max(0, query_int(request, "first", 0)));
  const int max = query_int(request, "max", 100);
  // briefRepresentation changes nothing in Keycloak 26.5's answer.
  nlohmann::ordered_json users = nlohmann::ordered_json::array();
  for (std::size_t i = first; i < found.size(); ++i) {
    if (max >= 0 && users.size() >= static_cast<std::size_t>(max)) break;
    users.push_back(user_rep(*found[i], UserView::listing));
  }
  write_json(response, 200, users);
}

void count_users(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, nlohmann::json(find_users(realm, request).size()));
}

void create_user(const State& state, Realm& realm, const Request& request, Response& response) {
  const auto rep = json_body(request);
  User user;
  user.id = random_uuid();
  user.created_ms = now_millis();
  apply_user_rep(realm, user, rep, UserWrite::admin_create);
  apply_user_groups(realm, user, rep);
  const std::string id = user.id;
  realm.users.emplace(id, std::move(user));
  response.status = 201;  // with an empty body, as Keycloak answers
  response.set_header("Location", admin_location(state, realm, "/users/" + id));
}

void get_user(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, user_rep(user_or_404(realm, request.captures.at(0))));
}

void update_user(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  const auto rep = json_body(request);
  User updated = user;  // all or nothing: a rejected update leaves the user as it was
  apply_user_rep(realm, updated, rep, UserWrite::admin_update);
  user = std::move(updated);
  response.status = 204;
}

void delete_user(Realm& realm, const Request& request, Response& response) {
  realm.remove_user(user_or_404(realm, request.captures.at(0)).id);
  response.status = 204;
}

void reset_password(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  const auto rep = json_body(request);
  const auto value = get_string(rep, "value");
  if (!value) throw plain_error(400, "No password provided");
  if (value->find_first_not_of(" \t\r\n") == std::string::npos)
    throw plain_error(400, "Empty password not allowed");
  set_password(user, *value, get_bool(rep, "temporary").value_or(false));
  response.status = 204;
}

// The password is the only credential modelled: [{id, type, createdDate, credentialData}], the
// hash itself never shown. credentialData names the stand-in's own hashing.
void list_credentials(Realm& realm, const Request& request, Response& response) {
  const User& user = user_or_404(realm, request.captures.at(0));
  nlohmann::ordered_json credentials = nlohmann::ordered_json::array();
  if (user.password) {
    credentials.push_back({{"id", user.password->id},
                           {"type", "password"},
                           {"createdDate", user.password->created_ms},
                           {"credentialData", R"({"hashIterations":1,"algorithm":"salted-sha256","additionalParameters":{}})"}});
  }
  write_json(response, 200, credentials);
}

void delete_credential(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  if (!user.password || user.password->id != request.captures.at(1)) throw plain_error(404, "Credential not found");
  user.password.reset();
  response.status = 204;
}

void logout_user(Realm& realm, const Request& request, Response& response) {
  const std::string id = user_or_404(realm, request.captures.at(0)).id;
  std::erase_if(realm.sessions, [&id](const auto& entry) { return entry.second.user_id == id; });
  response.status = 204;
}

void list_user_sessions(Realm& realm, const Request& request, Response& response) {
  const User& user = user_or_404(realm, request.captures.at(0));
  nlohmann::ordered_json sessions = nlohmann::ordered_json::array();
  for (const auto& [id, session] : realm.sessions) {
    if (session.user_id != user.id) continue;
    nlohmann::ordered_json clients = nlohmann::ordered_json::object();
    for (const auto& [client_uuid, started] : session.client_sessions) {
      if (const Client* client = realm.find_client(client_uuid)) clients[client_uuid] = client->client_id;
    }
    sessions.push_back({{"id", id},
                        {"username", user.username},
                        {"userId", user.id},
                        {"ipAddress", session.remote_addr},
                        {"start", session.started * 1000},
                        {"lastAccess", session.last_refresh * 1000},
                        {"rememberMe", false},
                        {"clients", clients}});
  }
  write_json(response, 200, sessions);
}

void list_user_groups(Realm& realm, const Request& request, Response& response) {
  const User& user = user_or_404(realm, request.captures.at(0));
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& group_id : user.group_ids) {
    auto it = realm.groups.find(group_id);
    if (it == realm.groups.end()) continue;
    nlohmann::ordered_json group = {
        {"id", it->second.id}, {"name", it->second.name}, {"path", group_path(realm, it->second)}};
    if (!it->second.parent_id.empty()) group["parentId"] = it->second.parent_id;
    groups.push_back(group);
  }
  write_json(response, 200, groups);
}

void join_group(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  if (!realm.groups.count(request.captures.at(1))) throw plain_error(404, "Group not found");
  user.group_ids.insert(request.captures.at(1));
  response.status = 204;
}

void leave_group(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  if (!realm.groups.count(request.captures.at(1))) throw plain_error(404, "Group not found");
  user.group_ids.erase(request.captures.at(1));
  response.status = 204;
}

void list_realm_role_mappings(Realm& realm, const Request& request, Response& response) {
  const User& user = user_or_404(realm, request.captures.at(0));
  std::set<std::string> names = user.realm_roles;
  names.insert(realm.default_role());  // every user holds it
  nlohmann::ordered_json roles = nlohmann::ordered_json::array();
  for (const auto& name : names) {
    if (auto it = realm.roles.find(name); it != realm.roles.end())
      roles.push_back(role_rep(realm, it->second, false));
  }
  write_json(response, 200, roles);
}

void add_realm_role_mappings(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  const auto reps = json_body(request, true);
  if (!reps.is_array()) throw invalid_json();
  std::vector<std::string> names;  // all known before any is added
  for (const auto& rep : reps) names.push_back(role_from_rep(realm, rep).name);
  user.realm_roles.insert(names.begin(), names.end());
  response.status = 204;
}

void remove_realm_role_mappings(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  const auto reps = json_body(request, true);
  if (!reps.is_array()) throw invalid_json();
  for (const auto& rep : reps) user.realm_roles.erase(role_from_rep(realm, rep).name);
  response.status = 204;
}

}  // namespace

void add_admin_user_routes(http::Server& server, State& state) {
  const std::string user = "/users/([^/]+)";
  realm_admin_route(server, state, "GET", "/users", list_users);
  realm_admin_route(server, state, "GET", "/users/count", count_users);  // before /users/{id}
  realm_admin_route(server, state, "POST", "/users", with_state(state, create_user));
  realm_admin_route(server, state, "GET", user, get_user);
  realm_admin_route(server, state, "PUT", user, update_user);
  realm_admin_route(server, state, "DELETE", user, delete_user);
  realm_admin_route(server, state, "PUT", user + "/reset-password", reset_password);
  realm_admin_route(server, state, "GET", user + "/credentials", list_credentials);
  realm_admin_route(server, state, "DELETE", user + "/credentials/([^/]+)", delete_credential);
  realm_admin_route(server, state, "POST", user + "/logout", logout_user);
  realm_admin_route(server, state, "GET", user + "/sessions", list_user_sessions);
  realm_admin_route(server, state, "GET", user + "/groups", list_user_groups);
  realm_admin_route(server, state, "PUT", user + "/groups/([^/]+)", join_group);
  realm_admin_route(server, state, "DELETE", user + "/groups/([^/]+)", leave_group);
  realm_admin_route(server, state, "GET", user + "/role-mappings/realm", list_realm_role_mappings);
  realm_admin_route(server, state, "POST", user + "/role-mappings/realm", add_realm_role_mappings);
  realm_admin_route(server, state, "DELETE", user + "/role-mappings/realm", remove_realm_role_mappings);
}

}  // namespace mcph::mock_keycloak
