#include "user_pacer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <system_error>
#include <thread>

namespace mcph::harness::scenario {
namespace {

// The margins of the header: one request less of burst, 90 % of the refill.
double capacity_of(const stack::RateLimit& limit) { return std::max(1, limit.requests - 1); }

double refill_per_second(const stack::RateLimit& limit) {
  return 0.9 * limit.requests / std::chrono::duration<double>(limit.window).count();
}

std::int64_t nanoseconds(UserPacer::Clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

// FNV-1a: a name that is the same in every process and shows nothing of the subject.
std::string file_name(const std::string& key) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const unsigned char c : key) hash = (hash ^ c) * 1099511628211ULL;
  char name[32];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(hash));
  return name;
}

// An open file, closed (and so unlocked) on every way out.
struct OpenFile {
  int fd;
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

UserPacer::UserPacer(std::filesystem::path shared_dir)
    : UserPacer(std::move(shared_dir), Clock::now, [](Clock::duration wait) { std::this_thread::sleep_for(wait); }) {}

UserPacer::UserPacer(std::filesystem::path shared_dir, Now now, Sleep sleep)
    : shared_dir_(std::move(shared_dir)), now_(std::move(now)), sleep_(std::move(sleep)) {
  std::error_code error;
  if (!shared_dir_.empty() && !std::filesystem::create_directories(shared_dir_, error) && error) shared_dir_.clear();
}

UserPacer::Clock::duration UserPacer::take(const std::string& server, const std::string& subject,
                                           const stack::RateLimit& limit, int requests) {
  if (limit.requests <= 0 || requests <= 0) return Clock::duration::zero();
  const double wanted = std::min<double>(requests, capacity_of(limit));
  // A burst that another runner sent while this one waited emptied the server's bucket, and the
  // allowance this one reserved with it: it reserves again, behind the burst. Bounded, as a
  // runner that bursts again and again must not hold the others for ever.
  constexpr int kRounds = 4;
  Clock::duration waited{};
  for (int round = 0; round < kRounds; ++round) {
    double owed = 0;
    std::int64_t reserved_ns = 0;
    change_bucket(server, subject, limit, [&](Bucket& bucket) {
      bucket.tokens -= wanted;
      owed = std::max(0.0, -bucket.tokens);
      reserved_ns = bucket.updated_ns;
    });
    if (owed <= 0) return waited;
    const auto wait = std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(owed / refill_per_second(limit)));
    sleep_(wait);
    waited += wait;
    bool emptied_meanwhile = false;
    change_bucket(server, subject, limit, [&](Bucket& bucket) { emptied_meanwhile = bucket.emptied_ns > reserved_ns; });
    if (!emptied_meanwhile) return waited;
  }
  return waited;
}

void UserPacer::answered(const std::string& server, const std::string& subject, const stack::RateLimit& limit,
                         int http_status, int requests) {
  if (limit.requests <= 0) return;
  if (http_status == 401) {
    give_back(server, subject, limit, requests);
  } else if (http_status == 429) {
    used_up(server, subject, limit);
  }
}

void UserPacer::give_back(const std::string& server, const std::string& subject, const stack::RateLimit& limit, int requests) {
  if (limit.requests <= 0) return;
  change_bucket(server, subject, limit,
                [&](Bucket& bucket) { bucket.tokens = std::min(capacity_of(limit), bucket.tokens + requests); });
}

void UserPacer::used_up(const std::string& server, const std::string& subject, const stack::RateLimit& limit) {
  if (limit.requests <= 0) return;
  change_bucket(server, subject, limit, [](Bucket& bucket) {
    bucket.tokens = std::min(bucket.tokens, 0.0);
    bucket.emptied_ns = bucket.updated_ns;
  });
}

void UserPacer::change_bucket(const std::string& server, const std::string& subject, const stack::RateLimit& limit,
                              const std::function<void(Bucket&)>& change) {
  const std::int64_t now = nanoseconds(now_());
  const double capacity = capacity_of(limit);
  const double per_ns = refill_per_second(limit) / 1e9;
  // A bucket never seen is full; time refills it, up to its size. One written a minute or more
  // "after" now is from before a reboot (a run directory used again): new, too. Processes that
  // share a bucket read the clock before the lock, so a little "after" is normal.
  constexpr std::int64_t kClockSkew = 60'000'000'000;
  const auto refill_then_change = [&](Bucket& bucket) {
    if (bucket.updated_ns == 0 || bucket.updated_ns - now > kClockSkew) {
      bucket = Bucket{capacity, now, 0};
    } else if (now > bucket.updated_ns) {
      bucket.tokens = std::min(capacity, bucket.tokens + static_cast<double>(now - bucket.updated_ns) * per_ns);
      bucket.updated_ns = now;
    }
    change(bucket);
  };
  const std::string key = server + '\n' + subject;
  if (!shared_dir_.empty() && change_shared_bucket(key, refill_then_change)) return;
  refill_then_change(buckets_[key]);
}

bool UserPacer::change_shared_bucket(const std::string& key, const std::function<void(Bucket&)>& change) {
  const OpenFile file{::open((shared_dir_ / file_name(key)).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)};
  if (file.fd < 0 || ::flock(file.fd, LOCK_EX) != 0) {
    shared_dir_.clear();  // not usable: this runner's own buckets from now on
    return false;
  }
  char text[96] = {};
  Bucket bucket;
  long long updated = 0;
  long long emptied = 0;
  if (::pread(file.fd, text, sizeof text - 1, 0) > 0 &&
      std::sscanf(text, "%lf %lld %lld", &bucket.tokens, &updated, &emptied) == 3) {
    bucket.updated_ns = updated;
    bucket.emptied_ns = emptied;
  } else {
    bucket = Bucket{};  // new, or not ours to read: a bucket never seen
  }
  change(bucket);
  const int length = std::snprintf(text, sizeof text, "%.6f %lld %lld\n", bucket.tokens,
                                   static_cast<long long>(bucket.updated_ns), static_cast<long long>(bucket.emptied_ns));
  if (::pwrite(file.fd, text, static_cast<std::size_t>(length), 0) != length || ::ftruncate(file.fd, length) != 0) {
    shared_dir_.clear();
  }
  return true;
}

}  // namespace mcph::harness::scenario
