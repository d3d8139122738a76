#pragma once
// Randomness a run can repeat: every draw of a run (the order of its scenarios, its faults'
// jitter and toxicity) comes from one seed, so that the same seed gives the same run. The
// generator and the draws are written out here rather than taken from <random>, whose
// distributions and std::shuffle differ between standard libraries: a seed printed by one build
// gives the same order and delays in any other.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::seed {

// SplitMix64's finaliser: every bit of the input moves about half the bits of the output.
constexpr std::uint64_t mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The seed of one part of a run (a scenario, a toxic, a connection), named by `label`: the same
// seed and label always give the same one, different labels unrelated ones.
constexpr std::uint64_t derive(std::uint64_t seed, std::string_view label) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
  for (const char c : label) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return mix(seed ^ mix(hash));
}

// A stream of numbers from a seed (SplitMix64), the same on every platform.
class Draws {
 public:
  explicit constexpr Draws(std::uint64_t seed) : state_(seed) {}
  constexpr std::uint64_t next() { return mix(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, n), n > 0; rejection keeps it unbiased.
  constexpr std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
  }
  // Uniform in [low, high), low < high.
  constexpr std::int64_t between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low)));
  }
  // Uniform in [0, 1).
  constexpr double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

// 0 … n-1 in an order drawn from the seed (Fisher–Yates).
inline std::vector<std::size_t> shuffled_order(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  Draws draws(seed);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[draws.below(i)]);
  return order;
}

// A seed for a run that was given none.
inline std::uint64_t fresh_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

// A seed as a person writes it: decimal digits, below 2^64; nullopt for anything else.
inline std::optional<std::uint64_t> parse_seed(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace mcph::seed
