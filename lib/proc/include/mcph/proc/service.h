#pragma once
// Starting a service and waiting until it is ready: the one spawn-and-wait helper of the project,
// for the stack, the tests and the benchmarks. Ready means the announce line first (a project
// binary prints "listening http://…", which also tells its URL), then, when a probe is given, a
// health probe that passes. Every wait has a deadline, and its error names what it waited for.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "mcph/proc/child_process.h"

namespace mcph::proc {

struct HealthProbe {
  std::string what;  // what is probed, for messages: "GET /health/ready"
  // nullopt when healthy, else why not ("HTTP 503", "connection refused"); must not throw.
  std::function<std::optional<std::string>(const std::string& url)> check;
};

struct ReadyWhen {
  // The service announces its URL with the listening line (every binary of this project).
  // When false, `url` is where it was told to listen, and only the probe tells readiness.
  bool announces = true;
  std::string url;
  std::optional<HealthProbe> health;
  std::chrono::milliseconds timeout{15000};
};

struct StartedService {
  ChildProcess process;
  std::string url;
  std::chrono::milliseconds took{0};  // from spawn to ready
};

// Throws ProcessError naming the service and what it waited for, quoting its last log lines,
// when it exits first or is not ready in time; it is stopped then.
[[nodiscard]] StartedService start_service(SpawnOptions options, const ReadyWhen& ready = {});

}  // namespace mcph::proc
