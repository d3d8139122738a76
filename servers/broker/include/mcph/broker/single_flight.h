#pragma once
// One call at a time per key: a call for a key that another call is already computing waits for
// that result (or its exception) instead of computing it again. An exception reaches every
// waiting thread as the one same object: where the waiters read it, return the failure as part
// of the value instead (the broker's Shared does). The broker uses it so that a
// user's concurrent first calls make one Vault login and one database lease between them, not
// one each (each lease is a new PostgreSQL role, which Vault creates one at a time).
#include <future>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mcph::broker {

template <typename Value>
class SingleFlight {
 public:
  // Runs compute() unless a call for `key` is in flight, in which case it returns (or throws)
  // what that call does.
  template <typename Compute>
  Value run(const std::string& key, Compute&& compute) {
    std::unique_lock lock(mutex_);
    if (const auto it = flights_.find(key); it != flights_.end()) {
      std::shared_future<Value> flight = it->second;
      lock.unlock();
      return flight.get();
    }
    std::promise<Value> promise;
    flights_.emplace(key, promise.get_future().share());
    lock.unlock();
    try {
      Value value = compute();
      promise.set_value(value);
      land(key);
      return value;
    } catch (...) {
      promise.set_exception(std::current_exception());
      land(key);
      throw;
    }
  }

 private:
  void land(const std::string& key) {
    std::lock_guard lock(mutex_);
    flights_.erase(key);
  }

  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_future<Value>> flights_;
};

}  // namespace mcph::broker
