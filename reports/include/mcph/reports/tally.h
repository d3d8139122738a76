#pragma once
// A count of what a step's calls came to, as one line: "250 calls: 200 × 429, 50 × 200".
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace mcph::reports {

// `total` calls, then each (what, how many) in the order given.
std::string tally_line(std::size_t total, const std::vector<std::pair<std::string, int>>& counts);

}  // namespace mcph::reports
