#include "representations.h"

#include <algorithm>

#include "errors.h"
#include "json_fields.h"
#include "user_profile.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

nlohmann::ordered_json attributes_json(const Attributes& attributes) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, values] : attributes) out[name] = values;
  return out;
}

KeycloakError field_error(const std::string& field, const std::string& message, const std::string& value) {
  return KeycloakError(400, {{"field", field}, {"errorMessage", message}, {"params", {field, value}}});
}

}  // namespace

nlohmann::ordered_json user_rep(const User& user, UserView view) {
  nlohmann::ordered_json rep;
  rep["id"] = user.id;
  rep["username"] = user.username;
  if (!user.first_name.empty()) rep["firstName"] = user.first_name;
  if (!user.last_name.empty()) rep["lastName"] = user.last_name;
  if (!user.email.empty()) rep["email"] = user.email;
  rep["emailVerified"] = user.email_verified;
  if (view == UserView::listing) rep["userProfileMetadata"] = default_user_profile_metadata();
  rep["enabled"] = user.enabled;
  rep["createdTimestamp"] = user.created_ms;
  rep["totp"] = false;
  if (view != UserView::brief && !user.service_account_client_id.empty()) {
    rep["serviceAccountClientId"] = user.service_account_client_id;
  }
  rep["disableableCredentialTypes"] = nlohmann::ordered_json::array();
  rep["requiredActions"] = user.required_actions;
  rep["notBefore"] = user.not_before;
  if (view == UserView::single) {
    rep["access"] = {{"manageGroupMembership", true}, {"resetPassword", true}, {"view", true},
                     {"mapRoles", true},              {"impersonate", true},   {"manage", true}};
  } else if (view == UserView::listing) {
    rep["access"] = {{"manage", true}};
  }
  return rep;
}

nlohmann::ordered_json mapper_rep(const ProtocolMapper& mapper) {
  nlohmann::ordered_json rep;
  rep["id"] = mapper.id;
  rep["name"] = mapper.name;
  rep["protocol"] = mapper.protocol;
  rep["protocolMapper"] = mapper.type;
  rep["consentRequired"] = false;
  rep["config"] = nlohmann::ordered_json::object();
  for (const auto& [key, value] : mapper.config) rep["config"][key] = value;
  return rep;
}

nlohmann::ordered_json client_rep(const Client& client) {
  nlohmann::ordered_json rep;
  rep["id"] = client.id;
  rep["clientId"] = client.client_id;
  if (!client.name.empty()) rep["name"] = client.name;
  if (!client.description.empty()) rep["description"] = client.description;
  if (!client.root_url.empty()) rep["rootUrl"] = client.root_url;
  if (!client.admin_url.empty()) rep["adminUrl"] = client.admin_url;
  if (!client.base_url.empty()) rep["baseUrl"] = client.base_url;
  rep["surrogateAuthRequired"] = client.surrogate_auth_required;
  rep["enabled"] = client.enabled;
  rep["alwaysDisplayInConsole"] = client.always_display_in_console;
  rep["clientAuthenticatorType"] = client.client_authenticator_type;
  if (!client.public_client && !client.secret.empty()) rep["secret"] = client.secret;
  rep["redirectUris"] = client.redirect_uris;
  rep["webOrigins"] = client.web_origins;
  rep["notBefore"] = 0;
  rep["bearerOnly"] = client.bearer_only;
  rep["consentRequired"] = client.consent_required;
  rep["standardFlowEnabled"] = client.standard_flow;
  rep["implicitFlowEnabled"] = client.implicit_flow;
  rep["directAccessGrantsEnabled"] = client.direct_access_grants;
  rep["serviceAccountsEnabled"] = client.service_accounts;
  rep["publicClient"] = client.public_client;
  rep["frontchannelLogout"] = client.frontchannel_logout;
  rep["protocol"] = client.protocol;
  rep["attributes"] = nlohmann::ordered_json::object();
  for (const auto& [key, value] : client.attributes) rep["attributes"][key] = value;
  rep["authenticationFlowBindingOverrides"] = nlohmann::ordered_json::object();
  rep["fullScopeAllowed"] = client.full_scope_allowed;
  rep["nodeReRegistrationTimeout"] = client.node_re_registration_timeout;
  if (!client.mappers.empty()) {
    rep["protocolMappers"] = nlohmann::ordered_json::array();
    for (const auto& mapper : client.mappers) rep["protocolMappers"].push_back(mapper_rep(mapper));
  }
  rep["defaultClientScopes"] = client.default_client_scopes;
  rep["optionalClientScopes"] = client.optional_client_scopes;
  rep["access"] = {{"view", true}, {"configure", true}, {"manage", true}};
  return rep;
}

