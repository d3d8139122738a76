#pragma once
// One request a user made to one server, as the rate-limit checks see it: when it was sent and
// when its answer came (it reached the server's limiter somewhere in between), and the answer.
#include <chrono>
#include <string>

namespace mcph::harness::scenario {

struct LimitedRequest {
  std::chrono::steady_clock::time_point sent, answered;
  int http_status = 0;       // 0: no answer (it may or may not have reached the limiter)
  std::string retry_after;   // of a 429
};

}  // namespace mcph::harness::scenario
