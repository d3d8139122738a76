#include "mcph/harness/provision/provision.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "cognito_check.h"
#include "cognito_users.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/sync/parallel_for.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/http/url.h"
#include "mcph/vault/client.h"
#include "mcph/text/join.h"

namespace mcph::harness {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kVaultAudience = "vault";
// Users are provisioned this many at a time: each takes a dozen round trips to Keycloak and Vault
// that wait on the servers (a thousand users one by one take seconds in local mode, and far
// longer against the real Keycloak, which hashes every password).
constexpr std::size_t kWorkers = 8;

std::string read_file(const fs::path& path) {
  auto text = read_text_file(path);
  if (!text) throw std::runtime_error("cannot read " + path.string());
  return std::move(*text);
}

Json read_json(const fs::path& path) {
  Json json = Json::parse(read_file(path), nullptr, false);
  if (json.is_discarded()) throw std::runtime_error(path.string() + " is not valid JSON");
  return json;
}

struct PostgresUrl {
  std::string user, password, host_port, database;
};

PostgresUrl parse_postgres_url(const std::string& url) {
  static const std::regex pattern(R"(postgres(?:ql)?://([^:@/]+):([^@/]*)@([^/]+)/([^?]+).*)");
  std::smatch m;
  if (!std::regex_match(url, m, pattern)) {
    throw std::runtime_error("postgres URL must look like postgresql://user:password@host:port/db");
  }
  return {m[1], m[2], m[3], m[4]};
}

// Vault wraps data under "data"; some sys endpoints copy it to the top level as well.
const Json& data_of(const Json& body) {
  static const Json empty = Json::object();
  auto it = body.find("data");
  return it != body.end() && it->is_object() ? *it : empty;
}

// Arrays compared as sets (Vault keeps a role's policies in the order written).
Json comparable(Json value) {
  if (value.is_array()) std::sort(value.begin(), value.end());
  return value;
}

// "field: X expected, Y found" for each of `fields` in which `current` differs from `desired`
// (a field absent from `desired` is expected empty: null, [], {} or "").
std::vector<std::string> differences(const Json& current, const Json& desired, std::initializer_list<const char*> fields) {
  std::vector<std::string> out;
  const auto empty = [](const Json& v) {
    return v.is_null() || v == false || (v.is_structured() && v.empty()) || v == "";
  };
  for (const char* field : fields) {
    const Json want = desired.contains(field) ? desired[field] : Json(nullptr);
    const Json have = current.contains(field) ? current[field] : Json(nullptr);
    if (comparable(want) == comparable(have) || (empty(want) && empty(have))) continue;
    out.push_back(std::string(field) + ": " + (empty(want) ? "none" : want.dump()) + " expected, " +
                  (empty(have) ? "none" : have.dump()) + " found");
  }
  return out;
}

// The names (users' subjects) of an entity's aliases on the JWT mount.
std::vector<std::string> alias_names_on(const Json& entity, const std::string& accessor) {
  std::vector<std::string> names;
  for (const auto& alias : entity.value("aliases", Json::array())) {
    if (alias.is_object() && alias.value("mount_accessor", "") == accessor) names.push_back(alias.value("name", ""));
  }
  return names;
}

enum class Mode { provision, check };

// The difference of an object that does not exist (or, "missing …", of what it lacks).
constexpr const char* kMissing = "missing";

class Provisioner {
 public:
  Provisioner(const ProvisionTarget& target, const ProvisionOptions& options, Mode mode = Mode::provision)
      : target_(target), options_(options), mode_(mode), vault_(target.vault_url) {
    if (options_.fixtures_dir.empty()) options_.fixtures_dir = default_fixtures_dir();
    for (std::size_t w = 0; w < kWorkers; ++w) vaults_.push_back(std::make_unique<vault::Client>(target.vault_url));
    result_.cognito = target.cognito;
  }

  ProvisionResult run() {
    const FixtureFiles files = FixtureFiles::in(options_.fixtures_dir);
    for (auto& fixture : load_users(files, options_.generated_users)) {
      result_.users.push_back(ProvisionedUser{std::move(fixture), {}, {}});
    }
    if (cognito_stack()) {
      cognito();
    } else {
      keycloak(files);
    }
    vault();
    return std::move(result_);
  }
  std::vector<Drift> drifts() { return std::move(drifts_); }