nlohmann::ordered_json role_rep(const Realm& realm, const Role& role, bool with_attributes) {
  nlohmann::ordered_json rep;
  rep["id"] = role.id;
  rep["name"] = role.name;
  if (!role.description.empty()) rep["description"] = role.description;
  const bool client_role = !role.client_uuid.empty();
  rep["composite"] = !role.composites.empty() || (!client_role && role.name == realm.default_role());
  rep["clientRole"] = client_role;
  rep["containerId"] = client_role ? role.client_uuid : realm.id;
  if (with_attributes) rep["attributes"] = attributes_json(role.attributes);
  return rep;
}

nlohmann::ordered_json realm_rep(const Realm& realm) {
  nlohmann::ordered_json rep;
  rep["id"] = realm.id;
  rep["realm"] = realm.name;
  if (!realm.display_name.empty()) rep["displayName"] = realm.display_name;
  rep["notBefore"] = realm.not_before;
  rep["defaultSignatureAlgorithm"] = "RS256";
  rep["revokeRefreshToken"] = false;
  rep["refreshTokenMaxReuse"] = 0;
  rep["accessTokenLifespan"] = realm.access_token_lifespan;
  rep["accessTokenLifespanForImplicitFlow"] = realm.access_token_lifespan_implicit;
  rep["ssoSessionIdleTimeout"] = realm.sso_session_idle_timeout;
  rep["ssoSessionMaxLifespan"] = realm.sso_session_max_lifespan;
  rep["ssoSessionIdleTimeoutRememberMe"] = 0;
  rep["ssoSessionMaxLifespanRememberMe"] = 0;
  rep["offlineSessionIdleTimeout"] = realm.offline_session_idle_timeout;
  rep["offlineSessionMaxLifespanEnabled"] = false;
  rep["offlineSessionMaxLifespan"] = 5184000;
  rep["clientSessionIdleTimeout"] = 0;
  rep["clientSessionMaxLifespan"] = 0;
  rep["accessCodeLifespan"] = realm.access_code_lifespan;
  rep["accessCodeLifespanUserAction"] = 300;
  rep["accessCodeLifespanLogin"] = 1800;
  rep["enabled"] = realm.enabled;
  rep["sslRequired"] = realm.ssl_required;
  rep["registrationAllowed"] = realm.registration_allowed;
  rep["registrationEmailAsUsername"] = false;
  rep["rememberMe"] = realm.remember_me;
  rep["verifyEmail"] = false;
  rep["loginWithEmailAllowed"] = realm.login_with_email_allowed;
  rep["duplicateEmailsAllowed"] = realm.duplicate_emails_allowed;
  rep["resetPasswordAllowed"] = realm.reset_password_allowed;
  rep["editUsernameAllowed"] = false;
  rep["bruteForceProtected"] = realm.brute_force_protected;
  rep["defaultRole"] = {
      {"id", realm.roles.count(realm.default_role()) ? realm.roles.at(realm.default_role()).id : ""},
      {"name", realm.default_role()},
      {"description", "${role_default-roles}"},
      {"composite", true},
      {"clientRole", false},
      {"containerId", realm.id}};
  return rep;
}

std::string group_path(const Realm& realm, const Group& group) {
  std::string path = "/" + group.name;
  const Group* current = &group;
  for (int depth = 0; !current->parent_id.empty() && depth < 64; ++depth) {
    auto it = realm.groups.find(current->parent_id);
    if (it == realm.groups.end()) break;
    current = &it->second;
    path = "/" + current->name + path;
  }
  return path;
}

const Group* find_group_by_path(const Realm& realm, const std::string& path) {
  const std::string wanted = path.empty() || path[0] == '/' ? path : "/" + path;
  for (const auto& [id, group] : realm.groups) {
    if (group_path(realm, group) == wanted) return &group;
  }
  return nullptr;
}

