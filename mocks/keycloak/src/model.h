#pragma once
// The in-memory model of Keycloak's realms: users, clients, roles, groups, sessions and keys.
// Nothing here locks; MockKeycloak::State guards every Realm with one mutex.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crypto_util.h"
#include "mcph/jose/jwk.h"
#include "realm_keys.h"

namespace mcph::mock_keycloak {

using Attributes = std::map<std::string, std::vector<std::string>>;

struct PasswordCredential {
  std::string id;
  PasswordHash hash;
  std::int64_t created_ms = 0;
};

struct User {
  std::string id;
  std::string username;  // lower-case, as Keycloak stores it
  std::string email;     // lower-case; empty = none
  std::string first_name;
  std::string last_name;
  bool enabled = false;  // Keycloak: an omitted "enabled" means disabled
  bool email_verified = false;
  std::int64_t created_ms = 0;
  std::optional<PasswordCredential> password;
  std::vector<std::string> required_actions;
  std::set<std::string> realm_roles;  // direct role mappings, by name
  std::map<std::string, std::set<std::string>> client_roles;  // client UUID → role names
  std::set<std::string> group_ids;
  Attributes attributes;
  std::string service_account_client_id;  // the clientId, for service-account users
  std::int64_t not_before = 0;
};

struct ProtocolMapper {
  std::string id;
  std::string name;
  std::string protocol = "openid-connect";
  std::string type;  // "protocolMapper": oidc-audience-mapper, …
  std::map<std::string, std::string> config;
};

// A realm's client scope (/admin/realms/{realm}/client-scopes). The built-in scopes (profile,
// email, roles, …) exist as objects too, so that they list and attach like Keycloak's; their
// claims are the token code's own (token_claims.cpp). The protocol mappers of any scope in
// effect for a token — a client's default scopes and the optional ones it requested — apply.
struct Role {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> composites;  // realm role names
  Attributes attributes;
  std::string client_uuid;  // the client a client role belongs to; empty for realm roles
};

struct ClientScope {
  std::string id;
  std::string name;
  std::string description;
  std::string protocol = "openid-connect";
  std::map<std::string, std::string> attributes;
  std::vector<ProtocolMapper> mappers;
};

struct Client {
  std::string id;         // UUID
  std::string client_id;  // "clientId"
  std::string name;
  std::string description;
  std::string secret;
  std::string root_url;
  std::string base_url;
  std::string admin_url;
  bool enabled = true;
  bool public_client = false;
  bool bearer_only = false;
  bool standard_flow = true;
  bool implicit_flow = false;
  bool direct_access_grants = false;  // Keycloak's default for new clients
  bool service_accounts = false;
  bool full_scope_allowed = true;
  bool consent_required = false;
  bool frontchannel_logout = true;
  bool always_display_in_console = false;
  bool surrogate_auth_required = false;
  std::vector<std::string> redirect_uris;
  std::vector<std::string> web_origins;
  std::map<std::string, std::string> attributes;
  std::vector<ProtocolMapper> mappers;
  std::map<std::string, Role> roles;  // client roles, by name
  std::string protocol = "openid-connect";
  std::string client_authenticator_type = "client-secret";
  std::vector<std::string> default_client_scopes{"web-origins", "acr", "profile", "roles", "basic", "email"};
  std::vector<std::string> optional_client_scopes{"address", "phone", "offline_access", "organization",
                                                  "microprofile-jwt"};
  int node_re_registration_timeout = -1;

  std::string attribute(const std::string& name) const {
    auto it = attributes.find(name);
    return it == attributes.end() ? std::string() : it->second;
  }
};

struct Group {
  std::string id;
  std::string name;
  std::string parent_id;  // empty for top-level groups
  std::set<std::string> realm_roles;
  Attributes attributes;
};

// An identity provider (/admin/realms/{realm}/identity-provider/instances). The stand-in knows
// Keycloak's "spiffe" type (preview feature spiffe): a trust domain whose JWT-SVIDs authenticate
// clients with clientAuthenticatorType federated-jwt. config: "trustDomain" is the trust domain as
// spiffe://<name>, "bundleEndpoint" the URL of its SPIFFE bundle.
struct IdentityProvider {
  std::string alias;
  std::string internal_id;
  std::string provider_id;
  std::string display_name;
  bool enabled = true;
  // The representation's flags (trustEmail, linkOnly, hideOnLogin, …) that were given: Keycloak
  // 26.5 keeps the others unset and leaves them out.
  std::map<std::string, bool> flags;
  std::map<std::string, std::string> config;

  std::string config_value(const std::string& name) const {
    auto it = config.find(name);
    return it == config.end() ? std::string() : it->second;
  }
};

struct UserSession {
  std::string id;
  std::string user_id;
  std::string remote_addr;
  std::int64_t started = 0;
  std::int64_t last_refresh = 0;
  std::map<std::string, std::int64_t> client_sessions;  // client UUID → started
};

struct Realm {
  std::string id;
  std::string name;
  std::string display_name;
  bool enabled = false;  // an omitted "enabled" leaves a realm disabled
  int access_token_lifespan = 300;
  int access_token_lifespan_implicit = 900;
  int sso_session_idle_timeout = 1800;
  int sso_session_max_lifespan = 36000;
  int offline_session_idle_timeout = 2592000;
  int access_code_lifespan = 60;
  int not_before = 0;
  bool verify_profile = true;  // VERIFY_PROFILE required action (off in master)
  bool login_with_email_allowed = true;
  bool duplicate_emails_allowed = false;
  bool registration_allowed = false;
  bool reset_password_allowed = false;
  bool remember_me = false;
  bool brute_force_protected = false;
  std::string ssl_required = "external";

  std::map<std::string, User> users;            // by id
  std::map<std::string, Client> clients;        // by UUID
  std::map<std::string, Role> roles;            // by name
  std::map<std::string, Group> groups;          // by id
  std::map<std::string, UserSession> sessions;  // by id
  std::map<std::string, ClientScope> client_scopes;  // by id
  std::map<std::string, IdentityProvider> identity_providers;  // by alias
  std::vector<RealmKey> keys;
  // Keys made on first use: the RSA-OAEP key only ever appears in listings, and an RSA key
  // generation costs ~0.1 s of CPU, so a realm creates it when something first lists keys.
  std::vector<KeySpec> deferred_keys;
  std::shared_ptr<const jose::JwkSet> verification_keys;  // enabled RS256 keys, public halves
  std::uint64_t sessions_created = 0;

  std::string default_role() const { return "default-roles-" + name; }
  User* find_user(const std::string& id);
  User* find_user_by_username(std::string_view username);  // case-insensitive
  User* find_user_by_email(std::string_view email);        // case-insensitive
  Client* find_client(const std::string& id);
  Client* find_client_by_client_id(std::string_view client_id);
  ClientScope* find_client_scope(const std::string& id);
  const ClientScope* find_client_scope_by_name(std::string_view name) const;
  const RealmKey* active_key(std::string_view algorithm) const;  // highest priority, active
  const RealmKey* find_hmac_key(const std::string& kid) const;   // enabled HS512 keys
  void keys_changed();                                           // rebuild verification_keys
  void make_deferred_keys();                                     // before anything lists or changes the keys
  void remove_user(std::string id);                              // by value: callers pass the user's own id
};

std::int64_t now_millis();

}  // namespace mcph::mock_keycloak
