// The sys/ backend: health, mounts, auth methods, policies, capabilities, leases, audit devices
// and rate-limit quotas.
#include <algorithm>
#include <set>

#include "backends.h"
#include "core.h"
#include "field_data.h"
#include "mcph/codec/base64.h"
#include "mcph/mock_vault/policy.h"
#include "mcph/text/ascii_case.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

constexpr const char* kVersion = "1.21.1";

std::string normalize_mount_path(std::string path) {
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (!path.empty() && path.back() != '/') path.push_back('/');
  return path;
}

Json mount_json(const MountEntry& mount) {
  return Json{
      {"accessor", mount.accessor},
      {"config",
       {{"default_lease_ttl", mount.default_lease_ttl},
        {"force_no_cache", false},
        {"max_lease_ttl", mount.max_lease_ttl},
        {"token_type", mount.is_auth ? Json("default-service") : Json(nullptr)}}},
      {"description", mount.description},
      {"external_entropy_access", false},
      {"local", mount.local},
      {"options", mount.options},
      {"plugin_version", ""},
      {"running_plugin_version", std::string("v") + kVersion + "+builtin"},
      {"running_sha256", ""},
      {"seal_wrap", mount.seal_wrap},
      {"type", mount.type},
      {"uuid", mount.uuid},
  };
}

class SystemBackend final : public Backend {
 public:
  explicit SystemBackend(Core& core) : core_(core) { register_paths(); }

  VaultResponse handle(VaultRequest& request) override { return table_.dispatch(request); }

  bool unauthenticated(const VaultRequest& request) const override {
    return request.relative == "health" || request.relative == "seal-status" || request.relative == "leader" ||
           request.relative == "init";
  }

  bool sudo_required(const VaultRequest& request) const override {
    const std::string& path = request.relative;
    return starts_with(path, "auth/") || path == "audit" || starts_with(path, "audit/") ||
           starts_with(path, "leases/revoke-prefix/") || starts_with(path, "revoke-prefix/") ||
           (starts_with(path, "leases/lookup/") && request.operation == Operation::list) ||
           starts_with(path, "config/auditing/");
  }

