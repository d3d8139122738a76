#include "core.h"

#include <algorithm>
#include <cstdio>

#include "backends.h"
#include "field_data.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

std::uint32_t capability_for(Operation operation) {
  switch (operation) {
    case Operation::read: return kRead;
    case Operation::list: return kList;
    case Operation::create: return kCreate;
    case Operation::update: return kUpdate;
    case Operation::delete_op: return kDelete;
  }
  return kRead;
}

std::vector<std::string> merged_policies(const std::vector<std::string>& token_policies,
                                         const std::vector<std::string>& identity_policies) {
  std::vector<std::string> all = token_policies;
  all.insert(all.end(), identity_policies.begin(), identity_policies.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::string duration_text(std::int64_t seconds) {
  // Go's time.Duration String() for whole seconds: "1h0m0s", "5m0s", "30s".
  if (seconds < 60) return std::to_string(seconds) + "s";
  const std::int64_t hours = seconds / 3600;
  const std::int64_t minutes = (seconds % 3600) / 60;
  const std::int64_t rest = seconds % 60;
  std::string text;
  if (hours > 0) text += std::to_string(hours) + "h";
  text += std::to_string(minutes) + "m" + std::to_string(rest) + "s";
  return text;
}

// A fresh or just-renewed token's TTL in whole seconds, rounded (the lookup's `ttl` truncates).
std::int64_t lease_seconds(const TokenEntry& token) {
  if (!token.expire_time) return 0;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*token.expire_time - Clock::now()).count();
  return std::max<std::int64_t>(0, (left + 500) / 1000);
}

}  // namespace

Core::Core(CoreOptions options)
    : options_(std::move(options)),
      identity_([this](const std::string& accessor) -> std::optional<MountRef> {
        auto mount = mounts_.by_accessor(accessor);
        if (!mount) return std::nullopt;
        return MountRef{mount->path, mount->type};
      }) {
  tokens_.set_revoke_listener([this](const std::string& token_id) { leases_.revoke_by_token(token_id); });
  mount_builtins();

  // As `vault server -dev -dev-root-token-id=…` makes it: created through auth/token/create
  // (no parent, no default policy), so it looks like any created token.
  TokenEntry root;
  root.id = options_.root_token_id;
  root.policies = {"root"};
  root.path = "auth/token/create";
  root.display_name = "token";
  root.orphan = true;
  root.issue_time = Clock::now();
  if (auto token_mount = mounts_.by_path("auth/token/")) {
    root.mount_accessor = token_mount->accessor;
    root.mount_path = token_mount->path;
  }
  tokens_.create(root);

  if (!options_.audit_log_path.empty()) {
    audit_.enable("file/", "file", "", Json{{"file_path", options_.audit_log_path}});
  }
}

Core::~Core() { shutdown(); }

void Core::mount_builtins() {
  auto add = [this](const std::string& path, const std::string& type, const std::string& description,
                    bool is_auth, bool builtin, Json options, std::shared_ptr<Backend> backend) {
    MountEntry entry;
    entry.path = path;
    entry.type = type;
    entry.description = description;
    entry.accessor = make_accessor(type, is_auth);
    entry.uuid = random_uuid();
    entry.options = std::move(options);
    entry.is_auth = is_auth;
    entry.builtin = builtin;
    entry.backend = std::move(backend);
    mounts_.add(std::move(entry));
  };
  add("sys/", "system", "system endpoints used for control, policy and debugging", false, true, nullptr,
      make_system_backend(*this));
  add("identity/", "identity", "identity store", false, true, nullptr, make_identity_backend(*this));
  add("auth/token/", "token", "token based credentials", true, true, nullptr, make_token_backend(*this));
  // Like `vault server -dev`: KV version 2 at secret/.
  add("secret/", "kv", "key/value secret storage", false, false, Json{{"version", "2"}},
      make_kv_v2_backend(*this));
}

