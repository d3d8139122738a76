#pragma once
// Waiting for what another thread or process does: asks `done` every `step` until it says yes
// (true) or `timeout` has passed (false, after one last question at the deadline).
#include <chrono>
#include <thread>

namespace mcph::proc {

template <typename Done>
bool poll_until(Done&& done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
}

}  // namespace mcph::proc
