#pragma once
// Which request headers audit entries carry (Vault's audit.HeadersConfig, configured at
// sys/config/auditing/request-headers): names are kept lowercase, each with whether its values
// are HMAC'd. correlation-id, x-correlation-id and user-agent are there from the start, in the
// clear, as in Vault 1.21.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_vault {

class AuditedHeaders {
 public:
  AuditedHeaders();
  void add(const std::string& name, bool hmac);
  void remove(const std::string& name);
  std::optional<bool> hmac_of(const std::string& name) const;  // nullopt: not audited
  Json all() const;  // {"<name>": {"hmac": bool}}
  // The configured headers among `headers` (names in any case, a name given more than once keeps
  // every value in order): {"<lowercase name>": ["value", ...]}, a value HMAC'd by `hash` when
  // its header says so.
  template <typename Hash>
  Json apply(const std::vector<std::pair<std::string, std::string>>& headers, Hash&& hash) const {
    std::lock_guard lock(mutex_);
    Json out = Json::object();
    for (const auto& [name, value] : headers) {
      const auto setting = settings_.find(text::ascii_lower(name));
      if (setting == settings_.end()) continue;
      out[setting->first].push_back(setting->second ? hash(value) : value);
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, bool> settings_;
};

}  // namespace mcph::mock_vault
