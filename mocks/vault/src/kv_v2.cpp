// KV version 2 (vault-plugin-secrets-kv): versioned data with check-and-set, soft delete,
// undelete, destroy, and per-key metadata.
#include <map>
#include <mutex>
#include <set>

#include "backends.h"
#include "core.h"
#include "field_data.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

constexpr std::int64_t kDefaultMaxVersions = 10;

struct KvVersion {
  Json data;
  TimePoint created{};
  std::optional<TimePoint> deleted;
  bool destroyed = false;
};

struct KvKey {
  std::map<std::int64_t, KvVersion> versions;
  std::int64_t current = 0;
  TimePoint created{};
  TimePoint updated{};
  bool cas_required = false;
  std::int64_t max_versions = 0;
  std::int64_t oldest_version = 0;  // 0 until max_versions drops versions, as in the plugin
  std::int64_t delete_version_after = 0;
  std::map<std::string, std::string> custom_metadata;
};

Json custom_metadata_json(const std::map<std::string, std::string>& map) {
  return map.empty() ? Json(nullptr) : Json(map);
}

std::string duration_string(std::int64_t seconds) { return std::to_string(seconds) + "s"; }

Json version_metadata(const KvKey& key, std::int64_t number, const KvVersion& version) {
  return Json{{"created_time", rfc3339_nano(version.created)},
              {"custom_metadata", custom_metadata_json(key.custom_metadata)},
              {"deletion_time", version.deleted ? rfc3339_nano(*version.deleted) : std::string()},
              {"destroyed", version.destroyed},
              {"version", number}};
}

std::vector<std::int64_t> versions_field(const Json& data) {
  const auto list = fields::get_string_list(data, "versions");
  std::vector<std::int64_t> versions;
  if (list) {
    for (const auto& item : *list) {
      try {
        versions.push_back(std::stoll(item));
      } catch (...) {
        throw VaultError::bad_request("error converting input " + item + " for field \"versions\"");
      }
    }
  }
  if (versions.empty()) throw VaultError::bad_request("No version number provided");
  return versions;
}

class KvV2Backend final : public Backend {
 public:
  explicit KvV2Backend(Core&) {
    table_.add("config", PathOperations()
                             .read([this](VaultRequest&, const Captures&) { return read_config(); })
                             .update([this](VaultRequest& r, const Captures&) { return write_config(r); }));
    table_.add("data/(.+)", PathOperations()
                                .read([this](VaultRequest& r, const Captures& c) { return read_data(r, c[0]); })
                                .update([this](VaultRequest& r, const Captures& c) { return write_data(r, c[0]); })
                                .remove([this](VaultRequest&, const Captures& c) { return delete_latest(c[0]); })
                                .exists([this](const VaultRequest&, const Captures& c) { return key_exists(c[0]); }));
    table_.add("delete/(.+)", PathOperations().update([this](VaultRequest& r, const Captures& c) {
      return mark_versions(c[0], versions_field(r.data), Mark::remove);
    }));
    table_.add("undelete/(.+)", PathOperations().update([this](VaultRequest& r, const Captures& c) {
      return mark_versions(c[0], versions_field(r.data), Mark::restore);
    }));
    table_.add("destroy/(.+)", PathOperations().update([this](VaultRequest& r, const Captures& c) {
      return mark_versions(c[0], versions_field(r.data), Mark::destroy);
    }));
    table_.add("metadata/?(.*)",
               PathOperations()
                   .read([this](VaultRequest&, const Captures& c) { return read_metadata(c[0]); })
                   .list([this](VaultRequest&, const Captures& c) { return list_keys(c[0]); })
                   .update([this](VaultRequest& r, const Captures& c) { return write_metadata(r, c[0]); })
                   .remove([this](VaultRequest&, const Captures& c) { return delete_metadata(c[0]); })
                   .exists([this](const VaultRequest&, const Captures& c) { return key_exists(c[0]); }));
  }

  // A path or operation the engine does not have is not an error but a 404 with a warning that
  // names the `vault kv` subcommand to use (the plugin's pathInvalid, its last path).
  VaultResponse handle(VaultRequest& request) override {
    try {
      return table_.dispatch(request);
    } catch (const VaultError& e) {
      if (e.status() != 404 && e.status() != 405) throw;
      if (e.errors() != VaultError::unsupported_path().errors() &&
          e.errors() != VaultError::unsupported_operation().errors()) {
        throw;
      }
      return invalid_path(request);
    }
  }
  std::optional<bool> exists(const VaultRequest& request) override { return table_.exists(request); }

 private:
  enum class Mark { remove, restore, destroy };