 private:
  void register_paths() {
    table_.add("health", PathOperations().read([](VaultRequest& r, const Captures&) { return health_response(r.data); }));
    table_.add("seal-status", PathOperations().read([](VaultRequest&, const Captures&) { return seal_status(); }));
    // The dev server is initialized; hvac's sys.is_initialized() and node-vault's initialized() ask.
    table_.add("init", PathOperations().read([](VaultRequest&, const Captures&) {
                 VaultResponse response;
                 response.raw = true;
                 response.data = Json{{"initialized", true}};
                 return response;
               }));
    table_.add("leader", PathOperations().read([](VaultRequest&, const Captures&) {
                 return VaultResponse::with_data(Json{{"ha_enabled", false}, {"is_self", false},
                                                      {"leader_address", ""}, {"leader_cluster_address", ""},
                                                      {"performance_standby", false}});
               }));
    table_.add("mounts/?", PathOperations().read([this](VaultRequest&, const Captures&) { return list_mounts(false); }));
    table_.add("mounts/(.+)", PathOperations().read([this](VaultRequest&, const Captures& c) { return read_mount(c[0], false); }).update([this](VaultRequest& r, const Captures& c) { return enable_mount(r, c[0], false); }).remove([this](VaultRequest&, const Captures& c) { return disable_mount(c[0], false); }));
    table_.add("auth/?", PathOperations().read([this](VaultRequest&, const Captures&) { return list_mounts(true); }));
    table_.add("auth/(.+)", PathOperations().read([this](VaultRequest&, const Captures& c) { return read_mount(c[0], true); }).update([this](VaultRequest& r, const Captures& c) { return enable_mount(r, c[0], true); }).remove([this](VaultRequest&, const Captures& c) { return disable_mount(c[0], true); }));

    table_.add("policies/acl/?", PathOperations().list([this](VaultRequest&, const Captures&) { return list_policies(false); }));
    table_.add("policies/acl/(.+)",
               PathOperations().read([this](VaultRequest&, const Captures& c) { return read_policy(c[0], "policy"); }).update([this](VaultRequest& r, const Captures& c) { return write_policy(r, c[0], false); }).remove([this](VaultRequest&, const Captures& c) { return delete_policy(c[0]); }));
    table_.add("policy/?", PathOperations().read([this](VaultRequest&, const Captures&) { return list_policies(true); }).list([this](VaultRequest&, const Captures&) { return list_policies(true); }));
    table_.add("policy/(.+)", PathOperations().read([this](VaultRequest&, const Captures& c) { return read_policy(c[0], "rules"); }).update([this](VaultRequest& r, const Captures& c) { return write_policy(r, c[0], true); }).remove([this](VaultRequest&, const Captures& c) { return delete_policy(c[0]); }));

    table_.add("capabilities-self", PathOperations().update([this](VaultRequest& r, const Captures&) {
                 return capabilities(r, r.token);
               }));
    table_.add("capabilities", PathOperations().update([this](VaultRequest& r, const Captures&) {
                 const auto token = core_.tokens().lookup(fields::string_or(r.data, "token"));
                 if (!token) throw VaultError::bad_request("invalid token");
                 return capabilities(r, token);
               }));
    table_.add("capabilities-accessor", PathOperations().update([this](VaultRequest& r, const Captures&) {
                 const auto token = core_.tokens().lookup_accessor(fields::string_or(r.data, "accessor"));
                 if (!token) throw VaultError::bad_request("invalid accessor");
                 return capabilities(r, token);
               }));

    table_.add("(?:leases/)?lookup", PathOperations().update([this](VaultRequest& r, const Captures&) { return lease_lookup(r); }));
    table_.add("leases/lookup/(.*)", PathOperations().list([this](VaultRequest&, const Captures& c) { return lease_list(c[0]); }));
    table_.add("(?:leases/)?renew(?:/(.+))?", PathOperations().update([this](VaultRequest& r, const Captures& c) {
                 return lease_renew(r, c[0]);
               }));
    table_.add("(?:leases/)?revoke(?:/(.+))?", PathOperations().update([this](VaultRequest& r, const Captures& c) {
                 return lease_revoke(r, c[0]);
               }));
    table_.add("(?:leases/)?revoke-prefix/(.+)", PathOperations().update([this](VaultRequest&, const Captures& c) {
                 core_.leases().revoke_prefix(c[0]);
                 return VaultResponse::no_content();
               }));

    table_.add("audit/?", PathOperations().read([this](VaultRequest&, const Captures&) {
                 return VaultResponse::with_data(core_.audit().list());
               }));
    table_.add("audit/(.+)", PathOperations().update([this](VaultRequest& r, const Captures& c) { return enable_audit(r, c[0]); }).remove([this](VaultRequest&, const Captures& c) {
                                core_.audit().disable(normalize_mount_path(c[0]));
                                return VaultResponse::no_content();
                              }));
    table_.add("audit-hash/(.+)", PathOperations().update([this](VaultRequest& r, const Captures& c) {
                 const auto hash = core_.audit().hash(normalize_mount_path(c[0]), fields::string_or(r.data, "input"));
                 if (!hash) throw VaultError::bad_request("unknown audit backend " + normalize_mount_path(c[0]));
                 return VaultResponse::with_data(Json{{"hash", *hash}});
               }));

    // Audited request headers (vault/logical_system.go handleAuditedHeader*): a read of one
    // header answers under the name as the caller spelled it; an unknown one is a 400.
    table_.add("config/auditing/request-headers", PathOperations().read([this](VaultRequest&, const Captures&) {
                 return VaultResponse::with_data(Json{{"headers", core_.audit().headers().all()}});
               }));
    table_.add("config/auditing/request-headers/(.+)",
               PathOperations().read([this](VaultRequest&, const Captures& c) {
                  const auto hmac = core_.audit().headers().hmac_of(c[0]);
                  if (!hmac) throw VaultError::bad_request("Could not find header in config");
                  return VaultResponse::with_data(Json{{c[0], {{"hmac", *hmac}}}});
                }).update([this](VaultRequest& r, const Captures& c) {
                  core_.audit().headers().add(c[0], fields::get_bool(r.data, "hmac").value_or(false));
                  return VaultResponse::no_content();
                }).remove([this](VaultRequest&, const Captures& c) {
                  core_.audit().headers().remove(c[0]);
                  return VaultResponse::no_content();
                }));

    table_.add("quotas/config", PathOperations().read([this](VaultRequest&, const Captures&) {
                                   return VaultResponse::with_data(core_.quotas().config());
                                 }).update([this](VaultRequest& r, const Captures&) {
                                   core_.quotas().set_config(r.data);
                                   return VaultResponse::no_content();
                                 }));
    table_.add("quotas/rate-limit/?", PathOperations().list([this](VaultRequest&, const Captures&) {
                 return VaultResponse::list(core_.quotas().names());
               }));
    table_.add("quotas/rate-limit/(.+)",
               PathOperations().read([this](VaultRequest&, const Captures& c) {
                  auto quota = core_.quotas().read(c[0]);
                  if (!quota) throw VaultError::not_found();
                  return VaultResponse::with_data(*quota);
                }).update([this](VaultRequest& r, const Captures& c) { return write_quota(r, c[0]); }).remove([this](VaultRequest&, const Captures& c) {
                  core_.quotas().remove(c[0]);
                  return VaultResponse::no_content();
                }));
  }

