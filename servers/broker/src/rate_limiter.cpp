#include "mcph/broker/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "mcph/sync/elapsed.h"

namespace mcph::broker {

RateLimiter::RateLimiter(int limit, std::chrono::milliseconds window) : limit_(limit), window_(window) {}

std::optional<std::chrono::seconds> RateLimiter::acquire(const std::string& subject, std::size_t calls,
                                                         Clock::time_point now) {
  if (limit_ <= 0 || calls == 0) return std::nullopt;
  if (calls > static_cast<std::size_t>(limit_)) {
    return std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(static_cast<double>(window_.count()) / 1000.0))));
  }
  const double wanted = static_cast<double>(calls);
  const double per_ms = static_cast<double>(limit_) / static_cast<double>(std::max<long>(1, window_.count()));
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(subject, Bucket{static_cast<double>(limit_), now});
  Bucket& bucket = it->second;
  // `now` is read before the lock, so a thread may come in with an earlier time than the last
  // one: the bucket's clock never goes back, or the time between would be credited twice.
  if (!fresh && now > bucket.updated) {
    const double elapsed_ms = sync::ms_between(bucket.updated, now);
    bucket.tokens = std::min<double>(limit_, bucket.tokens + elapsed_ms * per_ms);
    bucket.updated = now;
  }
  if (bucket.tokens >= wanted) {
    bucket.tokens -= wanted;
    return std::nullopt;
  }
  const double wait_ms = (wanted - bucket.tokens) / per_ms;
  return std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(wait_ms / 1000.0))));
}

}  // namespace mcph::broker
