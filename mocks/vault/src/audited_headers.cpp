#include "audited_headers.h"

#include "mcph/text/ascii_case.h"

namespace mcph::mock_vault {

AuditedHeaders::AuditedHeaders()
    : settings_{{"correlation-id", false}, {"x-correlation-id", false}, {"user-agent", false}} {}

void AuditedHeaders::add(const std::string& name, bool hmac) {
  std::lock_guard lock(mutex_);
  settings_[text::ascii_lower(name)] = hmac;
}

void AuditedHeaders::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  settings_.erase(text::ascii_lower(name));
}

std::optional<bool> AuditedHeaders::hmac_of(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = settings_.find(text::ascii_lower(name));
  if (it == settings_.end()) return std::nullopt;
  return it->second;
}

Json AuditedHeaders::all() const {
  std::lock_guard lock(mutex_);
  Json out = Json::object();
  for (const auto& [name, hmac] : settings_) out[name] = Json{{"hmac", hmac}};
  return out;
}

}  // namespace mcph::mock_vault