  static VaultResponse seal_status() {
    VaultResponse response;
    response.raw = true;
    response.data = Json{{"type", "shamir"}, {"initialized", true}, {"sealed", false}, {"t", 1}, {"n", 1},
                         {"progress", 0}, {"nonce", ""}, {"version", kVersion}, {"build_date", ""},
                         {"migration", false}, {"recovery_seal", false}, {"storage_type", "inmem"}};
    return response;
  }

  VaultResponse list_mounts(bool auth) {
    Json data = Json::object();
    for (const auto& mount : core_.mounts().all()) {
      if (mount.is_auth != auth) continue;
      data[auth ? mount.path.substr(5) : mount.path] = mount_json(mount);
    }
    return VaultResponse::with_data(data);
  }

  VaultResponse read_mount(const std::string& path, bool auth) {
    const std::string full = (auth ? "auth/" : "") + normalize_mount_path(path);
    const auto mount = core_.mounts().by_path(full);
    if (!mount) throw VaultError::bad_request("No " + std::string(auth ? "auth engine" : "secret engine") + " at " + full);
    return VaultResponse::with_data(mount_json(*mount));
  }

  VaultResponse enable_mount(VaultRequest& request, const std::string& raw_path, bool auth) {
    if (ends_with(raw_path, "/tune") || raw_path.find("/tune/") != std::string::npos) {
      throw VaultError::unsupported_path();
    }
    const std::string path = normalize_mount_path(raw_path);
    const std::string type = fields::string_or(request.data, "type");
    if (type.empty()) throw VaultError::bad_request("backend type must be specified as a string");
    for (const char* reserved : {"sys/", "identity/", "auth/", "cubbyhole/"}) {
      if (!auth && starts_with(path, reserved)) {
        throw VaultError::bad_request("cannot mount '" + path + "' of type '" + type + "' as it is reserved");
      }
    }
    if (auth && path == "token/") throw VaultError::bad_request("token credential backend cannot be instantiated");
    Json options = request.data.contains("options") ? request.data["options"] : Json(nullptr);
    if (!options.is_null() && !options.is_object()) throw VaultError::bad_request("options must be a map");
    if (type == "kv-v2") options = Json{{"version", "2"}};
    MountEntry entry;
    entry.path = (auth ? "auth/" : "") + path;
    entry.type = type == "kv-v2" ? "kv" : type;
    entry.description = fields::string_or(request.data, "description");
    entry.accessor = make_accessor(entry.type, auth);
    entry.uuid = random_uuid();
    entry.options = options;
    entry.local = fields::get_bool(request.data, "local").value_or(false);
    entry.seal_wrap = fields::get_bool(request.data, "seal_wrap").value_or(false);
    entry.is_auth = auth;
    if (request.data.contains("config") && request.data["config"].is_object()) {
      const Json& config = request.data["config"];
      entry.default_lease_ttl = fields::get_duration(config, "default_lease_ttl").value_or(0);
      entry.max_lease_ttl = fields::get_duration(config, "max_lease_ttl").value_or(0);
    }
    entry.backend = core_.make_backend(type, options, auth);
    core_.mounts().add(std::move(entry));
    return VaultResponse::no_content();
  }

