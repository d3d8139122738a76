#include "mcph/reports/tally.h"

namespace mcph::reports {

std::string tally_line(std::size_t total, const std::vector<std::pair<std::string, int>>& counts) {
  std::string out = std::to_string(total) + (total == 1 ? " call:" : " calls:");
  for (std::size_t i = 0; i < counts.size(); ++i) {
    out += (i == 0 ? " " : ", ") + std::to_string(counts[i].second) + " \u00d7 " + counts[i].first;
  }
  return out;
}

}  // namespace mcph::reports
