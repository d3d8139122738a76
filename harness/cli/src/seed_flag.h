#pragma once
// --seed N, which `run` and `replay` both take: the seed a run draws its order and its faults'
// draws from (mcph/seed/seeded_random.h).
#include <cstdint>
#include <optional>

#include "mcph/cli/flags.h"

namespace mcph::harness::cli {

// The seed --seed gives; nullopt without the flag. Throws std::invalid_argument naming the flag
// and what it takes when it is not a whole number from 0 to 2^64-1.
std::optional<std::uint64_t> seed_from_flags(const mcph::cli::Flags& flags);

}  // namespace mcph::harness::cli
