#include "mcph/fuzz/check.h"

#include <cstdio>
#include <cstdlib>

namespace mcph::fuzz {

void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz check failed: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void check(bool holds, std::string_view what) {
  if (!holds) fail(what);
}

}  // namespace mcph::fuzz
