#include "seed_flag.h"

#include <stdexcept>

#include "mcph/seed/seeded_random.h"

namespace mcph::harness::cli {

std::optional<std::uint64_t> seed_from_flags(const mcph::cli::Flags& flags) {
  const std::string written = flags.get("seed");
  if (written.empty()) return std::nullopt;
  if (const auto seed = seed::parse_seed(written)) return seed;
  throw std::invalid_argument("--seed " + written + ": give a whole number from 0 to 18446744073709551615");
}

}  // namespace mcph::harness::cli
