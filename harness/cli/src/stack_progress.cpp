#include "stack_progress.h"

#include <cstdio>
#include <memory>

namespace mcph::harness::cli {
namespace {

void print(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// Provisioning's per-item lines: "+ …" once indentation and the supervisor's "[  1.234 s] "
// stamp are set aside.
bool is_provisioning_item(const std::string& line) {
  std::size_t at = line.find_first_not_of(' ');
  if (at != std::string::npos && line[at] == '[') {
    at = line.find("] ", at);
    if (at == std::string::npos) return false;
    at = line.find_first_not_of(' ', at + 2);
  }
  return at != std::string::npos && line.compare(at, 2, "+ ") == 0;
}

}  // namespace

std::function<void(const std::string&)> stack_progress(bool verbose) {
  if (verbose) return print;
  auto hidden = std::make_shared<int>(0);
  return [hidden](const std::string& line) {
    if (is_provisioning_item(line)) {
      ++*hidden;
      return;
    }
    if (*hidden > 0) {
      print("  (" + std::to_string(*hidden) + " item" + (*hidden == 1 ? "" : "s") +
            " provisioned; --verbose lists them)");
      *hidden = 0;
    }
    print(line);
  };
}

}  // namespace mcph::harness::cli
