#pragma once
// Splitting one fuzz input into several values, so that a target can take, say, a policy, a
// path and an entity name from the same bytes and libFuzzer still mutates them all.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mcph::fuzz {

// The input as text (any bytes, NULs included).
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits `input` at each `separator`, into at most `max_parts` parts (the last one keeps the
// rest, separators included). Always returns at least one part.
std::vector<std::string_view> split_parts(std::string_view input, std::string_view separator,
                                          std::size_t max_parts);

// The i-th part, or "" when there are fewer.
std::string_view part_or_empty(const std::vector<std::string_view>& parts, std::size_t i);

}  // namespace mcph::fuzz