  VaultResponse disable_mount(const std::string& raw_path, bool auth) {
    const std::string full = (auth ? "auth/" : "") + normalize_mount_path(raw_path);
    const auto mount = core_.mounts().by_path(full);
    if (!mount) return VaultResponse::no_content();
    if (mount->builtin) {
      throw VaultError::bad_request(auth ? "token credential backend cannot be disabled"
                                         : "cannot unmount \"" + full + "\"");
    }
    core_.mounts().remove(full);
    if (auth) core_.tokens().revoke_mount(full);
    core_.leases().revoke_prefix(full);
    if (mount->backend) mount->backend->unmount();
    return VaultResponse::no_content();
  }

  VaultResponse list_policies(bool legacy) {
    std::vector<std::string> names = core_.policies().names();
    VaultResponse response = VaultResponse::list(names);
    if (legacy) response.data["policies"] = names;
    return response;
  }

  VaultResponse read_policy(const std::string& raw_name, const char* field) {
    const std::string name = text::ascii_lower(raw_name);
    const auto policy = core_.policies().get(name);
    if (!policy) throw VaultError::not_found();
    return VaultResponse::with_data(Json{{"name", policy->name}, {field, policy->raw}});
  }

  VaultResponse write_policy(VaultRequest& request, const std::string& raw_name, bool legacy) {
    std::vector<std::string> warnings;
    const std::string name = text::ascii_lower(raw_name);
    if (name != raw_name) warnings.push_back("policy name was converted to lowercase");
    std::string text = fields::string_or(request.data, "policy");
    if (text.empty() && legacy) {
      text = fields::string_or(request.data, "rules");
      if (!text.empty()) warnings.push_back("'rules' is deprecated, please use 'policy' instead");
    }
    if (text.empty()) throw VaultError::bad_request("'policy' parameter not supplied or empty");
    if (auto decoded = codec::base64_decode(text)) text = *decoded;  // Vault takes base64 policies too
    core_.policies().put(name, text);
    if (warnings.empty()) return VaultResponse::no_content();
    VaultResponse response = VaultResponse::with_data(nullptr);
    response.warnings = warnings;
    return response;
  }

  VaultResponse delete_policy(const std::string& raw_name) {
    core_.policies().remove(text::ascii_lower(raw_name));
    return VaultResponse::no_content();
  }

  VaultResponse capabilities(VaultRequest& request, const std::shared_ptr<const TokenEntry>& token) {
    std::vector<std::string> paths = fields::get_string_list(request.data, "paths").value_or(std::vector<std::string>{});
    if (auto path = fields::get_string(request.data, "path")) {
      auto more = fields::get_string_list(request.data, "path").value_or(std::vector<std::string>{});
      paths.insert(paths.end(), more.begin(), more.end());
    }
    if (paths.empty()) throw VaultError::bad_request("missing paths");
    const CallerIdentity caller = core_.caller_of(*token);
    const Acl acl = core_.acl_for(*token, caller);
    Json data = Json::object();
    std::set<std::string> all;
    for (auto path : paths) {
      while (!path.empty() && path.front() == '/') path.erase(0, 1);
      const std::vector<std::string> names =
          acl.is_root() ? std::vector<std::string>{"root"} : capability_names(acl.capabilities(path, true));
      data[path] = names;
      all.insert(names.begin(), names.end());
    }
    if (paths.size() == 1) {
      data["capabilities"] = data[paths.front()[0] == '/' ? paths.front().substr(1) : paths.front()];
    } else {
      data["capabilities"] = std::vector<std::string>(all.begin(), all.end());
    }
    return VaultResponse::with_data(data);
  }

