#include "user_pacer.h"

#include <algorithm>
#include <thread>

namespace mcph::harness {
namespace {

// The margins of the header: one request less of burst, 90 % of the refill.
double capacity_of(const RateLimit& limit) { return std::max(1, limit.requests - 1); }

double refill_per_second(const RateLimit& limit) {
  return 0.9 * limit.requests / std::chrono::duration<double>(limit.window).count();
}

}  // namespace

UserPacer::UserPacer() : UserPacer(Clock::now, [](Clock::duration wait) { std::this_thread::sleep_for(wait); }) {}

UserPacer::UserPacer(Now now, Sleep sleep) : now_(std::move(now)), sleep_(std::move(sleep)) {}

UserPacer::Bucket& UserPacer::refilled(const std::string& server, const std::string& subject, const RateLimit& limit) {
  const Clock::time_point now = now_();
  auto [it, fresh] = buckets_.try_emplace({server, subject}, Bucket{capacity_of(limit), now});
  Bucket& bucket = it->second;
  if (!fresh && now > bucket.updated) {
    const double seconds = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(capacity_of(limit), bucket.tokens + seconds * refill_per_second(limit));
    bucket.updated = now;
  }
  return bucket;
}

UserPacer::Clock::duration UserPacer::take(const std::string& server, const std::string& subject,
                                           const RateLimit& limit, int requests) {
  if (limit.requests <= 0 || requests <= 0) return Clock::duration::zero();
  const double wanted = std::min<double>(requests, capacity_of(limit));
  Bucket* bucket = &refilled(server, subject, limit);
  Clock::duration waited = Clock::duration::zero();
  if (bucket->tokens < wanted) {
    const auto wait = std::chrono::ceil<Clock::duration>(
        std::chrono::duration<double>((wanted - bucket->tokens) / refill_per_second(limit)));
    sleep_(wait);
    waited = wait;
    bucket = &refilled(server, subject, limit);
  }
  bucket->tokens = std::max(0.0, bucket->tokens - wanted);
  return waited;
}

void UserPacer::answered(const std::string& server, const std::string& subject, const RateLimit& limit,
                         int http_status, int requests) {
  if (limit.requests <= 0) return;
  if (http_status == 401 || http_status == 403) {
    Bucket& bucket = refilled(server, subject, limit);
    bucket.tokens = std::min(capacity_of(limit), bucket.tokens + requests);
  } else if (http_status == 429) {
    used_up(server, subject, limit);
  }
}

void UserPacer::used_up(const std::string& server, const std::string& subject, const RateLimit& limit) {
  if (limit.requests <= 0) return;
  refilled(server, subject, limit).tokens = 0;
}

}  // namespace mcph::harness