  static VaultResponse invalid_path(const VaultRequest& request) {
    VaultResponse response;
    response.status = 404;
    static const std::set<std::string> roots = {"metadata", "data", "delete", "undelete", "destroy"};
    if (roots.count(request.relative)) {
      response.warnings.push_back("Non-listing operations on the root of a K/V v2 mount are not supported.");
      return response;
    }
    const char* command = "get";
    switch (request.operation) {
      case Operation::create:
      case Operation::update: command = "put"; break;
      case Operation::read: command = "get"; break;
      case Operation::list: command = "list"; break;
      case Operation::delete_op: command = "delete"; break;
    }
    response.warnings.push_back(
        std::string("Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API "
                    "endpoints to use. If using the Vault CLI, use 'vault kv ") +
        command + "' for this operation.");
    return response;
  }

  std::int64_t max_versions_locked(const KvKey& key) const {
    if (key.max_versions > 0) return key.max_versions;
    if (max_versions_ > 0) return max_versions_;
    return kDefaultMaxVersions;
  }

  bool key_exists(const std::string& path) {
    std::lock_guard lock(mutex_);
    return keys_.count(path) != 0;
  }

  VaultResponse read_config() {
    std::lock_guard lock(mutex_);
    return VaultResponse::with_data(Json{{"cas_required", cas_required_},
                                         {"delete_version_after", duration_string(delete_version_after_)},
                                         {"max_versions", max_versions_}});
  }

  VaultResponse write_config(VaultRequest& request) {
    std::lock_guard lock(mutex_);
    if (auto value = fields::get_int(request.data, "max_versions")) max_versions_ = *value;
    if (auto value = fields::get_bool(request.data, "cas_required")) cas_required_ = *value;
    if (auto value = fields::get_duration(request.data, "delete_version_after")) delete_version_after_ = *value;
    return VaultResponse::no_content();
  }

  VaultResponse read_data(VaultRequest& request, const std::string& path) {
    const std::int64_t wanted = fields::get_int(request.data, "version").value_or(0);
    std::lock_guard lock(mutex_);
    const auto found = keys_.find(path);
    if (found == keys_.end()) throw VaultError::not_found();
    const KvKey& key = found->second;
    const std::int64_t number = wanted > 0 ? wanted : key.current;
    const auto version = key.versions.find(number);
    if (version == key.versions.end()) throw VaultError::not_found();
    Json data{{"data", nullptr}, {"metadata", version_metadata(key, number, version->second)}};
    VaultResponse response;
    if (version->second.deleted || version->second.destroyed) {
      // Deleted or destroyed: 404 with the envelope and data.data null (sdk/logical/response.go).
      response.status = 404;
    } else {
      data["data"] = version->second.data;
    }
    response.data = std::move(data);
    return response;
  }

  VaultResponse write_data(VaultRequest& request, const std::string& path) {
    const Json& body = request.data;
    if (!body.contains("data") || body["data"].is_null()) throw VaultError::bad_request("no data provided");
    if (!body["data"].is_object()) {
      throw VaultError::bad_request("error converting input for field \"data\": expected a map");
    }
    std::optional<std::int64_t> cas;
    if (body.contains("options") && body["options"].is_object()) cas = fields::get_int(body["options"], "cas");

    std::lock_guard lock(mutex_);
    const auto existing = keys_.find(path);
    const std::int64_t current = existing == keys_.end() ? 0 : existing->second.current;
    const bool key_requires_cas = existing != keys_.end() && existing->second.cas_required;
    if ((key_requires_cas || cas_required_) && !cas) {
      throw VaultError::bad_request("check-and-set parameter required for this call");
    }
    if (cas && *cas != current) {
      throw VaultError::bad_request("check-and-set parameter did not match the current version");
    }
    const TimePoint now = Clock::now();
    if (existing == keys_.end()) keys_[path].created = now;
    KvKey& key = keys_[path];
    const std::int64_t number = key.current + 1;
    key.versions[number] = KvVersion{body["data"], now, std::nullopt, false};
    key.current = number;
    key.updated = now;
    const std::int64_t max_versions = max_versions_locked(key);
    while (static_cast<std::int64_t>(key.versions.size()) > max_versions) {
      key.versions.erase(key.versions.begin());
      key.oldest_version = key.versions.begin()->first;
    }
    return VaultResponse::with_data(version_metadata(key, number, key.versions.at(number)));
  }

  VaultResponse delete_latest(const std::string& path) {
    std::lock_guard lock(mutex_);
    const auto found = keys_.find(path);
    if (found == keys_.end()) return VaultResponse::no_content();
    auto version = found->second.versions.find(found->second.current);
    if (version != found->second.versions.end() && !version->second.deleted && !version->second.destroyed) {
      version->second.deleted = Clock::now();
      found->second.updated = Clock::now();
    }
    return VaultResponse::no_content();
  }

