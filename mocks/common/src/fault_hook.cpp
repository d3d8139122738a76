#include "mcph/mock_backend/fault_hook.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace mcph::mock_backend {

void FaultHook::set(int status, std::int64_t count) {
  if (status < kMinStatus || status > kMaxStatus) {
    throw std::invalid_argument("status must be " + std::to_string(kMinStatus) + " to " + std::to_string(kMaxStatus));
  }
  if (count < 0) throw std::invalid_argument("count must not be negative (0: until cleared)");
  std::lock_guard lock(mutex_);
  status_ = status;
  remaining_ = count;
}

void FaultHook::clear() {
  std::lock_guard lock(mutex_);
  status_ = 0;
  remaining_ = 0;
}

std::optional<int> FaultHook::take() {
  std::lock_guard lock(mutex_);
  if (status_ == 0) return std::nullopt;
  const int status = status_;
  if (remaining_ > 0 && --remaining_ == 0) status_ = 0;  // the last of N
  return status;
}

std::string FaultHook::to_json() const {
  std::lock_guard lock(mutex_);
  if (status_ == 0) return "{}";
  return nlohmann::json{{"status", status_}, {"remaining", remaining_ > 0 ? nlohmann::json(remaining_) : nullptr}}.dump();
}

}  // namespace mcph::mock_backend