 private:
  void say(const std::string& line) const {
    std::lock_guard lock(progress_mutex_);
    if (options_.progress) options_.progress(line);
  }
  bool checking() const { return mode_ == Mode::check; }
  // Provisioning only what is missing writes where the difference is an absence, and no other.
  bool may_write(const std::vector<std::string>& difference) const {
    return !options_.only_missing || (difference.size() == 1 && difference.front().starts_with(kMissing));
  }
  void drifted(const std::string& object, const std::string& difference) {
    std::lock_guard lock(progress_mutex_);
    drifts_.push_back({object, difference});
  }
  void drifted(const std::string& object, const std::vector<std::string>& found) {
    for (const auto& difference : found) drifted(object, difference);
  }
  void changed(const std::string& what) {
    {
      std::lock_guard lock(progress_mutex_);
      ++result_.changes;
    }
    say("  + " + what);
  }

  // ---- Cognito ----
  bool cognito_stack() const { return !target_.cognito_url.empty(); }
  void cognito() {
    say("cognito: user pool, app client, users");
    if (checking()) {
      for (const auto& drift : check_cognito_pool(target_, result_.users)) drifted(drift.object, drift.difference);
      return;
    }
    const CognitoProvisioning made = provision_cognito_users(target_, result_.users, [this](const std::string& line) { say(line); });
    result_.cognito = made.pool;
    result_.changes += made.changes;
  }

  // ---- Keycloak ----
  void keycloak(const FixtureFiles& files) {
    say("keycloak: realm " + target_.realm);
    KeycloakAdmin admin(target_.keycloak_url, target_.keycloak_admin_user, target_.keycloak_admin_password);
    Json realm = read_json(files.realm);
    realm["realm"] = target_.realm;
    if (const auto current = admin.find_realm(target_.realm)) {
      // The token lifespan bounds how long a signed-out user's token stays accepted (family 8)
      // and when the expiry family's tokens expire.
      if (checking()) drifted("Keycloak realm " + target_.realm, differences(*current, realm, {"accessTokenLifespan"}));
    } else {
      if (checking()) return drifted("Keycloak realm " + target_.realm, kMissing);
      admin.create_realm(realm);
      changed("realm " + target_.realm);
    }
    for (const auto& client : realm.value("clients", Json::array())) {
      const std::string client_id = client.value("clientId", "");
      if (!admin.find_client(target_.realm, client_id)) {
        if (checking()) {
          drifted("Keycloak client " + client_id, kMissing);
          continue;
        }
        admin.create_client(target_.realm, client);
        changed("client " + client_id);
      }
    }
    // One admin session per worker (a KeycloakAdmin is one connection).
    std::vector<std::unique_ptr<KeycloakAdmin>> admins(kWorkers);
    sync::parallel_for(result_.users.size(), kWorkers, [&](std::size_t i, std::size_t worker) {
      if (!admins[worker]) {
        admins[worker] = std::make_unique<KeycloakAdmin>(target_.keycloak_url, target_.keycloak_admin_user,
                                                         target_.keycloak_admin_password);
      }
      KeycloakAdmin& mine = *admins[worker];
      ProvisionedUser& user = result_.users[i];
      const auto& f = user.fixture;
      if (auto existing = mine.find_user(target_.realm, f.username)) {
        user.id = existing->value("id", "");
        // A user left disabled (a scenario's idp step whose run was killed) can sign in nowhere.
        if (checking() && !existing->value("enabled", true)) {
          drifted("Keycloak user " + f.username, "enabled: true expected, false found (the user can sign in nowhere)");
        }
        return;
      }
      if (checking()) return drifted("Keycloak user " + f.username, kMissing);
      Json rep = {{"username", f.username},   {"email", f.email}, {"firstName", f.first_name},
                  {"lastName", f.last_name},  {"enabled", true},  {"emailVerified", true},
                  {"credentials", Json::array({{{"type", "password"}, {"value", f.password}, {"temporary", false}}})}};
      user.id = mine.create_user(target_.realm, rep);
      changed("user " + f.username);
    });
    say("keycloak: " + std::to_string(result_.users.size()) + " users");
  }

