#include "mcph/proc/thread_count.h"

#include <fstream>
#include <string>

namespace mcph::proc {
namespace {

int threads_in(const std::string& status_path) {
  std::ifstream status(status_path);
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

}  // namespace

int thread_count() { return threads_in("/proc/self/status"); }

int thread_count(pid_t pid) { return threads_in("/proc/" + std::to_string(pid) + "/status"); }

}  // namespace mcph::proc
