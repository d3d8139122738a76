// The database secrets engine for PostgreSQL: connection configs, roles, and dynamic credentials
// whose creation and revocation statements run on the real server. Each credential is a lease;
// its expiry or revocation drops the role.
#include <algorithm>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>

#include "backends.h"
#include "core.h"
#include "field_data.h"
#include "mcph/text/replace.h"
#include "pg_connection.h"
#include "scram_verifier.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

constexpr const char* kPostgresPlugin = "postgresql-database-plugin";
// The plugin's password_authentication values (passwordauthentication.go): "password" (the
// default) writes the password itself where {{password}} stands, "scram-sha-256" its verifier.
constexpr const char* kPlainPassword = "password";
constexpr const char* kScramSha256 = "scram-sha-256";

struct DbConfig {
  std::string name;
  std::string plugin_name;
  std::string connection_url;  // with {{username}}/{{password}} placeholders
  std::string username;
  std::string password;
  std::vector<std::string> allowed_roles;
  bool verify_connection = true;
  std::vector<std::string> root_rotation_statements;
  std::string password_policy;
  std::optional<std::int64_t> max_open_connections;  // as written; unset: Vault's default
  std::optional<std::string> password_authentication;  // as written; unset: "password"
  std::shared_ptr<PgConnection> connection;

  bool hashes_passwords() const { return password_authentication == kScramSha256; }
};

struct DbRole {
  std::string db_name;
  std::vector<std::string> creation_statements;
  std::vector<std::string> revocation_statements;
  std::vector<std::string> rollback_statements;
  std::vector<std::string> renew_statements;
  std::int64_t default_ttl = 0;
  std::int64_t max_ttl = 0;
};

// Shared with the lease handler, which may outlive a request.
struct DbState {
  std::mutex mutex;
  std::map<std::string, DbConfig> configs;
  std::map<std::string, DbRole> roles;

  std::shared_ptr<PgConnection> connection(const std::string& db_name) {
    std::lock_guard lock(mutex);
    const auto found = configs.find(db_name);
    if (found == configs.end()) return nullptr;
    return found->second.connection;
  }
};

// dbutil.QueryHelper plus strutil.ParseArbitraryStringSlice(stmt, ";").
std::vector<std::string> render_statements(const std::vector<std::string>& statements,
                                           const std::map<std::string, std::string>& values) {
  std::vector<std::string> out;
  for (const auto& statement : statements) {
    std::size_t start = 0;
    while (start <= statement.size()) {
      const auto semicolon = statement.find(';', start);
      std::string query = statement.substr(start, semicolon == std::string::npos ? std::string::npos : semicolon - start);
      const auto first = query.find_first_not_of(" \t\r\n");
      if (first != std::string::npos) {
        query = query.substr(first, query.find_last_not_of(" \t\r\n") - first + 1);
        for (const auto& [key, value] : values) query = text::replace_all(query, "{{" + key + "}}", value);
        out.push_back(query);
      }
      if (semicolon == std::string::npos) break;
      start = semicolon + 1;
    }
  }
  return out;
}

// Go's "2006-01-02 15:04:05-0700" in UTC.
std::string expiration_text(TimePoint when) {
  const std::time_t seconds = static_cast<std::time_t>(unix_seconds(when));
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S+0000", &parts);
  return buffer;
}

std::string percent_encode_userinfo(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

std::string truncate(const std::string& text, std::size_t length) { return text.substr(0, std::min(length, text.size())); }

// The default username template of the PostgreSQL plugin:
//   v-<display name, 8>-<role, 8>-<20 random>-<unix time>, at most 63 characters.
// Characters that could break out of a quoted identifier are replaced by '-'.
std::string generate_username(const std::string& display_name, const std::string& role) {
  std::string name = "v-" + truncate(display_name, 8) + "-" + truncate(role, 8) + "-" + random_base62(20) + "-" +
                     std::to_string(unix_now());
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
  }
  return truncate(name, 63);
}

// Vault's default password policy: 20 characters of [a-zA-Z0-9-], at least one of each class.
std::string generate_password() {
  static const std::string kLower = "abcdefghijklmnopqrstuvwxyz";
  static const std::string kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static const std::string kDigits = "0123456789";
  while (true) {
    std::string password = random_base62(19);
    const auto position = static_cast<unsigned char>(random_bytes(1)[0]) % 20;
    password.insert(password.begin() + position, '-');
    const bool lower = password.find_first_of(kLower) != std::string::npos;
    const bool upper = password.find_first_of(kUpper) != std::string::npos;
    const bool digit = password.find_first_of(kDigits) != std::string::npos;
    if (lower && upper && digit) return password;
  }
}

