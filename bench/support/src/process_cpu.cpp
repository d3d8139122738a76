#include "mcph/bench/process_cpu.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace mcph::bench {

std::optional<double> process_cpu_us(int pid) {
  if (pid <= 0) return std::nullopt;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  std::filesystem::directory_iterator threads(tasks, error);
  if (error) return std::nullopt;
  double nanoseconds = 0;
  for (const auto& thread : threads) {
    std::ifstream schedstat(thread.path() / "schedstat");
    double on_cpu = 0;
    if (schedstat >> on_cpu) nanoseconds += on_cpu;  // a thread that just ended reads nothing
  }
  return nanoseconds / 1000;
}

}  // namespace mcph::bench
