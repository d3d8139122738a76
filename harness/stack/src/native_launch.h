#pragma once
// Starting a real server as a process, shared by the native rows (native_services.cpp,
// spire_services.cpp).
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "mcph/proc/service.h"
#include "stack_context.h"

namespace mcph::harness::stack {

std::string loopback_url(int port);  // http://127.0.0.1:<port>

// Ready when GET <base><path> answers 2xx.
proc::HealthProbe http_probe(std::string path);

// A real server as a process: spawned with its own log, ready when the probe on `probe_base`
// passes, stopped (its whole process group) with `grace`.
struct NativeLaunch {
  std::string name;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;
  std::string url;         // where it serves its API
  std::string probe_base;  // where the health probe goes (a management port may differ)
  proc::HealthProbe probe;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds grace;
};

// One that serves its API over HTTP on 127.0.0.1:`port` and is ready when GET `health_path`
// there answers 2xx; the caller sets its timeout, grace and environment.
NativeLaunch loopback_http_launch(std::string name, std::vector<std::string> argv, int port, std::string health_path);

RunningService launch(StackContext& context, NativeLaunch launch);

}  // namespace mcph::harness::stack