std::shared_ptr<Backend> Core::make_backend(const std::string& type, const Json& options, bool is_auth) {
  if (is_auth) {
    if (type == "jwt" || type == "oidc") return make_jwt_backend(*this);
    throw VaultError::bad_request("plugin not found in the catalog: " + type);
  }
  if (type == "kv" || type == "kv-v2") {
    const std::string version = fields::string_or(options, "version", type == "kv-v2" ? "2" : "1");
    return version == "2" ? make_kv_v2_backend(*this) : make_kv_v1_backend(*this);
  }
  if (type == "database") return make_database_backend(*this);
  throw VaultError::bad_request("plugin not found in the catalog: " + type);
}

CallerIdentity Core::caller_of(const TokenEntry& token) const { return identity_.caller(token.entity_id); }

Acl Core::acl_for(const TokenEntry& token, const CallerIdentity& caller) const {
  std::vector<std::shared_ptr<const StoredPolicy>> held;
  std::vector<NamedPolicy> named;
  for (const auto& name : merged_policies(token.policies, caller.identity_policies)) {
    if (name == "root") return Acl::root();
    auto policy = policies_.get(name);
    if (!policy) continue;
    named.push_back({name, &policy->parsed});
    held.push_back(std::move(policy));
  }
  return build_acl(named, caller.template_identity, unix_now());
}

Json Core::auth_json(const TokenEntry& token, const std::vector<std::string>& identity_policies) const {
  Json auth{
      {"client_token", token.id},
      {"accessor", token.accessor},
      {"policies", merged_policies(token.policies, identity_policies)},
      {"token_policies", token.policies},
      {"metadata", token.meta.empty() ? Json(nullptr) : Json(token.meta)},
      {"lease_duration", lease_seconds(token)},
      {"renewable", token.renewable},
      {"entity_id", token.entity_id},
      {"token_type", "service"},
      {"orphan", token.orphan},
      {"mfa_requirement", nullptr},
      {"num_uses", token.num_uses},
  };
  if (!identity_policies.empty()) auth["identity_policies"] = identity_policies;
  return auth;
}

Json Core::lookup_json(const TokenEntry& token) const {
  const TimePoint now = Clock::now();
  Json data{
      {"accessor", token.accessor},
      {"creation_time", unix_seconds(token.issue_time)},
      {"creation_ttl", token.creation_ttl},
      {"display_name", token.display_name},
      {"entity_id", token.entity_id},
      {"expire_time", token.expire_time ? Json(rfc3339_nano(*token.expire_time)) : Json(nullptr)},
      {"explicit_max_ttl", token.explicit_max_ttl},
      {"id", token.id},
      {"issue_time", rfc3339_nano(token.issue_time)},
      {"meta", token.meta.empty() ? Json(nullptr) : Json(token.meta)},
      {"num_uses", token.num_uses},
      {"orphan", token.orphan},
      {"path", token.path},
      {"policies", token.policies},
      {"renewable", token.renewable},
      {"ttl", token.ttl_left(now)},
      {"type", "service"},
  };
  if (token.period > 0) data["period"] = token.period;
  if (token.last_renewal) {
    data["last_renewal"] = rfc3339_nano(*token.last_renewal);
    data["last_renewal_time"] = unix_seconds(*token.last_renewal);
  }
  const CallerIdentity caller = identity_.caller(token.entity_id);
  if (!caller.identity_policies.empty()) data["identity_policies"] = caller.identity_policies;
  return data;
}

