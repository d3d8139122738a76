#include "mcph/proc/service.h"

#include <sys/wait.h>

#include <thread>

#include "mcph/proc/listen_line.h"

namespace mcph::proc {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::chrono::milliseconds left_until(Clock::time_point deadline) {
  return std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

// Polls the probe until it passes, the process exits or the deadline passes.
void wait_until_healthy(ChildProcess& process, const std::string& url, const HealthProbe& probe,
                        const ReadyWhen& ready, Clock::time_point deadline) {
  auto interval = 20ms;
  std::string last_answer = "not probed yet";
  for (;;) {
    if (!process.running()) {
      throw ProcessError(process.name() + " exited before " + probe.what + " on " + url +
                         " passed; last lines of " + process.log_path() + ":\n" + process.last_log_lines());
    }
    const auto why_not = probe.check(url);
    if (!why_not) return;
    last_answer = *why_not;
    if (Clock::now() >= deadline) {
      throw ProcessError(process.name() + " was not healthy within " + std::to_string(ready.timeout.count()) +
                         " ms (" + probe.what + " on " + url + ": " + last_answer + "); last lines of " +
                         process.log_path() + ":\n" + process.last_log_lines());
    }
    std::this_thread::sleep_for(std::min(interval, left_until(deadline)));
    interval = std::min(interval * 2, 250ms);
  }
}

}  // namespace

StartedService start_service(SpawnOptions options, const ReadyWhen& ready) {
  const auto started = Clock::now();
  const auto deadline = started + ready.timeout;
  ChildProcess process = ChildProcess::spawn(std::move(options));
  std::string url = ready.url;
  if (ready.announces) {
    const std::string line = process.wait_for_line(
        [](std::string_view candidate) { return parse_listen_line(candidate).has_value(); }, ready.timeout);
    url = *parse_listen_line(line);
  }
  if (ready.health) {
    try {
      wait_until_healthy(process, url, *ready.health, ready, deadline);
    } catch (...) {
      process.stop(2s);
      throw;
    }
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return StartedService{std::move(process), std::move(url), took};
}

}  // namespace mcph::proc
