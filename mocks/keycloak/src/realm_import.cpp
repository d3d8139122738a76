#include "realm_import.h"

#include "errors.h"
#include "identity_providers.h"
#include "json_fields.h"
#include "representations.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

void add_role(Realm& realm, const std::string& name, std::vector<std::string> composites = {},
              std::string description = {}) {
  if (realm.roles.count(name)) return;
  Role role;
  role.id = random_uuid();
  role.name = name;
  role.description = std::move(description);
  role.composites = std::move(composites);
  realm.roles.emplace(name, std::move(role));
}

Client builtin_client(const std::string& realm_name, const std::string& client_id) {
  Client client;
  client.id = random_uuid();
  client.client_id = client_id;
  client.name = "${client_" + client_id + "}";
  if (client_id == "account" || client_id == "account-console") {
    client.public_client = true;
    client.root_url = "${authBaseUrl}";
    client.base_url = "/realms/" + realm_name + "/account/";
    client.redirect_uris = {"/realms/" + realm_name + "/account/*"};
    if (client_id == "account-console") client.attributes["pkce.code.challenge.method"] = "S256";
  } else if (client_id == "admin-cli") {
    client.public_client = true;
    client.standard_flow = false;
    client.direct_access_grants = true;
    client.full_scope_allowed = false;
  } else if (client_id == "security-admin-console") {
    client.public_client = true;
    client.root_url = "${authAdminUrl}";
    client.base_url = "/admin/" + realm_name + "/console/";
    client.redirect_uris = {"/admin/" + realm_name + "/console/*"};
    client.web_origins = {"+"};
    client.attributes["pkce.code.challenge.method"] = "S256";
  } else {  // broker, realm-management
    client.bearer_only = true;
    client.standard_flow = client_id != "realm-management";
  }
  return client;
}

void generate_default_keys(Realm& realm) {
  auto spec = [](const std::string& provider) {
    KeySpec s;
    s.component_id = random_uuid();
    s.name = provider;
    s.provider_id = provider;
    return s;
  };
  realm.keys.push_back(make_key(realm.name, spec("rsa-generated")));
  realm.keys.push_back(make_key(realm.name, spec("hmac-generated-hs512")));
  realm.deferred_keys.push_back(spec("rsa-enc-generated"));
  realm.keys_changed();
}

void add_builtin_clients(Realm& realm) {
  for (const char* id :
       {"account", "account-console", "admin-cli", "broker", "realm-management", "security-admin-console"}) {
    Client client = builtin_client(realm.name, id);
    realm.clients.emplace(client.id, std::move(client));
  }
}

void import_groups(Realm& realm, const nlohmann::json& groups, const std::string& parent_id) {
  for (const auto& rep : groups) {
    Group group;
    group.id = get_string(rep, "id").value_or(random_uuid());
    group.name = get_string(rep, "name").value_or("");
    if (group.name.empty()) throw error_message(400, "Group name is missing");
    group.parent_id = parent_id;
    if (const auto roles = get_string_list(rep, "realmRoles"))
      group.realm_roles.insert(roles->begin(), roles->end());
    if (const auto attributes = get_attributes(rep, "attributes")) group.attributes = *attributes;
    const std::string id = group.id;
    realm.groups.emplace(id, std::move(group));
    import_groups(realm, get_array(rep, "subGroups"), id);
  }
}

void import_roles(Realm& realm, const nlohmann::json& rep) {
  if (!rep.contains("roles") || !rep["roles"].is_object()) return;
  for (const auto& role_rep : get_array(rep["roles"], "realm")) {
    const std::string name = get_string(role_rep, "name").value_or("");
    if (name.empty()) throw error_message(400, "Role name is missing");
    std::vector<std::string> composites;
    if (role_rep.contains("composites") && role_rep["composites"].is_object()) {
      composites = get_string_list(role_rep["composites"], "realm").value_or(std::vector<std::string>{});
    }
    if (realm.roles.count(name)) {
      if (!composites.empty()) realm.roles[name].composites = composites;
      continue;
    }
    add_role(realm, name, composites, get_string(role_rep, "description").value_or(""));
  }
}

// "roles": {"client": {"<clientId>": [RoleRepresentation…]}}, after the clients exist.
void import_client_roles(Realm& realm, const nlohmann::json& rep) {
  if (!rep.contains("roles") || !rep["roles"].is_object()) return;
  const auto by_client = rep["roles"].find("client");
  if (by_client == rep["roles"].end() || !by_client->is_object()) return;
  for (const auto& [client_id, roles] : by_client->items()) {
    Client* client = realm.find_client_by_client_id(client_id);
    if (client == nullptr || !roles.is_array()) continue;  // the built-in clients' own roles
    for (const auto& role_rep : roles) {
      Role role;
      role.id = get_string(role_rep, "id").value_or(random_uuid());
      role.name = get_string(role_rep, "name").value_or("");
      if (role.name.empty()) throw plain_error(400, "role has no name");
      role.description = get_string(role_rep, "description").value_or("");
      role.client_uuid = client->id;
      const std::string name = role.name;
      client->roles.emplace(name, std::move(role));
    }
  }
}

// A user's "clientRoles": {"<clientId>": ["role", …]}.
void import_user_client_roles(Realm& realm, User& user, const nlohmann::json& user_rep) {
  const auto mapped = user_rep.find("clientRoles");
  if (mapped == user_rep.end() || !mapped->is_object()) return;
  for (const auto& [client_id, names] : mapped->items()) {
    Client* client = realm.find_client_by_client_id(client_id);
    if (client == nullptr) throw error_message(400, "Client " + client_id + " not found");
    for (const auto& name : names) {
      if (!name.is_string()) continue;
      if (!client->roles.count(name.get<std::string>())) continue;  // the built-in clients' roles are not modelled
      user.client_roles[client->id].insert(name.get<std::string>());
    }
  }
}

