#include "mcph/fuzz/check.h"

#include <cstdio>
#include <cstdlib>
#include <string>

// Present in sanitizer builds: prints to the sanitizers' report file, which libFuzzer keeps
// open when -close_fd_mask closes the target's own stderr.
extern "C" __attribute__((weak)) void __sanitizer_report_error_summary(const char* summary);

namespace mcph::fuzz {

void fail(std::string_view what) {
  const std::string message = "fuzz check failed: " + std::string(what);
  if (__sanitizer_report_error_summary != nullptr) {
    __sanitizer_report_error_summary(message.c_str());
  } else {
    std::fprintf(stderr, "%s\n", message.c_str());
  }
  std::abort();
}

void check(bool holds, std::string_view what) {
  if (!holds) fail(what);
}

}  // namespace mcph::fuzz
