#include "audit_log.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "field_data.h"
#include "token_store.h"
#include "vault_error.h"

namespace mcph::mock_vault {
namespace {

// Every string leaf is replaced by its HMAC; numbers, booleans and null stay.
Json hash_strings(const Json& value, const AuditSalt& salt) {
  if (value.is_string()) return salt.hmac(value.get_ref<const std::string&>());
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& element : value) out.push_back(hash_strings(element, salt));
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, element] : value.items()) out[key] = hash_strings(element, salt);
    return out;
  }
  return value;
}

void set_if(Json& object, const char* key, const Json& value) {
  if (value.is_null()) return;
  if (value.is_string() && value.get<std::string>().empty()) return;
  if ((value.is_array() || value.is_object()) && value.empty()) return;
  if (value.is_boolean() && !value.get<bool>()) return;
  if (value.is_number() && value.get<double>() == 0) return;
  object[key] = value;
}

}  // namespace

AuditSalt::AuditSalt(const std::string& key) {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  keyed_ = hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac);
  if (keyed_ == nullptr ||
      EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1) {
    EVP_MAC_CTX_free(keyed_);
    throw std::runtime_error("audit: cannot key HMAC-SHA256");
  }
}

AuditSalt::~AuditSalt() { EVP_MAC_CTX_free(keyed_); }