bool role_allowed(const std::vector<std::string>& allowed, const std::string& role) {
  for (const auto& pattern : allowed) {
    if (pattern == "*" || pattern == role) return true;
    if (pattern.find('*') != std::string::npos) {
      const std::string prefix = pattern.substr(0, pattern.find('*'));
      const std::string suffix = pattern.substr(pattern.rfind('*') + 1);
      if (starts_with(role, prefix) && ends_with(role, suffix) && role.size() >= prefix.size() + suffix.size()) return true;
    }
  }
  return false;
}

std::vector<std::string> statements_field(const Json& data, const std::string& name) {
  return fields::get_string_list(data, name).value_or(std::vector<std::string>{});
}

class DbLeaseHandler final : public LeaseHandler {
 public:
  explicit DbLeaseHandler(std::weak_ptr<DbState> state) : state_(std::move(state)) {}

  void revoke(const Lease& lease) override {
    const auto state = state_.lock();
    if (!state) return;  // the mount is gone
    const std::string db_name = lease.internal.value("db_name", "");
    const std::string username = lease.internal.value("username", "");
    const std::string role_name = lease.internal.value("role", "");
    std::vector<std::string> statements;
    {
      std::lock_guard lock(state->mutex);
      if (const auto role = state->roles.find(role_name); role != state->roles.end()) {
        statements = role->second.revocation_statements;
      }
    }
    const auto connection = state->connection(db_name);
    if (!connection) throw std::runtime_error("could not find DB with name: " + db_name);
    if (statements.empty()) {
      connection->drop_role(username);
    } else {
      connection->execute(render_statements(statements, {{"name", username}, {"username", username}}));
    }
  }

  void renew(const Lease& lease, TimePoint new_expire) override {
    const auto state = state_.lock();
    if (!state) throw std::runtime_error("database mount is gone");
    const std::string username = lease.internal.value("username", "");
    std::vector<std::string> statements;
    {
      std::lock_guard lock(state->mutex);
      if (const auto role = state->roles.find(lease.internal.value("role", "")); role != state->roles.end()) {
        statements = role->second.renew_statements;
      }
    }
    if (statements.empty()) statements = {"ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';"};
    const auto connection = state->connection(lease.internal.value("db_name", ""));
    if (!connection) throw std::runtime_error("could not find DB");
    connection->execute(render_statements(
        statements, {{"name", username}, {"username", username}, {"expiration", expiration_text(new_expire)}}));
  }

 private:
  std::weak_ptr<DbState> state_;
};

class DatabaseBackend final : public Backend {
 public:
  explicit DatabaseBackend(Core& core)
      : core_(core), state_(std::make_shared<DbState>()), lease_handler_(std::make_shared<DbLeaseHandler>(state_)) {
    table_.add("config/?", PathOperations().list([this](VaultRequest&, const Captures&) {
      std::lock_guard lock(state_->mutex);
      std::vector<std::string> names;
      for (const auto& [name, config] : state_->configs) names.push_back(name);
      return VaultResponse::list(names);
    }));
    table_.add("config/([\\w-]+)",
               PathOperations()
                   .read([this](VaultRequest&, const Captures& c) { return read_config(c[0]); })
                   .update([this](VaultRequest& r, const Captures& c) { return write_config(r, c[0]); })
                   .remove([this](VaultRequest&, const Captures& c) {
                     std::lock_guard lock(state_->mutex);
                     state_->configs.erase(c[0]);
                     return VaultResponse::no_content();
                   }));
    table_.add("reset/([\\w-]+)", PathOperations().update([this](VaultRequest&, const Captures& c) {
      const auto connection = state_->connection(c[0]);
      if (!connection) throw VaultError::bad_request("unable to reset: no config for " + c[0]);
      return VaultResponse::no_content();
    }));
    table_.add("roles/?", PathOperations().list([this](VaultRequest&, const Captures&) {
      std::lock_guard lock(state_->mutex);
      std::vector<std::string> names;
      for (const auto& [name, role] : state_->roles) names.push_back(name);
      return VaultResponse::list(names);
    }));
    table_.add("roles/([\\w-]+)",
               PathOperations()
                   .read([this](VaultRequest&, const Captures& c) { return read_role(c[0]); })
                   .update([this](VaultRequest& r, const Captures& c) { return write_role(r, c[0]); })
                   .remove([this](VaultRequest&, const Captures& c) {
                     std::lock_guard lock(state_->mutex);
                     state_->roles.erase(c[0]);
                     return VaultResponse::no_content();
                   }));
    table_.add("creds/([\\w-]+)", PathOperations().read([this](VaultRequest& r, const Captures& c) {
      return create_credentials(r, c[0]);
    }));
  }

