#pragma once
// Per-subject token bucket: `limit` calls per `window`, refilled continuously.
#include <chrono>
#include <cstddef>
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
  std::optional<std::chrono::seconds> acquire(const std::string& subject, Clock::time_point now = Clock::now()) {
    return acquire(subject, 1, now);
  }
  // The same for `calls` calls at once (a JSON-RPC batch's requests): all of them, or none. More
  // than the limit never go ahead; the wait is then a whole window.
  std::optional<std::chrono::seconds> acquire(const std::string& subject, std::size_t calls,
                                              Clock::time_point now = Clock::now());

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