std::string AuditSalt::hmac(std::string_view data) const {
  // A copy per use: the keyed context is only read (const), so request threads share it.
  EVP_MAC_CTX* context = EVP_MAC_CTX_dup(keyed_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  const bool done = context != nullptr &&
                    EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
                    EVP_MAC_final(context, digest, &length, sizeof digest) == 1;
  EVP_MAC_CTX_free(context);
  if (!done) throw std::runtime_error("audit: HMAC-SHA256 failed");
  return "hmac-sha256:" + hex_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

AuditBroker::Device::~Device() {
  if (owns_file && file != nullptr) std::fclose(file);
}

AuditBroker::~AuditBroker() = default;

void AuditBroker::enable(const std::string& path, const std::string& type, const std::string& description,
                         const Json& options) {
  if (type != "file") throw VaultError::bad_request("unknown backend type: \"" + type + "\"");
  const std::string file_path = fields::string_or(options, "file_path", fields::string_or(options, "path"));
  if (file_path.empty()) {
    throw VaultError::bad_request("file_path is required");
  }
  auto device = std::make_shared<Device>();
  device->path = path;
  device->type = type;
  device->description = description;
  device->options = options.is_object() ? options : Json::object();
  device->salt = std::make_unique<const AuditSalt>(random_bytes(32));
  device->log_raw = fields::get_bool(options, "log_raw").value_or(false);
  device->hmac_accessor = fields::get_bool(options, "hmac_accessor").value_or(true);
  if (file_path == "stdout") {
    device->file = stdout;
  } else if (file_path == "discard") {
    device->file = nullptr;
  } else {
    device->file = std::fopen(file_path.c_str(), "a");
    if (device->file == nullptr) {
      throw VaultError::bad_request("sanity check failed; unable to open \"" + file_path +
                                    "\" for writing: " + std::strerror(errno));
    }
    ::chmod(file_path.c_str(), 0600);
    device->owns_file = true;
  }
  std::lock_guard lock(mutex_);
  for (const auto& existing : devices_) {
    if (existing->path == path) throw VaultError::bad_request("path already in use");
  }
  devices_.push_back(std::move(device));
}

bool AuditBroker::disable(const std::string& path) {
  std::lock_guard lock(mutex_);
  for (auto it = devices_.begin(); it != devices_.end(); ++it) {
    if ((*it)->path != path) continue;
    devices_.erase(it);
    return true;
  }
  return false;
}

Json AuditBroker::list() const {
  std::lock_guard lock(mutex_);
  Json out = Json::object();
  for (const auto& device : devices_) {
    out[device->path] = Json{{"type", device->type},
                             {"description", device->description},
                             {"options", device->options},
                             {"local", false},
                             {"path", device->path}};
  }
  return out;
}

bool AuditBroker::active() const {
  std::lock_guard lock(mutex_);
  return !devices_.empty();
}

std::optional<std::string> AuditBroker::hash(const std::string& path, const std::string& input) const {
  std::lock_guard lock(mutex_);
  for (const auto& device : devices_) {
    if (device->path == path) return device->salt->hmac(input);
  }
  return std::nullopt;
}

Json AuditBroker::entry(const Device& device, const std::string& type, const AuditRecord& record) const {
  const bool raw = device.log_raw;
  auto secret = [&](const std::string& value) -> Json {
    if (value.empty()) return "";
    return raw ? Json(value) : Json(device.salt->hmac(value));
  };
  auto accessor = [&](const std::string& value) -> Json {
    if (value.empty()) return "";
    return raw || !device.hmac_accessor ? Json(value) : Json(device.salt->hmac(value));
  };
  const VaultRequest& request = *record.request;
  Json entry = Json::object();
  entry["time"] = rfc3339_nano(Clock::now());
  entry["type"] = type;

  Json auth = Json::object();
  if (record.token) {
    const TokenEntry& token = *record.token;
    std::vector<std::string> policies = token.policies;
    policies.insert(policies.end(), record.identity_policies.begin(), record.identity_policies.end());
    policies = fields::sanitize_policies(policies, false);
    set_if(auth, "client_token", secret(token.id));
    set_if(auth, "accessor", accessor(token.accessor));
    set_if(auth, "display_name", token.display_name);
    set_if(auth, "policies", policies);
    set_if(auth, "token_policies", token.policies);
    set_if(auth, "identity_policies", record.identity_policies);
    set_if(auth, "metadata", token.meta.empty() ? Json(nullptr) : Json(token.meta));
    set_if(auth, "entity_id", token.entity_id);
    auth["token_type"] = "service";
    set_if(auth, "token_ttl", token.creation_ttl);
    set_if(auth, "token_issue_time", rfc3339(token.issue_time));
    auth["policy_results"] = Json{{"allowed", record.allowed}};
  } else if (record.allowed) {
    auth["policy_results"] = Json{{"allowed", true}};
  }
  set_if(entry, "auth", auth);

  Json req = Json::object();
  set_if(req, "id", request.id);
  req["operation"] = std::string(operation_name(request.operation));
  set_if(req, "mount_point", request.mount_point);
  set_if(req, "mount_type", request.mount_type);
  set_if(req, "mount_accessor", request.mount_accessor);
  set_if(req, "client_token", secret(request.client_token));
  if (record.token) set_if(req, "client_token_accessor", accessor(record.token->accessor));
  req["namespace"] = Json{{"id", "root"}};
  req["path"] = request.path;
  if (request.data.is_object() && !request.data.empty()) {
    req["data"] = raw ? request.data : hash_strings(request.data, *device.salt);
  }
  // Configured headers are HMAC'd by their own setting, log_raw or not (audit/headers.go).
  set_if(req, "headers", headers_.apply(request.headers, [&](const std::string& value) {
           return device.salt->hmac(value);
         }));
  set_if(req, "remote_address", request.remote_address);
  set_if(req, "remote_port", request.remote_port);
  entry["request"] = req;

  if (type == "response" && record.response != nullptr) {
    const VaultResponse& response = *record.response;
    Json resp = Json::object();
    set_if(resp, "mount_point", request.mount_point);
    set_if(resp, "mount_type", request.mount_type);
    set_if(resp, "mount_accessor", request.mount_accessor);
    if (response.auth.is_object()) {
      Json response_auth = response.auth;
      if (response_auth.contains("client_token")) {
        response_auth["client_token"] = secret(response_auth["client_token"].get<std::string>());
      }
      if (response_auth.contains("accessor")) {
        response_auth["accessor"] = accessor(response_auth["accessor"].get<std::string>());
      }
      resp["auth"] = response_auth;
    }
    if (!response.lease_id.empty()) resp["secret"] = Json{{"lease_id", response.lease_id}};
    if (!response.raw && response.data.is_object() && !response.data.empty()) {
      resp["data"] = raw ? response.data : hash_strings(response.data, *device.salt);
    }
    set_if(resp, "warnings", response.warnings);
    set_if(entry, "response", resp);
  }
  set_if(entry, "error", record.error);
  return entry;
}

// The entries (HMACs, JSON) are built outside any lock: under the list's lock, every request of
// a busy Vault queued behind the others' entries.
void AuditBroker::write(const std::string& type, const AuditRecord& record) {
  std::vector<std::shared_ptr<Device>> devices;
  {
    std::lock_guard lock(mutex_);
    devices = devices_;
  }
  for (const auto& device : devices) {
    if (device->file == nullptr) continue;
    const std::string line = entry(*device, type, record).dump() + "\n";
    std::lock_guard lock(device->write_mutex);
    std::fwrite(line.data(), 1, line.size(), device->file);
    std::fflush(device->file);
  }
}

void AuditBroker::log_request(const AuditRecord& record) { write("request", record); }
void AuditBroker::log_response(const AuditRecord& record) { write("response", record); }

}  // namespace mcph::mock_vault