  // ---- Vault ----
  Json vault_get(const std::string& path) { return vault_get(vault_, path); }
  Json vault_get(vault::Client& client, const std::string& path) {
    const auto response = client.request("GET", path, target_.vault_token);
    if (response.status == 404) return nullptr;
    if (response.status >= 400) {
      throw std::runtime_error("Vault: GET " + path + " answered " + std::to_string(response.status) + " " +
                               response.body.substr(0, 300));
    }
    Json body = Json::parse(response.body, nullptr, false);
    return body.is_discarded() ? Json(nullptr) : body;
  }
  void vault_write(const std::string& path, const Json& body, const std::string& what) {
    vault_write(vault_, path, body, what);
  }
  // Writes `body` to `path`, or, when checking, records why it would have (`difference`).
  void converge(const std::string& path, const Json& body, const std::string& object,
                const std::vector<std::string>& difference) {
    converge(vault_, path, body, object, difference);
  }
  void converge(vault::Client& client, const std::string& path, const Json& body, const std::string& object,
                const std::vector<std::string>& difference) {
    if (checking()) return drifted(object, difference);
    if (!may_write(difference)) return say("  = " + object + " left as it is (it exists and differs)");
    vault_write(client, path, body, object);
  }
  void vault_write(vault::Client& client, const std::string& path, const Json& body, const std::string& what) {
    try {
      client.call("POST", path, target_.vault_token, body.dump());
    } catch (const vault::VaultError& e) {
      throw std::runtime_error("Vault: " + what + ": " + e.what());
    }
    changed(what);
  }

  std::string jwt_accessor() {
    Json auth = data_of(vault_get("sys/auth"));
    if (!auth.contains("jwt/")) {
      converge("sys/auth/jwt", {{"type", "jwt"}, {"description", "Keycloak users of the MCP servers"}},
               "Vault auth method jwt/", {kMissing});
      if (checking()) return {};
      auth = data_of(vault_get("sys/auth"));
    }
    const std::string accessor = auth["jwt/"].value("accessor", "");
    if (accessor.empty()) throw std::runtime_error("Vault: the jwt/ auth mount has no accessor");
    return accessor;
  }

  void mounts() {
    const Json mounts = data_of(vault_get("sys/mounts"));
    if (!mounts.contains("secret/")) {
      converge("sys/mounts/secret", {{"type", "kv"}, {"options", {{"version", "2"}}}}, "Vault kv-v2 mount secret/",
               {kMissing});
    }
    if (!mounts.contains("database/")) {
      converge("sys/mounts/database", {{"type", "database"}}, "Vault mount database/", {kMissing});
    }
  }

  void jwt_config() {
    if (cognito_stack()) return cognito_jwt_config();
    const std::string keycloak = target_.keycloak_url_seen_by_vault.empty() ? target_.keycloak_url
                                                                             : target_.keycloak_url_seen_by_vault;
    const std::string issuer =
        target_.issuer.empty() ? target_.keycloak_url + "/realms/" + target_.realm : target_.issuer;
    const Json desired = {{"jwks_url", keycloak + "/realms/" + target_.realm + "/protocol/openid-connect/certs"},
                          {"bound_issuer", issuer},
                          {"jwt_supported_algs", Json::array({"RS256"})}};
    const Json current = data_of(vault_get("auth/jwt/config"));
    const auto found = current.value("jwks_url", "").empty() ? std::vector<std::string>{kMissing}
                                                             : differences(current, desired, {"jwks_url", "bound_issuer"});
    if (!found.empty()) {
      converge("auth/jwt/config", desired, "Vault jwt config (JWKS of realm " + target_.realm + ")", found);
    }
  }

