#pragma once
// Runs fn(0) … fn(count-1) on up to `workers` threads, each index once, and rethrows the first
// exception any of them threw once all have stopped (the others finish the index they are on and
// take no new one). For work that waits on a server — provisioning a thousand users, logging
// them in — where the round trips, not this process's CPU, are what takes the time.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace mcph::sync {

// `fn` is called as fn(index) or, when it takes two arguments, fn(index, worker) with the worker's
// number (0 … workers-1), for per-thread state such as one HTTP client each.
template <typename Fn>
void parallel_for(std::size_t count, std::size_t workers, Fn fn) {
  workers = std::max<std::size_t>(1, std::min(workers, count));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first;
  std::mutex mutex;
  const auto work = [&](std::size_t worker) {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        if constexpr (std::is_invocable_v<Fn&, std::size_t, std::size_t>) {
          fn(i, worker);
        } else {
          fn(i);
        }
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first) first = std::current_exception();
        failed = true;
      }
    }
  };
  if (workers == 1 || count <= 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(work, w);
    for (auto& thread : threads) thread.join();
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace mcph::sync
