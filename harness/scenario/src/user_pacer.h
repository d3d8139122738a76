#pragma once
// Keeps the runner's own requests within the per-user rate limit the stack's MCP servers state
// (a stack file's "rate_limit": "20/1000ms"), so that a scenario meets the limit only where it
// means to: in a burst. Without it, a fast build sends one user's requests of consecutive
// scenarios, and of consecutive files, faster than the limit, and an isolation scenario gets a
// 429 it did not earn.
//
// It mirrors the servers' token bucket, one per server and subject, a little stricter than the
// server's (one request less of burst, 90 % of the refill) for the time between sending a
// request and its reaching the server's limiter. It paces; it never retries, so a server that
// refuses a paced request still fails the step. One thread uses it.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "mcph/harness/stack_params.h"

namespace mcph::harness {

class UserPacer {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  using Sleep = std::function<void(Clock::duration)>;

  UserPacer();  // the steady clock and this thread's sleep
  UserPacer(Now now, Sleep sleep);

  // Waits until `subject` may send `requests` more to `server`, which limits as `limit` says,
  // and counts them. Returns how long it waited; a limit of none never waits.
  Clock::duration take(const std::string& server, const std::string& subject, const RateLimit& limit,
                       int requests = 1);
  // What the answer says of the server's bucket: a refusal before the limiter (401, 403) did
  // not count there, so the requests are given back; a 429 means the bucket is empty now.
  void answered(const std::string& server, const std::string& subject, const RateLimit& limit, int http_status,
                int requests = 1);
  // A burst may have emptied the server's bucket: the next request waits for a refill.
  void used_up(const std::string& server, const std::string& subject, const RateLimit& limit);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  // The subject's bucket at the server, refilled up to now.
  Bucket& refilled(const std::string& server, const std::string& subject, const RateLimit& limit);

  Now now_;
  Sleep sleep_;
  std::map<std::pair<std::string, std::string>, Bucket> buckets_;
};

}  // namespace mcph::harness
