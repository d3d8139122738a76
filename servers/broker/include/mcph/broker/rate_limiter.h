#pragma once
// Per-subject token bucket: `limit` calls per `window`, refilled continuously.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace mcph::broker {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // limit <= 0 disables limiting.
  RateLimiter(int limit, std::chrono::milliseconds window);

  // nullopt when the call may go ahead; otherwise how long to wait (whole seconds, at least 1,
  // for Retry-After).
  std::optional<std::chrono::seconds> acquire(const std::string& subject, Clock::time_point now = Clock::now());

  int limit() const { return limit_; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  int limit_;
  std::chrono::milliseconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace mcph::broker