void Core::complete_login(VaultRequest& request, const MountEntry& mount, VaultResponse& response) {
  const LoginResult& login = *response.login;
  std::map<std::string, std::string> alias_metadata(login.alias_metadata.begin(), login.alias_metadata.end());
  const std::string entity_id = identity_.login(mount.accessor, login.alias_name, alias_metadata,
                                                login.group_alias_names);
  const CallerIdentity caller = identity_.caller(entity_id);
  if (caller.disabled) throw VaultError::missing_token();  // "permission denied"

  std::int64_t max_ttl = login.max_ttl > 0 ? login.max_ttl : mount.effective_max_ttl();
  if (max_ttl > mount.effective_max_ttl()) max_ttl = mount.effective_max_ttl();
  if (login.explicit_max_ttl > 0 && login.explicit_max_ttl < max_ttl) max_ttl = login.explicit_max_ttl;
  std::int64_t ttl = login.ttl > 0 ? login.ttl : mount.effective_default_ttl();
  if (login.period > 0) ttl = login.period;
  if (ttl > max_ttl && login.period == 0) {
    response.warnings.push_back("TTL of \"" + duration_text(ttl) + "\" exceeded the effective max_ttl of \"" +
                                duration_text(max_ttl) + "\"; TTL value is capped accordingly");
    ttl = max_ttl;
  }

  TokenEntry token;
  token.policies = fields::sanitize_policies(login.policies, !login.no_default_policy);
  token.path = request.path;
  // "auth/jwt/" + "alice" → "jwt-alice" (vault/request_handling.go)
  std::string source = mount.path.substr(5);
  std::replace(source.begin(), source.end(), '/', '-');
  std::string display = source + login.alias_name;
  while (!display.empty() && display.back() == '-') display.pop_back();
  token.display_name = display;
  token.meta = std::map<std::string, std::string>(login.metadata.begin(), login.metadata.end());
  token.entity_id = entity_id;
  token.orphan = true;
  token.renewable = true;
  token.issue_time = Clock::now();
  token.creation_ttl = ttl;
  token.explicit_max_ttl = login.explicit_max_ttl;
  token.period = login.period;
  token.expire_time = token.issue_time + std::chrono::seconds(ttl);
  if (login.period == 0) token.max_expire = token.issue_time + std::chrono::seconds(max_ttl);
  token.num_uses = login.num_uses;
  token.mount_accessor = mount.accessor;
  token.mount_path = mount.path;
  token.role = login.role;
  const auto stored = tokens_.create(std::move(token));
  response.auth = auth_json(*stored, caller.identity_policies);
  response.data = nullptr;
}

Json Core::renew_token(const TokenEntry& token, std::int64_t increment, std::vector<std::string>& warnings) {
  if (!token.expire_time) {
    // Root and other non-expiring tokens: nothing to extend.
    return auth_json(token, caller_of(token).identity_policies);
  }
  if (!token.renewable) throw VaultError::bad_request("lease is not renewable");
  std::int64_t ttl = token.creation_ttl;
  if (auto mount = mounts_.by_accessor(token.mount_accessor); mount && mount->type != "token" && mount->backend) {
    const auto [role_ttl, role_max] = mount->backend->renew_login(token.role);
    if (role_ttl > 0) ttl = role_ttl;
    (void)role_max;
  }
  if (token.period > 0) ttl = token.period;
  if (increment > 0) ttl = increment;
  const auto renewed = tokens_.renew(token.id, ttl);
  if (!renewed) throw VaultError::invalid_token();
  if (renewed->max_expire && *renewed->expire_time == *renewed->max_expire) {
    warnings.push_back("TTL of \"" + duration_text(ttl) + "\" exceeded the effective max_ttl of \"" +
                       duration_text(renewed->ttl_left(Clock::now())) + "\"; TTL value is capped accordingly");
  }
  return auth_json(*renewed, caller_of(*renewed).identity_policies);
}

VaultResponse Core::handle(VaultRequest& request) {
  AuditRecord record;
  record.request = &request;
  bool audited_request = false;
  VaultResponse response;
  try {
    response = handle_unchecked(request, record, audited_request);
  } catch (const VaultError& e) {
    response = VaultResponse::error(e.status(), e.errors());
  } catch (const PolicyParseError& e) {
    response = VaultResponse::error(400, {e.what()});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "[mock-vault] internal error on %s: %s\n", request.path.c_str(), e.what());
    response = VaultResponse::error(500, {multierror_text({"internal error"})});
  }
  if (response.is_error) {
    // Audited with the text of the answer's error (an ACL refusal: "1 error occurred:\n\t*
    // permission denied\n\n", as real Vault writes it).
    record.error = response.errors.empty() ? "" : response.errors.front();
  }
  if (audited_request && audit_.active()) {
    record.response = &response;
    audit_.log_response(record);
  }
  return response;
}

