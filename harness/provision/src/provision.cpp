#include "mcph/harness/provision/provision.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "mcph/sync/parallel_for.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/http/url.h"
#include "mcph/vault/client.h"

namespace mcph::harness::provision {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// Users are provisioned this many at a time: each takes a dozen round trips to Vault
// that wait on the servers (a thousand users one by one take seconds in local mode, and far
// longer against the real Keycloak, which hashes every password).
constexpr std::size_t kWorkers = 8;

std::string read_file(const fs::path& path) {
  auto text = fixtures::read_text_file(path);
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

}  // namespace

std::vector<std::string> json_differences(const Json& current, const Json& desired, std::initializer_list<const char*> fields) {
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

namespace {

// The names (users' subjects) of an entity's aliases on the JWT mount.
std::vector<std::string> alias_names_on(const Json& entity, const std::string& accessor) {
  std::vector<std::string> names;
  for (const auto& alias : entity.value("aliases", Json::array())) {
    if (alias.is_object() && alias.value("mount_accessor", "") == accessor) names.push_back(alias.value("name", ""));
  }
  return names;
}

enum class Mode { provision, check };

class Provisioner {
 public:
  Provisioner(const ProvisionTarget& target, const ProvisionOptions& options, const VaultJwtBinding& binding,
              Mode mode = Mode::provision)
      : target_(target), options_(options), binding_(binding), mode_(mode), vault_(target.vault_url) {
    if (options_.fixtures_dir.empty()) options_.fixtures_dir = fixtures::default_fixtures_dir();
    for (std::size_t w = 0; w < kWorkers; ++w) vaults_.push_back(std::make_unique<vault::Client>(target.vault_url));
  }

  ProvisionResult run(std::vector<ProvisionedUser> users) {
    result_.users = std::move(users);
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
    const Json current = data_of(vault_get("auth/jwt/config"));
    const auto found = current.value("jwks_url", "").empty()
                           ? std::vector<std::string>{kMissing}
                           : json_differences(current, binding_.config, {"jwks_url", "bound_issuer"});
    if (!found.empty()) converge("auth/jwt/config", binding_.config, binding_.config_object, found);
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
  // Vault's JWT role `user`, bound as the identity provider says (binding_.role). Every
  // stack's role takes its users' subjects (user_claim sub) and gives them user-secrets alone.
  void login_role() {
    for (const auto& note : binding_.notes) say(note);
    if (converge_login_role(binding_.role, binding_.role_object) && !checking() && !binding_.role_changed.empty()) {
      say(binding_.role_changed);
    }
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
                                    : json_differences(role, desired,
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
                            (user.id.empty() ? std::string("(not at the identity provider)") : user.id));
      }
    }
    if (!has_alias && !user.id.empty()) drifted(object, "no alias on jwt/ for the user's subject " + user.id);
    if (const auto found = json_differences(entity, Json::object(), {"policies", "disabled"}); !found.empty()) {
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
    if (f.jira) kv_secret(client, f.username, "jira", Json(fixtures::secret_fields(*f.jira)));
    if (f.github) kv_secret(client, f.username, "github", Json(fixtures::secret_fields(*f.github)));
  }

  // The user's database role (the engine's connection is configured first).
  void database_role(vault::Client& client, const ProvisionedUser& user, const Json& role) {
    const std::string& name = user.fixture.username;
    const Json current = data_of(vault_get(client, "database/roles/" + name));
    const auto found = current.empty()
                           ? std::vector<std::string>{kMissing}
                           : json_differences(current, role, {"db_name", "creation_statements", "revocation_statements"});
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
                                : json_differences({{"connection_url", details.value("connection_url", "")},
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
  VaultJwtBinding binding_;
  Mode mode_;
  std::vector<Drift> drifts_;
  vault::Client vault_;
  std::vector<std::unique_ptr<vault::Client>> vaults_;  // one per worker
  ProvisionResult result_;
  mutable std::mutex progress_mutex_;
};

}  // namespace

std::vector<ProvisionedUser> fixture_users(const ProvisionOptions& options) {
  std::vector<ProvisionedUser> users;
  for (auto& fixture : fixtures::load_users(fixtures::FixtureFiles::in(fixtures::fixtures_or_default(options.fixtures_dir)), options.generated_users)) {
    users.push_back(ProvisionedUser{std::move(fixture), {}, {}});
  }
  return users;
}

ProvisionResult provision_vault(const ProvisionTarget& target, const ProvisionOptions& options,
                                std::vector<ProvisionedUser> users, const VaultJwtBinding& binding) {
  try {
    return Provisioner(target, options, binding).run(std::move(users));
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning stopped: a service did not answer: ") + e.what());
  }
}

std::vector<Drift> check_vault(const ProvisionTarget& target, const ProvisionOptions& options,
                               std::vector<ProvisionedUser> users, const VaultJwtBinding& binding) {
  try {
    Provisioner checker(target, options, binding, Mode::check);
    checker.run(std::move(users));
    return checker.drifts();
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("checking the stack's configuration: a service did not answer: ") + e.what());
  }
}

ProvisionResult provision_vault_login_role(const ProvisionTarget& target, const ProvisionOptions& options,
                                           const VaultJwtBinding& binding) {
  try {
    Provisioner provisioner(target, options, binding);
    provisioner.login_role();
    ProvisionResult result;
    result.changes = provisioner.changes();
    return result;
  } catch (const http::TransportError& e) {
    throw std::runtime_error(std::string("provisioning Vault's role user: Vault did not answer: ") + e.what());
  }
}

}  // namespace mcph::harness::provision