nlohmann::ordered_json group_rep(const Realm& realm, const Group& group, bool with_subgroups) {
  nlohmann::ordered_json rep;
  rep["id"] = group.id;
  rep["name"] = group.name;
  rep["path"] = group_path(realm, group);
  if (!group.parent_id.empty()) rep["parentId"] = group.parent_id;
  nlohmann::ordered_json children = nlohmann::ordered_json::array();
  for (const auto& [id, child] : realm.groups) {
    if (child.parent_id == group.id) children.push_back(group_rep(realm, child, with_subgroups));
  }
  rep["subGroupCount"] = children.size();
  rep["subGroups"] = with_subgroups ? children : nlohmann::ordered_json::array();
  rep["attributes"] = attributes_json(group.attributes);
  rep["realmRoles"] = std::vector<std::string>(group.realm_roles.begin(), group.realm_roles.end());
  rep["clientRoles"] = nlohmann::ordered_json::object();
  rep["access"] = {{"view", true},
                   {"viewMembers", true},
                   {"manageMembers", true},
                   {"manage", true},
                   {"manageMembership", true}};
  return rep;
}

nlohmann::ordered_json component_rep(const Realm& realm, const RealmKey& key) {
  nlohmann::ordered_json rep;
  rep["id"] = key.spec.component_id;
  rep["name"] = key.spec.name;
  rep["providerId"] = key.spec.provider_id;
  rep["providerType"] = "org.keycloak.keys.KeyProvider";
  rep["parentId"] = realm.id;
  nlohmann::ordered_json config;
  config["priority"] = {std::to_string(key.spec.priority)};
  config["enabled"] = {key.spec.enabled ? "true" : "false"};
  config["active"] = {key.spec.active ? "true" : "false"};
  config["algorithm"] = {key.spec.algorithm};
  if (key.is_rsa()) {
    if (key.spec.provider_id != "rsa") config["keySize"] = {std::to_string(key.spec.key_size)};
    config["certificate"] = {key.certificate_b64};
    config["privateKey"] = {"**********"};
  } else {
    config["secretSize"] = {std::to_string(key.spec.key_size)};
    config["kid"] = {key.kid};
    config["secret"] = {"**********"};
  }
  rep["config"] = config;
  return rep;
}

void set_password(User& user, const std::string& value, bool temporary) {
  PasswordCredential credential;
  credential.id = random_uuid();
  credential.hash = hash_password(value);
  credential.created_ms = now_millis();
  user.password = std::move(credential);
  auto& actions = user.required_actions;
  actions.erase(std::remove(actions.begin(), actions.end(), "UPDATE_PASSWORD"), actions.end());
  if (temporary) actions.push_back("UPDATE_PASSWORD");
}

void apply_user_rep(Realm& realm, User& user, const nlohmann::json& rep, UserWrite how) {
  const bool creating = how != UserWrite::admin_update;
  // An update is validated first (UserResource.updateUser); a new user's username and email are
  // checked for duplicates first (UsersResource.createUser), then the profile.
  if (how == UserWrite::admin_update) {
    if (auto error = user_profile_error(rep, &user)) throw *error;
  }
  // Keycloak looks for a duplicate email first: a new user whose username and email both exist
  // is refused for the email.
  std::optional<std::string> email;
  if (const auto value = get_string(rep, "email")) {
    email = text::ascii_lower(*value);
    if (how == UserWrite::import && !email->empty() && !is_valid_email(*email)) {
      throw field_error("email", "error-invalid-email", *value);
    }
    const User* other = realm.find_user_by_email(*email);
    if (!realm.duplicate_emails_allowed && other != nullptr && other->id != user.id) {
      throw error_message(
          409, creating ? "User exists with same email" : "User exists with same username or email");
    }
  }
  if (creating) {
    const auto username = get_string(rep, "username");
    if (!username || username->empty()) throw error_message(400, "User name is missing");
    user.username = text::ascii_lower(*username);
    if (realm.find_user_by_username(user.username) != nullptr) {
      throw error_message(409, "User exists with same username");
    }
  }
  if (how == UserWrite::admin_create) {
    if (auto error = user_profile_error(rep, nullptr)) throw *error;
  }
  // An update whose representation carries "attributes" is taken as the whole profile: the
  // managed attributes it leaves out are removed (UserProfile.update with removeAttributes).
  if (how == UserWrite::admin_update && rep.contains("attributes") && !rep["attributes"].is_null()) {
    user.email.clear();
    user.first_name.clear();
    user.last_name.clear();
  }
  if (email) user.email = *email;
  if (const auto value = get_string(rep, "firstName")) user.first_name = *value;
  if (const auto value = get_string(rep, "lastName")) user.last_name = *value;
  if (const auto value = get_bool(rep, "enabled")) user.enabled = *value;
  if (const auto value = get_bool(rep, "emailVerified")) user.email_verified = *value;
  // Keycloak 26's user profile leaves unmanaged attributes off: the admin API ignores them, a
  // realm import keeps them (protocol mappers still read them; representations do not show them).
  if (const auto value = get_attributes(rep, "attributes"); value && how == UserWrite::import) user.attributes = *value;
  if (const auto actions = get_string_list(rep, "requiredActions")) user.required_actions = *actions;
  if (const auto value = get_int(rep, "createdTimestamp"); value && creating) user.created_ms = *value;
  if (const auto value = get_string(rep, "serviceAccountClientId"); value && creating) {
    user.service_account_client_id = *value;
  }
  for (const auto& credential : get_array(rep, "credentials")) {
    const std::string type = get_string(credential, "type").value_or("password");
    if (type != "password") continue;  // OTP and other credential types are not modelled
    const auto value = get_string(credential, "value");
    if (!value) continue;  // hashed credentials (secretData) from a full export are not supported
    set_password(user, *value, get_bool(credential, "temporary").value_or(false));
  }
}

