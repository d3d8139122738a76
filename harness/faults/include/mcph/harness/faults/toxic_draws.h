#pragma once
// Where a toxic's randomness comes from: the n-th direction of a connection it meets draws from
// derive(seed, "link n"), so a toxic added with the same seed draws the same numbers — whether it
// applies (toxicity), each piece's latency ± jitter, each slice's size — connection by connection.
#include <algorithm>
#include <cstdint>
#include <string>

#include "mcph/harness/faults/fault_proxy.h"
#include "mcph/seed/seeded_random.h"

namespace mcph::harness::faults {

inline seed::Draws toxic_draws(std::uint64_t toxic_seed, std::uint64_t link) {
  return seed::Draws(seed::derive(toxic_seed, "link " + std::to_string(link)));
}

// Whether a toxic of this toxicity applies to the connection whose draws these are.
inline bool toxic_applies(double toxicity, seed::Draws& draws) { return draws.unit() < toxicity; }

// How long a latency toxic holds the next piece: latency ms, ± jitter (from -jitter up to
// jitter - 1, as Toxiproxy draws it), never below 0.
inline std::int64_t latency_delay(const Latency& toxic, seed::Draws& draws) {
  const std::int64_t delay = toxic.latency + (toxic.jitter > 0 ? draws.between(-toxic.jitter, toxic.jitter) : 0);
  return std::max<std::int64_t>(delay, 0);
}

// A slicer's next slice size: average_size ± size_variation bytes, at least 1.
inline std::int64_t slice_size(const Slicer& toxic, seed::Draws& draws) {
  const std::int64_t size =
      toxic.average_size + (toxic.size_variation > 0 ? draws.between(-toxic.size_variation, toxic.size_variation) : 0);
  return std::max<std::int64_t>(size, 1);
}

}  // namespace mcph::harness::faults