  VaultResponse mark_versions(const std::string& path, const std::vector<std::int64_t>& numbers, Mark mark) {
    std::lock_guard lock(mutex_);
    const auto found = keys_.find(path);
    if (found == keys_.end()) return VaultResponse::no_content();
    for (const auto number : numbers) {
      const auto version = found->second.versions.find(number);
      if (version == found->second.versions.end()) continue;
      KvVersion& entry = version->second;
      switch (mark) {
        case Mark::remove:
          if (!entry.deleted && !entry.destroyed) entry.deleted = Clock::now();
          break;
        case Mark::restore:
          if (!entry.destroyed) entry.deleted.reset();
          break;
        case Mark::destroy:
          entry.destroyed = true;
          entry.data = nullptr;
          break;
      }
    }
    found->second.updated = Clock::now();
    return VaultResponse::no_content();
  }

  VaultResponse read_metadata(const std::string& path) {
    std::lock_guard lock(mutex_);
    const auto found = keys_.find(path);
    if (found == keys_.end()) throw VaultError::not_found();
    const KvKey& key = found->second;
    Json versions = Json::object();
    for (const auto& [number, version] : key.versions) {
      versions[std::to_string(number)] =
          Json{{"created_time", rfc3339_nano(version.created)},
               {"deletion_time", version.deleted ? rfc3339_nano(*version.deleted) : std::string()},
               {"destroyed", version.destroyed}};
    }
    return VaultResponse::with_data(Json{
        {"cas_required", key.cas_required},
        {"created_time", rfc3339_nano(key.created)},
        {"current_version", key.current},
        {"custom_metadata", custom_metadata_json(key.custom_metadata)},
        {"delete_version_after", duration_string(key.delete_version_after)},
        {"max_versions", key.max_versions},
        {"oldest_version", key.oldest_version},
        {"updated_time", rfc3339_nano(key.updated)},
        {"versions", versions},
    });
  }

  VaultResponse list_keys(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    std::set<std::string> keys;
    for (auto it = keys_.lower_bound(prefix); it != keys_.end() && starts_with(it->first, prefix); ++it) {
      const std::string rest = it->first.substr(prefix.size());
      const auto slash = rest.find('/');
      keys.insert(slash == std::string::npos ? rest : rest.substr(0, slash + 1));
    }
    return VaultResponse::list(std::vector<std::string>(keys.begin(), keys.end()));
  }

  VaultResponse write_metadata(VaultRequest& request, const std::string& path) {
    if (path.empty()) throw VaultError::bad_request("missing path");
    std::lock_guard lock(mutex_);
    const bool is_new = keys_.count(path) == 0;
    KvKey& key = keys_[path];
    if (is_new) key.created = key.updated = Clock::now();
    if (auto value = fields::get_int(request.data, "max_versions")) key.max_versions = *value;
    if (auto value = fields::get_bool(request.data, "cas_required")) key.cas_required = *value;
    if (auto value = fields::get_duration(request.data, "delete_version_after")) key.delete_version_after = *value;
    if (auto value = fields::get_string_map(request.data, "custom_metadata")) key.custom_metadata = *value;
    return VaultResponse::no_content();
  }

  VaultResponse delete_metadata(const std::string& path) {
    std::lock_guard lock(mutex_);
    keys_.erase(path);
    return VaultResponse::no_content();
  }

  PathTable table_;
  std::mutex mutex_;
  std::map<std::string, KvKey> keys_;
  std::int64_t max_versions_ = 0;
  bool cas_required_ = false;
  std::int64_t delete_version_after_ = 0;
};

// KV version 1: plain path → data.
class KvV1Backend final : public Backend {
 public:
  VaultResponse handle(VaultRequest& request) override {
    const std::string& path = request.relative;
    std::lock_guard lock(mutex_);
    switch (request.operation) {
      case Operation::read: {
        const auto found = data_.find(path);
        if (found == data_.end()) throw VaultError::not_found();
        return VaultResponse::with_data(found->second);
      }
      case Operation::list: {
        std::set<std::string> keys;
        for (auto it = data_.lower_bound(path); it != data_.end() && starts_with(it->first, path); ++it) {
          const std::string rest = it->first.substr(path.size());
          const auto slash = rest.find('/');
          keys.insert(slash == std::string::npos ? rest : rest.substr(0, slash + 1));
        }
        return VaultResponse::list(std::vector<std::string>(keys.begin(), keys.end()));
      }
      case Operation::create:
      case Operation::update:
        if (path.empty()) throw VaultError::unsupported_path();
        data_[path] = request.data;
        return VaultResponse::no_content();
      case Operation::delete_op:
        data_.erase(path);
        return VaultResponse::no_content();
    }
    throw VaultError::unsupported_operation();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Json> data_;
};

}  // namespace

std::shared_ptr<Backend> make_kv_v2_backend(Core& core) { return std::make_shared<KvV2Backend>(core); }
std::shared_ptr<Backend> make_kv_v1_backend(Core&) { return std::make_shared<KvV1Backend>(); }

}  // namespace mcph::mock_vault
