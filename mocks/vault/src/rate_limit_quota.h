#pragma once
// Rate-limit quotas (sys/quotas/rate-limit): the most specific quota whose path covers the request
// (global "", a mount, or a path prefix) counts requests per client address in fixed windows of
// `interval`; past `rate`, requests get 429 until the window (or block_interval) ends.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace mcph::mock_vault {

struct QuotaDenial {
  std::string message;  // Vault's error text
  std::int64_t retry_after_seconds = 1;
  std::int64_t limit = 0;
  bool headers = false;  // sys/quotas/config enable_rate_limit_response_headers
};

class QuotaManager {
 public:
  QuotaManager();
  // Throws VaultError 400 for invalid fields.
  void set(const std::string& name, const Json& request);
  std::optional<Json> read(const std::string& name) const;
  void remove(const std::string& name);
  std::vector<std::string> names() const;
  Json config() const;
  void set_config(const Json& request);
  // nullopt when the request may proceed.
  std::optional<QuotaDenial> check(const std::string& path, const std::string& client_address);

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Window {
    SteadyTime start{};
    std::int64_t count = 0;
    SteadyTime blocked_until{};
  };
  struct Quota {
    std::string name;
    std::string path;
    double rate = 0;
    std::int64_t interval = 1;
    std::int64_t block_interval = 0;
    std::map<std::string, Window> windows;  // per client address
  };
  bool exempt(const std::string& path) const;

  mutable std::mutex mutex_;
  std::map<std::string, Quota> quotas_;
  std::vector<std::string> exempt_paths_;
  bool response_headers_ = false;
  bool audit_logging_ = false;
};

}  // namespace mcph::mock_vault