  // Vault trusts the pool's keys and issuer (what a Cognito deployment configures).
  void cognito_jwt_config() {
    const std::string cognito = target_.cognito_url_seen_by_vault.empty() ? target_.cognito_url
                                                                          : target_.cognito_url_seen_by_vault;
    const Json desired = {{"jwks_url", cognito + "/" + result_.cognito.pool_id + "/.well-known/jwks.json"},
                          {"bound_issuer", result_.cognito.issuer},
                          {"jwt_supported_algs", Json::array({"RS256"})}};
    const Json current = data_of(vault_get("auth/jwt/config"));
    const auto found = current.value("jwks_url", "").empty() ? std::vector<std::string>{kMissing}
                                                             : differences(current, desired, {"jwks_url", "bound_issuer"});
    if (!found.empty()) {
      converge("auth/jwt/config", desired, "Vault jwt config (JWKS of Cognito pool " + result_.cognito.pool_id + ")",
               found);
    }
  }

  void policy() {
    const std::string hcl = read_file(options_.fixtures_dir / "vault" / "user-secrets.hcl");
    const Json policy = data_of(vault_get("sys/policies/acl/user-secrets"));
    if (policy.value("policy", "") != hcl) {
      converge("sys/policies/acl/user-secrets", {{"policy", hcl}}, "Vault policy user-secrets",
               {policy.empty() ? kMissing : "its text differs from the fixture's vault/user-secrets.hcl"});
    }
  }

 public:
  // Vault's JWT role `user`. Bound to Vault's own audience: only tokens issued for Vault (by
  // token exchange) log in, not a user's token issued to an MCP server, nor an ID token.
  // azp becomes login metadata, which Vault's audit log shows: who a login's token was issued
  // to (an MCP server's own client after an exchange; the user's client when a server passes
  // the user's token through).
  // A server that logs in with its caller's own token (options_.caller_token_servers) gets none
  // of its calls through such a role, and would fail every scenario for it; so then the role
  // binds the audiences of the clients users log in with too, as the original demo's did. Its
  // passthrough is still found as such (jwt_attacks, by the logins' azp); Vault taking the users'
  // tokens as they are is then no finding against Vault, only inconclusive, saying why.
  void login_role() {
    if (cognito_stack()) return cognito_login_role();
    Json audiences = Json::array({kVaultAudience});
    if (!options_.caller_token_servers.empty()) {
      std::set<std::string> callers;
      for (const auto& client : load_realm_clients(FixtureFiles::in(options_.fixtures_dir))) {
        if (client.direct_access_grants) callers.insert(client.audiences.begin(), client.audiences.end());
      }
      for (const auto& audience : callers) audiences.push_back(audience);
      say("vault: role user also binds the users' clients' audience (" + text::join(callers) + "): " +
          text::join(options_.caller_token_servers) + " log in to Vault with the caller's own token (vault_login caller_token)");
    }
    if (converge_login_role({{"bound_audiences", audiences}, {"claim_mappings", {{"azp", "azp"}}}}, "Vault JWT role user") &&
        !checking()) {
      say("  (bound audiences " + audiences.dump() + ")");
    }
  }
  // A Cognito stack's role `user`. Cognito has no token exchange and its access tokens no `aud`,
  // so the role takes the users' own access tokens, bound to the claims that say what such a
  // token is: token_use access (not an ID token) and the stack's app client (not another
  // client's, nor another pool's: bound_issuer). Which MCP server passed a token on is in no
  // claim: the servers pass their callers' tokens through (docs/modes.md#cognito-and-vault).
  void cognito_login_role() {
    converge_login_role({{"bound_audiences", Json::array()},
                         {"bound_claims", {{"token_use", "access"}, {"client_id", result_.cognito.app_client_id}}},
                         {"claim_mappings", {{"client_id", "azp"}}}},
                        "Vault JWT role user (Cognito access tokens)");
  }
  // Writes the role `user` with `binding` (who may log in, and what the login's metadata keeps)
  // over what every stack's role has, when it differs. Every setting that decides who logs in as
  // whom, with which policies, is compared: a bound claim or a groups claim not asked for is drift.
  // True when it differed.
  bool converge_login_role(const Json& binding, const std::string& object) {
    Json desired = {{"role_type", "jwt"},
                    {"user_claim", "sub"},
                    {"token_policies", Json::array({"user-secrets"})},
                    {"token_ttl", 3600},
                    {"token_max_ttl", 7200}};
    desired.update(binding);
    const Json role = data_of(vault_get("auth/jwt/role/user"));
    const auto found = role.empty() ? std::vector<std::string>{kMissing}
                                    : differences(role, desired,
                                                  {"role_type", "user_claim", "bound_audiences", "claim_mappings",
                                                   "token_policies", "bound_claims", "bound_subject", "groups_claim"});
    if (!found.empty()) converge("auth/jwt/role/user", desired, object, found);
    return !found.empty();
  }
  int changes() const { return result_.changes; }

