#include "rate_limit_quota.h"

#include <cmath>

#include "field_data.h"
#include "vault_error.h"

namespace mcph::mock_vault {

QuotaManager::QuotaManager()
    : exempt_paths_{"sys/generate-recovery-token/attempt", "sys/generate-recovery-token/update",
                    "sys/generate-root/attempt", "sys/generate-root/update", "sys/health", "sys/seal-status",
                    "sys/unseal"} {}

void QuotaManager::set(const std::string& name, const Json& request) {
  std::lock_guard lock(mutex_);
  Quota quota;
  if (const auto found = quotas_.find(name); found != quotas_.end()) quota = found->second;
  quota.name = name;
  if (fields::has(request, "rate")) {
    const Json& rate = request.at("rate");
    double value = 0;
    if (rate.is_number()) {
      value = rate.get<double>();
    } else if (rate.is_string()) {
      try {
        value = std::stod(rate.get<std::string>());
      } catch (...) {
        value = 0;
      }
    }
    quota.rate = value;
  }
  if (!(quota.rate > 0) || !std::isfinite(quota.rate)) throw VaultError::bad_request("'rate' is invalid");
  if (auto interval = fields::get_duration(request, "interval")) {
    if (*interval < 0) throw VaultError::bad_request("'interval' is invalid");
    quota.interval = *interval == 0 ? 1 : *interval;
  }
  if (auto block = fields::get_duration(request, "block_interval")) {
    if (*block < 0) throw VaultError::bad_request("'block_interval' is invalid");
    quota.block_interval = *block;
  }
  if (auto path = fields::get_string(request, "path")) {
    std::string value = *path;
    while (!value.empty() && value.front() == '/') value.erase(0, 1);
    quota.path = value;
  }
  quota.windows.clear();
  quotas_[name] = quota;
}

std::optional<Json> QuotaManager::read(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto found = quotas_.find(name);
  if (found == quotas_.end()) return std::nullopt;
  const Quota& quota = found->second;
  return Json{{"name", quota.name},
              {"path", quota.path},
              {"type", "rate-limit"},
              {"rate", quota.rate},
              {"interval", quota.interval},
              {"block_interval", quota.block_interval},
              {"role", ""},
              {"inheritable", false}};
}

void QuotaManager::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  quotas_.erase(name);
}

std::vector<std::string> QuotaManager::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, quota] : quotas_) names.push_back(name);
  return names;
}

Json QuotaManager::config() const {
  std::lock_guard lock(mutex_);
  return Json{{"enable_rate_limit_audit_logging", audit_logging_},
              {"enable_rate_limit_response_headers", response_headers_},
              {"rate_limit_exempt_paths", exempt_paths_},
              {"absolute_rate_limit_exempt_paths", Json::array()}};
}

void QuotaManager::set_config(const Json& request) {
  std::lock_guard lock(mutex_);
  if (auto headers = fields::get_bool(request, "enable_rate_limit_response_headers")) response_headers_ = *headers;
  if (auto audit = fields::get_bool(request, "enable_rate_limit_audit_logging")) audit_logging_ = *audit;
  if (auto paths = fields::get_string_list(request, "rate_limit_exempt_paths")) exempt_paths_ = *paths;
}

bool QuotaManager::exempt(const std::string& path) const {
  for (const auto& prefix : exempt_paths_) {
    if (starts_with(path, prefix)) return true;
  }
  return false;
}

std::optional<QuotaDenial> QuotaManager::check(const std::string& path, const std::string& client_address) {
  std::lock_guard lock(mutex_);
  if (quotas_.empty() || exempt(path)) return std::nullopt;
  Quota* best = nullptr;
  for (auto& [name, quota] : quotas_) {
    std::string prefix = quota.path;
    if (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
    const bool covers = prefix.empty() || starts_with(path, prefix) || path + "/" == prefix;
    if (covers && (best == nullptr || prefix.size() > best->path.size())) best = &quota;
  }
  if (best == nullptr) return std::nullopt;

  const auto now = std::chrono::steady_clock::now();
  Window& window = best->windows[client_address];
  const auto interval = std::chrono::seconds(best->interval);
  QuotaDenial denial;
  denial.message = "request path \"" + path + "\": rate limit quota exceeded";
  denial.limit = static_cast<std::int64_t>(best->rate);
  denial.headers = response_headers_;
  if (window.blocked_until > now) {
    denial.retry_after_seconds =
        std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(window.blocked_until - now).count());
    return denial;
  }
  if (window.start == std::chrono::steady_clock::time_point{} || now - window.start >= interval) {
    window.start = now;
    window.count = 0;
  }
  if (static_cast<double>(window.count) + 1 > best->rate) {
    if (best->block_interval > 0) window.blocked_until = now + std::chrono::seconds(best->block_interval);
    const auto until = best->block_interval > 0 ? window.blocked_until : window.start + interval;
    denial.retry_after_seconds = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(until - now).count());
    return denial;
  }
  window.count += 1;
  return std::nullopt;
}

}  // namespace mcph::mock_vault