void apply_user_groups(Realm& realm, User& user, const nlohmann::json& rep) {
  if (const auto groups = get_string_list(rep, "groups")) {
    for (const auto& path : *groups) {
      const Group* group = find_group_by_path(realm, path);
      if (group == nullptr) throw error_message(400, "Group " + path + " not found");
      user.group_ids.insert(group->id);
    }
  }
}

ProtocolMapper mapper_from_rep(const nlohmann::json& rep) {
  ProtocolMapper mapper;
  mapper.id = get_string(rep, "id").value_or(random_uuid());
  mapper.name = get_string(rep, "name").value_or("");
  mapper.protocol = get_string(rep, "protocol").value_or("openid-connect");
  mapper.type = get_string(rep, "protocolMapper").value_or("");
  if (mapper.name.empty()) throw error_message(400, "Protocol mapper name is missing");
  if (mapper.type.empty()) throw error_message(400, "Protocol mapper type is missing");
  mapper.config = get_string_map(rep, "config").value_or(std::map<std::string, std::string>{});
  // Keycloak 25+ stores the claims of the newer token kinds explicitly, following the older ones:
  // introspection as the access token, userinfo as the ID token (import and admin API alike).
  if (mapper.protocol == "openid-connect") {
    for (const auto& [older, newer] : {std::pair{"access.token.claim", "introspection.token.claim"},
                                       std::pair{"id.token.claim", "userinfo.token.claim"}}) {
      const auto given = mapper.config.find(older);
      if (given != mapper.config.end() && !mapper.config.count(newer)) mapper.config[newer] = given->second;
    }
  }
  return mapper;
}

void ensure_service_account_user(Realm& realm, const Client& client) {
  for (const auto& [id, user] : realm.users) {
    if (user.service_account_client_id == client.client_id) return;
  }
  User user;
  user.id = random_uuid();
  user.username = text::ascii_lower("service-account-" + client.client_id);
  user.enabled = true;
  user.created_ms = now_millis();
  user.service_account_client_id = client.client_id;
  realm.users.emplace(user.id, std::move(user));
}