 private:
  void entity(vault::Client& client, ProvisionedUser& user, const std::string& accessor) {
    const std::string name = user.fixture.username;
    Json entity = data_of(vault_get(client, "identity/entity/name/" + name));
    if (checking()) return check_entity(entity, user, accessor);
    if (entity.empty()) {
      vault_write(client, "identity/entity", {{"name", name}, {"metadata", {{"username", name}}}}, "entity " + name);
      entity = data_of(vault_get(client, "identity/entity/name/" + name));
    }
    user.entity_id = entity.value("id", "");
    if (user.entity_id.empty()) throw std::runtime_error("Vault: entity " + name + " has no id");
    const auto names = alias_names_on(entity, accessor);
    if (std::find(names.begin(), names.end(), user.id) == names.end()) {
      vault_write(client, "identity/entity-alias",
                  {{"name", user.id}, {"canonical_id", user.entity_id}, {"mount_accessor", accessor}},
                  "alias " + name + " <- sub " + user.id);
    }
  }

  // The entity exists with the user's own alias on the JWT mount and no other there (another
  // user's sub on it logs that user in as this one), and no policies of its own.
  void check_entity(const Json& entity, const ProvisionedUser& user, const std::string& accessor) {
    const std::string object = "Vault entity " + user.fixture.username;
    if (entity.empty()) return drifted(object, kMissing);
    bool has_alias = false;
    for (const auto& name : alias_names_on(entity, accessor)) {
      if (name == user.id) {
        has_alias = true;
      } else {
        drifted(object, "an alias on jwt/ for another subject (" + name + ") than the user's " +
                            (user.id.empty() ? std::string("(not in Keycloak)") : user.id));
      }
    }
    if (!has_alias && !user.id.empty()) drifted(object, "no alias on jwt/ for the user's subject " + user.id);
    if (const auto found = differences(entity, Json::object(), {"policies", "disabled"}); !found.empty()) {
      drifted(object, found);
    }
  }

  void kv_secret(vault::Client& client, const std::string& user, const std::string& kind, const Json& data) {
    const std::string path = "secret/data/users/" + user + "/" + kind;
    const Json current = data_of(vault_get(client, path));
    if (current.contains("data") && current["data"] == data) return;
    converge(client, path, {{"data", data}}, "Vault secret users/" + user + "/" + kind,
             {current.empty() ? kMissing : "its data differs from the fixture's (values not shown)"});
  }

  void secrets(vault::Client& client, const ProvisionedUser& user) {
    const auto& f = user.fixture;
    // Every field the fixture has, named as the demo's init-vault.sh names them: each server
    // picks what its backend's scheme takes (the reference jira-mcp email and api_token, the
    // demo's username and password).
    if (f.jira) kv_secret(client, f.username, "jira", Json(secret_fields(*f.jira)));
    if (f.github) kv_secret(client, f.username, "github", Json(secret_fields(*f.github)));
  }

  // The user's database role (the engine's connection is configured first).
  void database_role(vault::Client& client, const ProvisionedUser& user, const Json& role) {
    const std::string& name = user.fixture.username;
    const Json current = data_of(vault_get(client, "database/roles/" + name));
    const auto found = current.empty() ? std::vector<std::string>{kMissing}
                                       : differences(current, role, {"db_name", "creation_statements", "revocation_statements"});
    if (found.empty()) return;
    converge(client, "database/roles/" + name, role, "Vault database role " + name, found);
  }

