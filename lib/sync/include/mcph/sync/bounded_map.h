#pragma once
// A thread-safe map from strings to values that holds at most `capacity` entries: past it, the
// entry put first is forgotten first. The servers' caches of verified tokens and of policy
// decisions keep what they learnt in one, so that neither grows with the number of callers.
#include <cstddef>
#include <iterator>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace mcph::sync {

template <class Value>
class BoundedMap {
 public:
  explicit BoundedMap(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // What `read` makes of the value under `key` (nullptr when there is none), read under the
  // map's lock: only what the caller needs is copied out.
  template <class Read>
  auto read(std::string_view key, Read reader) const {
    std::lock_guard lock(mutex_);
    const auto found = index_.find(key);
    return reader(found == index_.end() ? nullptr : &std::as_const(found->second->second));
  }

  // Puts `value` under `key`, in place of what was there, and as the newest entry.
  void put(std::string_view key, Value value) {
    put_unless(key, std::move(value), [](const Value&) { return false; });
  }

  // The same, unless `keep_existing` says the value already under `key` is to stay.
  template <class KeepExisting>
  void put_unless(std::string_view key, Value value, KeepExisting keep_existing) {
    std::lock_guard lock(mutex_);
    if (const auto found = index_.find(key); found != index_.end()) {
      if (keep_existing(std::as_const(found->second->second))) return;
      const auto entry = found->second;
      index_.erase(found);
      entries_.erase(entry);
    }
    if (entries_.size() >= capacity_) {
      index_.erase(entries_.front().first);
      entries_.pop_front();
    }
    entries_.emplace_back(std::string(key), std::move(value));
    const auto added = std::prev(entries_.end());
    index_.emplace(added->first, added);
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  using Entries = std::list<std::pair<std::string, Value>>;  // oldest first
  std::size_t capacity_;
  mutable std::mutex mutex_;
  Entries entries_;
  std::unordered_map<std::string_view, typename Entries::iterator> index_;  // views into entries_
};

}  // namespace mcph::sync
