#pragma once
// At most `places` holders at once, and the waiting calls get freed places in the order they came.
// A semaphore wakes whichever waiter the scheduler picks: in a burst of 1,000 users' first calls
// (family 10's warm-up), some waited 7 s for a new database role while the median call took
// 0.2 s; in order of arrival, the slowest took 2.1 s. The broker's database-role requests and the
// HTTP servers' run slots (mcph/http/run_slot.h) queue through it.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>

namespace mcph::sync {

class Turns {
 public:
  explicit Turns(std::size_t places) : free_(places) {}

  // Waits for a place, after those who came before, for as long as that takes.
  void acquire() { take(std::nullopt); }

  // Waits up to `timeout` for a place, after those who came before; true when it has one, which
  // release() gives back. A call that gives up takes no place and holds up nobody.
  bool acquire_for(std::chrono::milliseconds timeout) { return take(timeout); }

  void release() {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) {
      ++free_;
      return;
    }
    Waiter* first = waiting_.front();
    waiting_.pop_front();
    first->served = true;  // the place passes to it directly: no later call can take it first
    first->woken.notify_one();
  }

  std::size_t waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_.size();
  }

 private:
  struct Waiter {
    std::condition_variable woken;
    bool served = false;
  };

  // A free place at once when nobody waits; else a place in the queue, kept until served or,
  // with a timeout, until it passes.
  bool take(std::optional<std::chrono::milliseconds> timeout) {
    std::unique_lock lock(mutex_);
    if (waiting_.empty() && free_ > 0) {
      --free_;
      return true;
    }
    Waiter waiter;
    waiting_.push_back(&waiter);
    const auto served = [&] { return waiter.served; };
    if (!timeout) {
      waiter.woken.wait(lock, served);
      return true;
    }
    if (waiter.woken.wait_for(lock, *timeout, served)) return true;
    waiting_.remove(&waiter);
    return false;
  }

  mutable std::mutex mutex_;
  std::size_t free_;
  std::list<Waiter*> waiting_;  // in order of arrival
};

}  // namespace mcph::sync