  // The database engine's connection, allowed every user's role; returns the role template, or
  // null when there is no PostgreSQL to configure.
  Json database_connection() {
    if (target_.postgres_url.empty()) {
      say("vault: no PostgreSQL URL given, skipping the database engine");
      return nullptr;
    }
    const PostgresUrl pg = parse_postgres_url(target_.postgres_url);
    std::vector<std::string> roles;
    for (const auto& user : result_.users) roles.push_back(user.fixture.username);
    const std::string connection_url = "postgresql://{{username}}:{{password}}@" + pg.host_port + "/" + pg.database;
    const Json config = data_of(vault_get("database/config/mcp-demo"));
    const Json details = config.value("connection_details", Json::object());
    Json current_roles = config.value("allowed_roles", Json::array());
    auto found = config.empty() ? std::vector<std::string>{kMissing}
                                : differences({{"connection_url", details.value("connection_url", "")},
                                               {"allowed_roles", current_roles}},
                                              {{"connection_url", connection_url}, {"allowed_roles", roles}},
                                              {"connection_url", "allowed_roles"});
    // Roles the connection does not allow yet, and nothing else: what is missing is new users'.
    const bool only_roles_added =
        !config.empty() && details.value("connection_url", "") == connection_url &&
        std::all_of(current_roles.begin(), current_roles.end(), [&](const Json& role) {
          return role.is_string() && std::find(roles.begin(), roles.end(), role.get<std::string>()) != roles.end();
        });
    if (!found.empty() && only_roles_added) found = {std::string(kMissing) + " allowed roles"};
    if (!found.empty()) {
      converge("database/config/mcp-demo",
                  {{"plugin_name", "postgresql-database-plugin"},
                   {"connection_url", connection_url},
                   {"username", pg.user},
                   {"password", pg.password},
                   {"allowed_roles", roles},
                   {"verify_connection", true}},
               "Vault database connection mcp-demo", found);
    }
    Json role = read_json(options_.fixtures_dir / "vault" / "database-role.json");
    role.erase("comment");
    return role;
  }

  // Vault's audit entries carry the traceparent of the request that caused them, in the clear:
  // what the scenario runner correlates a step's entries by. Needs sudo on
  // sys/config/auditing/request-headers/traceparent (a root token has it; an external Vault's
  // token must be given it).
  void audited_headers() {
    const Json current = data_of(vault_get("sys/config/auditing/request-headers"));
    const Json wanted = {{"hmac", false}};
    const Json audited = current.value("headers", Json::object()).value("traceparent", Json());
    if (audited == wanted) return;
    if (checking()) return drifted("Vault audited request header traceparent", "not audited in the clear (hmac false)");
    if (!audited.is_null() && !may_write({})) return say("  = audited request header traceparent left as it is");
    try {
      vault_.call("PUT", "sys/config/auditing/request-headers/traceparent", target_.vault_token, wanted.dump());
    } catch (const vault::VaultError& e) {
      throw std::runtime_error(
          std::string("Vault: auditing the traceparent header (needs sudo on sys/config/auditing/request-headers/*): ") +
          e.what());
    }
    changed("audited request header traceparent (hmac false)");
  }

  void vault() {
    say("vault: audited headers, auth, policy, entities, secrets, database roles");
    audited_headers();
    const std::string accessor = jwt_accessor();
    if (accessor.empty()) return;  // checking, and no JWT mount: nothing below can be checked
    mounts();
    jwt_config();
    policy();
    login_role();
    const Json role = database_connection();
    // Each user's entity and alias, secrets and database role, several users at a time.
    sync::parallel_for(result_.users.size(), kWorkers, [&](std::size_t i, std::size_t worker) {
      vault::Client& client = *vaults_[worker];
      ProvisionedUser& user = result_.users[i];
      entity(client, user, accessor);
      secrets(client, user);
      if (!role.is_null()) database_role(client, user, role);
    });
  }

  ProvisionTarget target_;
  ProvisionOptions options_;
  Mode mode_;
  std::vector<Drift> drifts_;
  vault::Client vault_;
  std::vector<std::unique_ptr<vault::Client>> vaults_;  // one per worker
  ProvisionResult result_;
  mutable std::mutex progress_mutex_;
};

}  // namespace

ProvisionResult provision(const ProvisionTarget& target, const ProvisionOptions& options) {
  try {
    return Provisioner(target, options).run();
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning stopped: a service did not answer: ") + e.what());
  }
}

