#pragma once
// A fault a test puts into a mock backend (the one failure a TCP fault proxy cannot make: an
// HTTP error status): the next N API requests, or every one until it is cleared, are answered
// with a given 5xx status in the backend's own error shape. Driven at POST/GET/DELETE /_fault
// (backend.h) by the scenario runner's `fault: {target: jira-api, toxic: http_error, …}`.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace mcph::mock_backend {

class FaultHook {
 public:
  static constexpr int kMinStatus = 500;
  static constexpr int kMaxStatus = 599;

  // `count` 0: every request until cleared. Throws std::invalid_argument for a status outside
  // 500-599 or a negative count.
  void set(int status, std::int64_t count = 0);
  void clear();
  // The status the next request must get (and one fewer left), or nullopt when none is set.
  std::optional<int> take();
  // {"status": 503, "remaining": 2} ("remaining": null until cleared), or {} when none is set.
  std::string to_json() const;

 private:
  mutable std::mutex mutex_;
  int status_ = 0;                // 0: no fault
  std::int64_t remaining_ = 0;    // 0 with a status: until cleared
};

}  // namespace mcph::mock_backend