  static Json lease_json(const Lease& lease) {
    const TimePoint now = Clock::now();
    const auto ttl = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::seconds>(lease.expire_time - now).count());
    return Json{{"id", lease.id},
                {"issue_time", rfc3339_nano(lease.issue_time)},
                {"expire_time", rfc3339_nano(lease.expire_time)},
                {"last_renewal", lease.last_renewal ? Json(rfc3339_nano(*lease.last_renewal)) : Json(nullptr)},
                {"renewable", lease.renewable},
                {"ttl", ttl}};
  }

  VaultResponse lease_lookup(VaultRequest& request) {
    const std::string id = fields::string_or(request.data, "lease_id");
    if (id.empty()) throw VaultError::bad_request("missing lease id");
    const auto lease = core_.leases().lookup(id);
    if (!lease) throw VaultError::bad_request("invalid lease");
    return VaultResponse::with_data(lease_json(*lease));
  }

  VaultResponse lease_list(const std::string& prefix) {
    std::set<std::string> keys;
    for (const auto& id : core_.leases().list(prefix)) {
      const std::string rest = id.substr(prefix.size());
      const auto slash = rest.find('/');
      keys.insert(slash == std::string::npos ? rest : rest.substr(0, slash + 1));
    }
    return VaultResponse::list(std::vector<std::string>(keys.begin(), keys.end()));
  }

  VaultResponse lease_renew(VaultRequest& request, const std::string& from_path) {
    const std::string id = !from_path.empty() ? from_path : fields::string_or(request.data, "lease_id");
    if (id.empty()) throw VaultError::bad_request("lease_id must be specified");
    const std::int64_t increment = fields::get_duration(request.data, "increment").value_or(0);
    const Lease lease = core_.leases().renew(id, increment);
    VaultResponse response;
    response.lease_id = lease.id;
    response.renewable = lease.renewable;
    // The TTL granted at the renewal (Vault: the new Secret.TTL), not what is left of it by now.
    response.lease_duration = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::seconds>(lease.expire_time - lease.last_renewal.value_or(Clock::now()))
               .count());
    if (increment > 0 && response.lease_duration < increment) {
      response.warnings.push_back("TTL of \"" + std::to_string(increment) + "s\" exceeded the effective max_ttl of \"" +
                                  std::to_string(response.lease_duration) + "s\"; TTL value is capped accordingly");
    }
    return response;
  }

  VaultResponse lease_revoke(VaultRequest& request, const std::string& from_path) {
    const std::string id = !from_path.empty() ? from_path : fields::string_or(request.data, "lease_id");
    if (id.empty()) throw VaultError::bad_request("lease_id must be specified");
    if (!core_.leases().lookup(id)) return VaultResponse::no_content();  // Vault: revoking nothing succeeds
    try {
      core_.leases().revoke(id);
    } catch (const VaultError&) {
      throw;
    } catch (const std::exception& e) {
      throw VaultError::internal(std::string("failed to revoke lease: ") + e.what(), 400);
    }
    return VaultResponse::no_content();
  }

  VaultResponse enable_audit(VaultRequest& request, const std::string& raw_path) {
    const std::string type = fields::string_or(request.data, "type");
    if (type.empty()) throw VaultError::bad_request("type is required");
    const Json options = request.data.contains("options") ? request.data["options"] : Json::object();
    core_.audit().enable(normalize_mount_path(raw_path), type, fields::string_or(request.data, "description"), options);
    return VaultResponse::no_content();
  }

  VaultResponse write_quota(VaultRequest& request, const std::string& name) {
    if (auto path = fields::get_string(request.data, "path"); path && !path->empty()) {
      std::string prefix = *path;
      while (!prefix.empty() && prefix.front() == '/') prefix.erase(0, 1);
      if (!core_.mounts().route(prefix)) throw VaultError::bad_request("invalid mount path \"" + *path + "\"");
    }
    core_.quotas().set(name, request.data);
    return VaultResponse::no_content();
  }

  Core& core_;
  PathTable table_;
};

}  // namespace

VaultResponse health_response(const Json& query) {
  VaultResponse response;
  response.raw = true;
  response.status = 200;
  if (auto code = fields::get_int(query, "activecode")) response.status = static_cast<int>(*code);
  static const std::string cluster_id = random_uuid();
  static const std::string cluster_name = "vault-cluster-" + random_hex(8);
  response.data = Json{{"initialized", true},
                       {"sealed", false},
                       {"standby", false},
                       {"performance_standby", false},
                       {"replication_performance_mode", "disabled"},
                       {"replication_dr_mode", "disabled"},
                       {"server_time_utc", unix_now()},
                       {"version", kVersion},
                       {"enterprise", false},
                       {"cluster_name", cluster_name},
                       {"cluster_id", cluster_id},
                       {"echo_duration_ms", 0},
                       {"clock_skew_ms", 0},
                       {"replication_primary_canary_age_ms", 0},
                       {"removed_from_cluster", false}};
  return response;
}

std::shared_ptr<Backend> make_system_backend(Core& core) { return std::make_shared<SystemBackend>(core); }

}  // namespace mcph::mock_vault
