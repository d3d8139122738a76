#pragma once
// Audit devices of type "file": one JSON line per request and per response, in Vault's audit
// entry shape (audit/types.go). Tokens, accessors and every string in request and response data
// are HMAC-SHA256'd with the device's salt ("hmac-sha256:<hex>") unless log_raw is set.
#include <openssl/types.h>

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audited_headers.h"
#include "common.h"
#include "request.h"

namespace mcph::mock_vault {

struct TokenEntry;

// A device's salt: HMAC-SHA256 keyed once. Each use copies the keyed state; OpenSSL 3's one-shot
// HMAC() looks the algorithm up again on every call, under locks every request thread shares,
// and a request's audit entries take a dozen HMACs.
class AuditSalt {
 public:
  explicit AuditSalt(const std::string& key);
  ~AuditSalt();
  AuditSalt(const AuditSalt&) = delete;
  AuditSalt& operator=(const AuditSalt&) = delete;
  // HMAC-SHA256 of data, hex-encoded and prefixed "hmac-sha256:".
  std::string hmac(std::string_view data) const;

 private:
  EVP_MAC_CTX* keyed_;
};

// Everything an audit line may say about one request.
struct AuditRecord {
  const VaultRequest* request = nullptr;
  std::shared_ptr<const TokenEntry> token;  // the caller's, when it had a valid one
  std::vector<std::string> identity_policies;
  bool allowed = false;
  // Response side (type "response" only).
  const VaultResponse* response = nullptr;
  std::string error;
};

class AuditBroker {
 public:
  ~AuditBroker();
  // Throws VaultError 400 for an unknown type, a taken path, or a file that cannot be opened.
  void enable(const std::string& path, const std::string& type, const std::string& description,
              const Json& options);
  bool disable(const std::string& path);
  Json list() const;  // sys/audit data: {"file/": {type, description, options, local, path}}
  bool active() const;
  void log_request(const AuditRecord& record);
  void log_response(const AuditRecord& record);
  // sys/audit-hash: the device's HMAC of input; nullopt for an unknown device.
  std::optional<std::string> hash(const std::string& path, const std::string& input) const;
  // sys/config/auditing/request-headers: the request headers every device's entries carry.
  AuditedHeaders& headers() { return headers_; }

 private:
  // Shared by the device list and the writes in flight: a device disabled meanwhile closes its
  // file once the last of them is done.
  struct Device {
    Device() = default;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    ~Device();
    std::string path;
    std::string type;
    std::string description;
    Json options;
    std::unique_ptr<const AuditSalt> salt;
    bool log_raw = false;
    bool hmac_accessor = true;
    std::FILE* file = nullptr;
    bool owns_file = false;
    std::mutex write_mutex;  // one line at a time into the file
  };
  void write(const std::string& type, const AuditRecord& record);
  Json entry(const Device& device, const std::string& type, const AuditRecord& record) const;

  mutable std::mutex mutex_;  // the device list; entries are built outside it, in parallel
  std::vector<std::shared_ptr<Device>> devices_;
  AuditedHeaders headers_;
};

}  // namespace mcph::mock_vault