VaultResponse Core::handle_unchecked(VaultRequest& request, AuditRecord& record, bool& audited_request) {
  if (auto denial = quotas_.check(request.path, request.remote_address)) {
    VaultResponse refused = VaultResponse::error(429, {denial->message});
    if (denial->headers) {
      refused.headers.emplace_back("Retry-After", std::to_string(denial->retry_after_seconds));
      refused.headers.emplace_back("X-Ratelimit-Limit", std::to_string(denial->limit));
      refused.headers.emplace_back("X-Ratelimit-Remaining", "0");
      refused.headers.emplace_back("X-Ratelimit-Reset", std::to_string(denial->retry_after_seconds));
    }
    return refused;
  }
  const auto mount = mounts_.route(request.path);
  if (!mount) {
    throw VaultError(404, {"no handler for route \"" + request.path + "\". route entry not found."});
  }
  request.mount_point = mount->path;
  request.mount_type = mount->type;
  request.mount_accessor = mount->accessor;
  request.relative = request.path.size() >= mount->path.size() ? request.path.substr(mount->path.size()) : "";
  Backend& backend = *mount->backend;

  if ((request.operation == Operation::update || request.operation == Operation::create) &&
      !request.path.empty() && request.path.back() == '/') {
    throw VaultError::bad_request("cannot write to a path ending in '/'");
  }
  if (request.operation == Operation::update) {
    if (auto exists = backend.exists(request); exists && !*exists) request.operation = Operation::create;
  }

  const bool unauthenticated = backend.unauthenticated(request);
  if (!unauthenticated) {
    // Audited from here on, like Vault: a refused request still leaves its two lines.
    audited_request = true;
    if (request.client_token.empty()) {
      if (audit_.active()) audit_.log_request(record);
      throw VaultError::missing_token();
    }
    auto token = tokens_.lookup(request.client_token, true);
    if (!token) {
      if (audit_.active()) audit_.log_request(record);
      throw VaultError::invalid_token();
    }
    request.token = token;
    record.token = token;
    const CallerIdentity caller = caller_of(*token);
    record.identity_policies = caller.identity_policies;
    if (caller.disabled) {
      if (audit_.active()) audit_.log_request(record);
      throw VaultError::missing_token();
    }
    const Acl acl = acl_for(*token, caller);
    const bool list = request.operation == Operation::list;
    bool allowed = acl.allows(request.path, capability_for(request.operation), list);
    if (allowed && backend.sudo_required(request)) allowed = acl.allows(request.path, kSudo, list);
    record.allowed = allowed;
    if (audit_.active()) audit_.log_request(record);
    if (!allowed) throw VaultError::permission_denied();
  } else {
    audited_request = true;
    record.allowed = true;
    if (audit_.active()) audit_.log_request(record);
  }

  VaultResponse response = backend.handle(request);
  if (response.login) {
    complete_login(request, *mount, response);
    response.login.reset();
  }
  return response;
}

void Core::start_reaper() {
  reaper_ = std::thread([this] {
    std::unique_lock lock(reaper_mutex_);
    while (!stopping_) {
      reaper_wakeup_.wait_for(lock, std::chrono::milliseconds(200));
      if (stopping_) break;
      lock.unlock();
      try {
        const TimePoint now = Clock::now();
        tokens_.expire_due(now);  // also revokes the leases of expired tokens
        leases_.expire_due(now);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "[mock-vault] reaper: %s\n", e.what());
      }
      lock.lock();
    }
  });
}

void Core::shutdown() {
  {
    std::lock_guard lock(reaper_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  reaper_wakeup_.notify_all();
  if (reaper_.joinable()) reaper_.join();
  // Like Vault's dev server, whose leases live in memory: they are lost, not revoked. Whoever
  // wants the roles gone revokes them first (sys/leases/revoke-prefix), as mcp-harness does.
}

}  // namespace mcph::mock_vault