std::vector<Drift> check_provisioning(const ProvisionTarget& target, const ProvisionOptions& options) {
  try {
    Provisioner checker(target, options, Mode::check);
    checker.run();
    return checker.drifts();
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("checking the stack's configuration: a service did not answer: ") + e.what());
  }
}

ProvisionResult provision_vault_login_role(const ProvisionTarget& target, const ProvisionOptions& options) {
  try {
    Provisioner provisioner(target, options);
    provisioner.login_role();
    ProvisionResult result;
    result.changes = provisioner.changes();
    return result;
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning Vault's role user: Vault did not answer: ") + e.what());
  }
}

namespace {

Json audience_mapper(const std::string& name, const char* key, const std::string& audience) {
  return {{"name", name},
          {"protocol", "openid-connect"},
          {"protocolMapper", "oidc-audience-mapper"},
          {"config", {{key, audience}, {"access.token.claim", "true"}, {"id.token.claim", "false"}}}};
}

// The id of a server's write scope, created when missing: a scope a token names and nothing
// more (no mapper; its audience comes from the server's own scope).
std::string write_scope_id(KeycloakAdmin& admin, const std::string& realm, const McpResource& resource,
                           const std::function<void(const std::string&)>& say) {
  if (const auto found = admin.find_client_scope(realm, resource.write_scope)) return found->value("id", "");
  admin.create_client_scope(realm, {{"name", resource.write_scope},
                                     {"description", "calls of " + resource.scope + "'s tools that write"},
                                     {"protocol", "openid-connect"},
                                     {"attributes", {{"include.in.token.scope", "true"}}}});
  say("  + client scope " + resource.write_scope);
  const auto created = admin.find_client_scope(realm, resource.write_scope);
  if (!created) throw std::runtime_error("Keycloak: the new client scope " + resource.write_scope + " is not listed");
  return created->value("id", "");
}

}  // namespace

void provision_mcp_resources(const ProvisionTarget& target, const std::vector<McpResource>& resources,
                             const ProvisionOptions& options) {
  const auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  try {
    KeycloakAdmin admin(target.keycloak_url, target.keycloak_admin_user, target.keycloak_admin_password);
    const fs::path fixtures = fixtures_or_default(options.fixtures_dir);
    std::vector<std::string> user_clients;
    for (const auto& client : load_realm_clients(FixtureFiles::in(fixtures))) {
      if (client.direct_access_grants) user_clients.push_back(client.client_id);
    }
    for (const auto& resource : resources) {
      auto scope = admin.find_client_scope(target.realm, resource.scope);
      const std::string current = scope ? scope->dump() : std::string();
      if (scope && current.find("\"" + resource.url + "\"") == std::string::npos) {
        admin.delete_client_scope(target.realm, scope->value("id", ""));  // the server moved
        scope.reset();
      }
      if (!scope) {
        admin.create_client_scope(
            target.realm,
            {{"name", resource.scope},
             {"description", "a token for " + resource.scope + " (" + resource.url + ")"},
             {"protocol", "openid-connect"},
             {"attributes", {{"include.in.token.scope", "true"}}},
             {"protocolMappers", Json::array({audience_mapper("resource", "included.custom.audience", resource.url),
                                              audience_mapper("client", "included.client.audience",
                                                              resource.client_id)})}});
        say("  + client scope " + resource.scope + " (audience " + resource.url + ")");
        scope = admin.find_client_scope(target.realm, resource.scope);
        if (!scope) throw std::runtime_error("Keycloak: the new client scope " + resource.scope + " is not listed");
      }
      std::vector<std::string> scope_ids = {scope->value("id", "")};
      if (!resource.write_scope.empty()) scope_ids.push_back(write_scope_id(admin, target.realm, resource, say));
      for (const auto& client_id : user_clients) {
        const auto client = admin.find_client(target.realm, client_id);
        if (!client) throw std::runtime_error("Keycloak: realm " + target.realm + " has no client " + client_id);
        for (const auto& id : scope_ids) admin.add_optional_client_scope(target.realm, client->value("id", ""), id);
      }
    }
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning the MCP servers' scopes: Keycloak did not answer: ") + e.what());
  }
}

}  // namespace mcph::harness
