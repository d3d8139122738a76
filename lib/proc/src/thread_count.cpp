#include "mcph/proc/thread_count.h"

#include <fstream>
#include <string>

namespace mcph::proc {

int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

}  // namespace mcph::proc