  VaultResponse handle(VaultRequest& request) override { return table_.dispatch(request); }

 private:
  VaultResponse read_config(const std::string& name) {
    std::lock_guard lock(state_->mutex);
    const auto found = state_->configs.find(name);
    if (found == state_->configs.end()) throw VaultError::not_found();
    const DbConfig& config = found->second;
    // connection_details: the plugin's fields as written, the password left out.
    Json details{{"connection_url", config.connection_url}, {"username", config.username}};
    if (config.max_open_connections) details["max_open_connections"] = *config.max_open_connections;
    if (config.password_authentication) details["password_authentication"] = *config.password_authentication;
    return VaultResponse::with_data(Json{
        {"allowed_roles", config.allowed_roles},
        {"connection_details", std::move(details)},
        {"password_policy", config.password_policy},
        {"plugin_name", config.plugin_name},
        {"plugin_version", ""},
        {"root_credentials_rotate_statements", config.root_rotation_statements},
        {"verify_connection", config.verify_connection},
    });
  }

  VaultResponse write_config(VaultRequest& request, const std::string& name) {
    const Json& data = request.data;
    DbConfig config;
    {
      std::lock_guard lock(state_->mutex);
      if (const auto found = state_->configs.find(name); found != state_->configs.end()) config = found->second;
    }
    config.name = name;
    if (auto plugin = fields::get_string(data, "plugin_name")) config.plugin_name = *plugin;
    if (config.plugin_name.empty()) throw VaultError::bad_request("empty plugin name");
    if (config.plugin_name != kPostgresPlugin) {
      throw VaultError::bad_request("error creating database object: mock-vault supports only " +
                                    std::string(kPostgresPlugin) + ", not \"" + config.plugin_name + "\"");
    }
    if (auto url = fields::get_string(data, "connection_url")) config.connection_url = *url;
    if (auto username = fields::get_string(data, "username")) config.username = *username;
    if (auto password = fields::get_string(data, "password")) config.password = *password;
    if (auto roles = fields::get_string_list(data, "allowed_roles")) config.allowed_roles = *roles;
    if (auto verify = fields::get_bool(data, "verify_connection")) config.verify_connection = *verify;
    if (auto statements = fields::get_string_list(data, "root_rotation_statements")) {
      config.root_rotation_statements = *statements;
    }
    if (auto policy = fields::get_string(data, "password_policy")) config.password_policy = *policy;
    // Kept and shown as written (a bad value is Vault's decoding error); see the connection below.
    if (auto max_open = fields::get_int(data, "max_open_connections")) config.max_open_connections = *max_open;
    if (auto authentication = fields::get_string(data, "password_authentication")) {
      config.password_authentication = *authentication;
    }
    if (config.connection_url.empty()) {
      throw VaultError::bad_request("error creating database object: connection_url cannot be empty");
    }
    const std::string conninfo = text::replace_all(text::replace_all(config.connection_url, "{{username}}",
                                                         percent_encode_userinfo(config.username)),
                                             "{{password}}", percent_encode_userinfo(config.password));
    // One admin connection: Vault's PostgreSQL plugin creates and drops users one at a time per
    // config (NewUser and DeleteUser hold the plugin's lock), whatever max_open_connections says.
    config.connection = std::make_shared<PgConnection>(conninfo, config.password);
    if (config.verify_connection) {
      try {
        config.connection->verify();
      } catch (const std::exception& e) {
        throw VaultError::bad_request(std::string("error creating database object: error verifying connection: ") + e.what());
      }
    }
    // The plugin's Initialize checks it after the connection: an empty value keeps the default.
    if (const auto& authentication = config.password_authentication;
        authentication && !authentication->empty() && *authentication != kPlainPassword &&
        *authentication != kScramSha256) {
      throw VaultError::bad_request("error creating database object: '" + *authentication +
                                    "' is not a valid password authentication type");
    }
    std::lock_guard lock(state_->mutex);
    state_->configs[name] = config;
    return VaultResponse::no_content();
  }

  VaultResponse read_role(const std::string& name) {
    std::lock_guard lock(state_->mutex);
    const auto found = state_->roles.find(name);
    if (found == state_->roles.end()) throw VaultError::not_found();
    const DbRole& role = found->second;
    return VaultResponse::with_data(Json{
        {"db_name", role.db_name},
        {"creation_statements", role.creation_statements},
        {"revocation_statements", role.revocation_statements},
        {"rollback_statements", role.rollback_statements},
        {"renew_statements", role.renew_statements},
        {"default_ttl", role.default_ttl},
        {"max_ttl", role.max_ttl},
        {"credential_type", "password"},
        {"credential_config", nullptr},
    });
  }

