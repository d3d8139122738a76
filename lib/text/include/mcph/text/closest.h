#pragma once
// The names nearest a mistyped one, for an error message that suggests what was meant: by edit
// distance (insertions, deletions and substitutions of a byte, each costing 1), nearest first,
// ties in the order given.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::text {

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The `count` names of `names` nearest `wanted`.
inline std::vector<std::string> closest(std::string_view wanted, const std::vector<std::string>& names,
                                        std::size_t count = 3) {
  std::vector<std::pair<std::size_t, std::size_t>> ranked;  // distance, index
  for (std::size_t i = 0; i < names.size(); ++i) ranked.emplace_back(edit_distance(wanted, names[i]), i);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> nearest;
  for (std::size_t i = 0; i < ranked.size() && i < count; ++i) nearest.push_back(names[ranked[i].second]);
  return nearest;
}

}  // namespace mcph::text