void import_clients(Realm& realm, const nlohmann::json& rep) {
  for (const auto& client_rep : get_array(rep, "clients")) {
    // An export carries the built-in clients too: the file's version replaces ours.
    if (const auto client_id = get_string(client_rep, "clientId")) {
      if (Client* existing = realm.find_client_by_client_id(*client_id)) realm.clients.erase(existing->id);
    }
    Client client;
    apply_client_rep(realm, client, client_rep, true);
    const std::string id = client.id;
    realm.clients.emplace(id, std::move(client));
  }
}

// "identityProviders": [IdentityProviderRepresentation…], each checked as the admin API checks
// one; an alias given twice is refused as the API refuses a second provider of that alias.
void import_identity_providers(Realm& realm, const nlohmann::json& rep) {
  for (const auto& provider_rep : get_array(rep, "identityProviders")) {
    IdentityProvider provider = identity_provider_from_rep(provider_rep);
    const std::string alias = provider.alias;
    if (!realm.identity_providers.emplace(alias, std::move(provider)).second) {
      throw error_message(409, "Identity Provider " + alias + " already exists");
    }
  }
}

void import_users(Realm& realm, const nlohmann::json& rep) {
  for (const auto& user_rep : get_array(rep, "users")) {
    const auto sa_client = get_string(user_rep, "serviceAccountClientId");
    User user;
    if (sa_client) {
      // The service-account user was made with its client; keep that one, add its roles.
      const auto username = text::ascii_lower("service-account-" + *sa_client);
      if (User* existing = realm.find_user_by_username(username)) {
        if (const auto roles = get_string_list(user_rep, "realmRoles"))
          existing->realm_roles.insert(roles->begin(), roles->end());
        import_user_client_roles(realm, *existing, user_rep);
        continue;
      }
    }
    user.id = get_string(user_rep, "id").value_or(random_uuid());
    user.created_ms = now_millis();
    apply_user_rep(realm, user, user_rep, UserWrite::import);
    if (const auto roles = get_string_list(user_rep, "realmRoles")) {
      for (const auto& role : *roles) {
        if (!realm.roles.count(role)) throw error_message(400, "Role " + role + " not found");
        user.realm_roles.insert(role);
      }
    }
    apply_user_groups(realm, user, user_rep);
    import_user_client_roles(realm, user, user_rep);
    const std::string id = user.id;
    realm.users.emplace(id, std::move(user));
  }
}

}  // namespace

// The client scopes Keycloak 26.5 creates with every realm (their claims are built into the
// token code; as objects they list, and custom scopes sit beside them).
void add_builtin_client_scopes(Realm& realm) {
  for (const char* name : {"acr", "address", "basic", "email", "microprofile-jwt", "offline_access", "organization",
                           "phone", "profile", "role_list", "roles", "saml_organization", "service_account",
                           "web-origins"}) {
    ClientScope scope;
    scope.id = random_uuid();
    scope.name = name;
    const bool saml = std::string_view(name) == "role_list" || std::string_view(name) == "saml_organization";
    scope.protocol = saml ? "saml" : "openid-connect";
    realm.client_scopes.emplace(scope.id, std::move(scope));
  }
}

std::unique_ptr<Realm> new_realm(const std::string& name) {
  auto realm = std::make_unique<Realm>();
  realm->id = random_uuid();
  realm->name = name;
  add_role(*realm, "offline_access", {}, "${role_offline-access}");
  add_role(*realm, "uma_authorization", {}, "${role_uma_authorization}");
  add_role(*realm, realm->default_role(), {"offline_access", "uma_authorization"}, "${role_default-roles}");
  add_builtin_clients(*realm);
  add_builtin_client_scopes(*realm);
  generate_default_keys(*realm);
  return realm;
}

std::unique_ptr<Realm> master_realm(const std::string& admin_user, const std::string& admin_password) {
  auto realm = new_realm("master");
  realm->enabled = true;
  realm->access_token_lifespan = 60;
  // The bootstrap administrator has no email or names, and logs in all the same.
  realm->verify_profile = false;
  add_role(*realm, "create-realm", {}, "${role_create-realm}");
  add_role(*realm, "admin", {"create-realm"}, "${role_admin}");
  User admin;
  admin.id = random_uuid();
  admin.username = text::ascii_lower(admin_user);
  admin.enabled = true;
  admin.created_ms = now_millis();
  admin.realm_roles = {"admin"};
  set_password(admin, admin_password, false);
  realm->users.emplace(admin.id, std::move(admin));
  return realm;
}

std::unique_ptr<Realm> import_realm(const nlohmann::json& rep) {
  if (!rep.is_object()) throw invalid_json();
  const auto name = get_string(rep, "realm");
  if (!name || name->empty()) throw error_message(400, "Realm name cannot be empty");
  if (name->find('/') != std::string::npos)
    throw error_message(400, "Realm name contains an invalid character");
  auto realm = new_realm(*name);
  if (const auto id = get_string(rep, "id")) realm->id = *id;
  apply_realm_settings(*realm, rep);
  import_roles(*realm, rep);
  import_groups(*realm, get_array(rep, "groups"), "");
  import_identity_providers(*realm, rep);
  import_clients(*realm, rep);
  import_client_roles(*realm, rep);
  import_users(*realm, rep);
  return realm;
}

}  // namespace mcph::mock_keycloak