  VaultResponse write_role(VaultRequest& request, const std::string& name) {
    const Json& data = request.data;
    DbRole role;
    {
      std::lock_guard lock(state_->mutex);
      if (const auto found = state_->roles.find(name); found != state_->roles.end()) role = found->second;
    }
    if (auto db = fields::get_string(data, "db_name")) role.db_name = *db;
    if (role.db_name.empty()) throw VaultError::bad_request("database name is required");
    if (fields::has(data, "creation_statements")) role.creation_statements = statements_field(data, "creation_statements");
    if (role.creation_statements.empty()) throw VaultError::bad_request("empty creation statements");
    if (fields::has(data, "revocation_statements")) role.revocation_statements = statements_field(data, "revocation_statements");
    if (fields::has(data, "rollback_statements")) role.rollback_statements = statements_field(data, "rollback_statements");
    if (fields::has(data, "renew_statements")) role.renew_statements = statements_field(data, "renew_statements");
    if (auto ttl = fields::get_duration(data, "default_ttl")) role.default_ttl = *ttl;
    if (auto ttl = fields::get_duration(data, "max_ttl")) role.max_ttl = *ttl;
    if (role.default_ttl < 0 || role.max_ttl < 0) throw VaultError::bad_request("ttl must not be negative");
    std::lock_guard lock(state_->mutex);
    state_->roles[name] = role;
    return VaultResponse::no_content();
  }

  VaultResponse create_credentials(VaultRequest& request, const std::string& role_name) {
    DbRole role;
    std::vector<std::string> allowed;
    std::shared_ptr<PgConnection> connection;
    bool hash_password = false;
    {
      std::lock_guard lock(state_->mutex);
      const auto found = state_->roles.find(role_name);
      if (found == state_->roles.end()) throw VaultError::bad_request("unknown role: " + role_name);
      role = found->second;
      const auto config = state_->configs.find(role.db_name);
      if (config == state_->configs.end()) {
        throw VaultError::internal("could not find DB with name: " + role.db_name);
      }
      allowed = config->second.allowed_roles;
      connection = config->second.connection;
      hash_password = config->second.hashes_passwords();
    }
    if (!role_allowed(allowed, role_name)) throw VaultError::internal("\"" + role_name + "\" is not an allowed role");

    const auto mount = core_.mounts().by_path(request.mount_point);
    const std::int64_t mount_default = mount ? mount->effective_default_ttl() : kDefaultLeaseTtl;
    const std::int64_t mount_max = mount ? mount->effective_max_ttl() : kMaxLeaseTtl;
    const std::int64_t max_ttl = role.max_ttl > 0 ? std::min(role.max_ttl, mount_max) : mount_max;
    const std::int64_t ttl = std::min(role.default_ttl > 0 ? role.default_ttl : mount_default, max_ttl);

    const std::string display = request.token ? request.token->display_name : "";
    const std::string username = generate_username(display, role_name);
    const std::string password = generate_password();
    const TimePoint now = Clock::now();
    // The role's VALID UNTIL leaves 5 s for the lease to be revoked first (path_creds_create.go).
    const std::string expiration = expiration_text(now + std::chrono::seconds(ttl + 5));
    try {
      connection->execute(
          [&](std::vector<std::string>& secrets) {
            std::string written = password;
            if (hash_password) {
              written = scram_sha256_verifier(password);
              secrets.push_back(written);  // not the password, but what an offline guess starts from
            }
            return render_statements(role.creation_statements, {{"name", username},
                                                                {"username", username},
                                                                {"password", written},
                                                                {"expiration", expiration}});
          },
          {password});
    } catch (const std::exception& e) {
      throw VaultError::internal(e.what());
    }

    Lease lease;
    lease.token_id = request.token ? request.token->id : "";
    lease.issue_time = now;
    lease.expire_time = now + std::chrono::seconds(ttl);
    lease.max_expire = now + std::chrono::seconds(max_ttl);
    lease.renewable = true;
    lease.internal = Json{{"db_name", role.db_name}, {"username", username}, {"role", role_name}};
    lease.handler = lease_handler_;
    const std::string lease_id = core_.leases().add(request.mount_point + "creds/" + role_name, std::move(lease));

    VaultResponse response = VaultResponse::with_data(Json{{"username", username}, {"password", password}});
    response.lease_id = lease_id;
    response.renewable = true;
    response.lease_duration = ttl;
    return response;
  }

  Core& core_;
  std::shared_ptr<DbState> state_;
  std::shared_ptr<DbLeaseHandler> lease_handler_;
  PathTable table_;
};

}  // namespace

std::shared_ptr<Backend> make_database_backend(Core& core) { return std::make_shared<DatabaseBackend>(core); }

}  // namespace mcph::mock_vault
