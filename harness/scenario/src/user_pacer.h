#pragma once
// Keeps the runner's own requests within the per-user rate limit the stack's MCP servers state
// (a stack file's "rate_limit": "20/1000ms"), so that a scenario meets the limit only where it
// means to: in a burst. Without it, a fast build sends one user's requests of consecutive
// scenarios, and of consecutive files, faster than the limit, and an isolation scenario gets a
// 429 it did not earn.
//
// It mirrors the servers' token bucket, one per server and subject, a little stricter than the
// server's (one request less of burst, 90 % of the refill) for the time between sending a
// request and its reaching the server's limiter. A request reserves its allowance and then
// waits for it, so runners that share the buckets take turns; when another runner's burst
// empties the bucket meanwhile, it reserves again behind the burst. It paces; it never retries,
// so a server that refuses a paced request still fails the step.
//
// A subject is a user, an agent, or a budget several callers share (a server's limit on the
// requests it refuses from one address: the step executor's pace()).
//
// With a shared directory, the buckets are files there, each read and written under flock(2):
// runners in several processes on one stack (ctest runs each scenario in a process of its own,
// several at a time) then pace together. The files are named by a hash of server and subject (a
// subject may be an opaque token). Without one, or when the directory cannot be used, the
// buckets are this object's alone.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "mcph/harness/stack/stack_params.h"

namespace mcph::harness::scenario {

class UserPacer {
 public:
  using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC: one clock for every process
  using Now = std::function<Clock::time_point()>;
  using Sleep = std::function<void(Clock::duration)>;

  explicit UserPacer(std::filesystem::path shared_dir = {});  // the steady clock, this thread's sleep
  UserPacer(std::filesystem::path shared_dir, Now now, Sleep sleep);

  // Waits until `subject` may send `requests` more to `server`, which limits as `limit` says,
  // and counts them. Returns how long it waited; a limit of none never waits.
  Clock::duration take(const std::string& server, const std::string& subject, const stack::RateLimit& limit,
                       int requests = 1);
  // What the answer says of the server's bucket: a refusal before the limiter (401: no verified
  // caller to charge) did not count there, so the requests are given back; a 403 refuses a caller
  // already verified, whom a limiter keyed on the caller has charged (an insufficient_scope comes
  // after it), so it stays taken; a 429 means the bucket is empty now.
  void answered(const std::string& server, const std::string& subject, const stack::RateLimit& limit, int http_status,
                int requests = 1);
  // Requests taken that the server did not count: their allowance is back.
  void give_back(const std::string& server, const std::string& subject, const stack::RateLimit& limit, int requests);
  // A burst may have emptied the server's bucket: the next request waits for a refill.
  void used_up(const std::string& server, const std::string& subject, const stack::RateLimit& limit);

 private:
  struct Bucket {
    double tokens = 0;  // below zero: allowance reserved ahead, which the takers wait for
    std::int64_t updated_ns = 0;
    std::int64_t emptied_ns = 0;  // when a burst last emptied it (used_up)
  };
  // Refills the subject's bucket at the server up to now and applies `change` to it, under the
  // shared file's lock when there is one.
  void change_bucket(const std::string& server, const std::string& subject, const stack::RateLimit& limit,
                     const std::function<void(Bucket&)>& change);
  bool change_shared_bucket(const std::string& key, const std::function<void(Bucket&)>& change);

  std::filesystem::path shared_dir_;
  Now now_;
  Sleep sleep_;
  std::map<std::string, Bucket> buckets_;  // without a shared directory
};

}  // namespace mcph::harness::scenario