void apply_client_rep(Realm& realm, Client& client, const nlohmann::json& rep, bool creating) {
  if (creating) {
    const auto client_id = get_string(rep, "clientId");
    if (!client_id || client_id->empty()) throw error_message(400, "Client id is missing");
    if (realm.find_client_by_client_id(*client_id) != nullptr) {
      throw error_message(409, "Client " + *client_id + " already exists");
    }
    client.client_id = *client_id;
    client.id = get_string(rep, "id").value_or(random_uuid());
  } else if (const auto client_id = get_string(rep, "clientId");
             client_id && *client_id != client.client_id) {
    const Client* other = realm.find_client_by_client_id(*client_id);
    if (other != nullptr && other->id != client.id) {
      throw error_message(409, "Client " + *client_id + " already exists");
    }
    client.client_id = *client_id;
  }
  if (const auto v = get_string(rep, "name")) client.name = *v;
  if (const auto v = get_string(rep, "description")) client.description = *v;
  if (const auto v = get_string(rep, "rootUrl")) client.root_url = *v;
  if (const auto v = get_string(rep, "baseUrl")) client.base_url = *v;
  if (const auto v = get_string(rep, "adminUrl")) client.admin_url = *v;
  if (const auto v = get_bool(rep, "enabled")) client.enabled = *v;
  if (const auto v = get_bool(rep, "publicClient")) client.public_client = *v;
  if (const auto v = get_bool(rep, "bearerOnly")) client.bearer_only = *v;
  if (const auto v = get_bool(rep, "standardFlowEnabled")) client.standard_flow = *v;
  if (const auto v = get_bool(rep, "implicitFlowEnabled")) client.implicit_flow = *v;
  if (const auto v = get_bool(rep, "directAccessGrantsEnabled")) client.direct_access_grants = *v;
  if (const auto v = get_bool(rep, "serviceAccountsEnabled")) client.service_accounts = *v;
  if (const auto v = get_bool(rep, "consentRequired")) client.consent_required = *v;
  if (const auto v = get_bool(rep, "frontchannelLogout")) client.frontchannel_logout = *v;
  if (const auto v = get_bool(rep, "alwaysDisplayInConsole")) client.always_display_in_console = *v;
  if (const auto v = get_bool(rep, "surrogateAuthRequired")) client.surrogate_auth_required = *v;
  if (const auto v = get_string(rep, "protocol")) client.protocol = *v;
  if (const auto v = get_string(rep, "clientAuthenticatorType")) client.client_authenticator_type = *v;
  if (const auto v = get_int32(rep, "nodeReRegistrationTimeout")) client.node_re_registration_timeout = *v;
  if (const auto v = get_string_list(rep, "redirectUris")) client.redirect_uris = *v;
  if (const auto v = get_string_list(rep, "webOrigins")) client.web_origins = *v;
  if (const auto v = get_string_list(rep, "defaultClientScopes")) client.default_client_scopes = *v;
  if (const auto v = get_string_list(rep, "optionalClientScopes")) client.optional_client_scopes = *v;
  if (const auto v = get_string_map(rep, "attributes")) {
    for (const auto& [key, value] : *v) client.attributes[key] = value;
  }
  if (const auto v = get_bool(rep, "fullScopeAllowed")) {
    client.full_scope_allowed = *v;
  } else if (creating) {
    client.full_scope_allowed = !client.consent_required;
  }
  if (const auto secret = get_string(rep, "secret")) client.secret = *secret;
  if (!client.public_client && !client.bearer_only && client.secret.empty()) client.secret = random_secret();
  if (creating) {  // an update leaves the mappers alone, as Keycloak's PUT does
    for (const auto& mapper : get_array(rep, "protocolMappers"))
      client.mappers.push_back(mapper_from_rep(mapper));
  }
  if (client.service_accounts) ensure_service_account_user(realm, client);
}

void apply_realm_settings(Realm& realm, const nlohmann::json& rep) {
  auto set_int = [&](const char* key, int& field) {
    if (const auto v = get_int32(rep, key)) field = *v;
  };
  auto set_bool = [&](const char* key, bool& field) {
    if (const auto v = get_bool(rep, key)) field = *v;
  };
  if (const auto v = get_string(rep, "displayName")) realm.display_name = *v;
  if (const auto v = get_string(rep, "sslRequired")) realm.ssl_required = *v;
  set_bool("enabled", realm.enabled);
  set_int("accessTokenLifespan", realm.access_token_lifespan);
  set_int("accessTokenLifespanForImplicitFlow", realm.access_token_lifespan_implicit);
  set_int("ssoSessionIdleTimeout", realm.sso_session_idle_timeout);
  set_int("ssoSessionMaxLifespan", realm.sso_session_max_lifespan);
  set_int("offlineSessionIdleTimeout", realm.offline_session_idle_timeout);
  set_int("accessCodeLifespan", realm.access_code_lifespan);
  set_int("notBefore", realm.not_before);
  set_bool("loginWithEmailAllowed", realm.login_with_email_allowed);
  set_bool("duplicateEmailsAllowed", realm.duplicate_emails_allowed);
  set_bool("registrationAllowed", realm.registration_allowed);
  set_bool("resetPasswordAllowed", realm.reset_password_allowed);
  set_bool("rememberMe", realm.remember_me);
  set_bool("bruteForceProtected", realm.brute_force_protected);
  // A realm file may switch the VERIFY_PROFILE required action off, as Keycloak's exports do.
  for (const auto& action : get_array(rep, "requiredActions")) {
    if (get_string(action, "alias").value_or("") == "VERIFY_PROFILE") {
      realm.verify_profile = get_bool(action, "enabled").value_or(true);
    }
  }
}

}  // namespace mcph::mock_keycloak
