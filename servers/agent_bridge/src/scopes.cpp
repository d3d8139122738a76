#include "mcph/agent_bridge/scopes.h"

namespace mcph::agent_bridge {

std::vector<std::string> split_scopes(std::string_view claim) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < claim.size()) {
    const std::size_t end = claim.find(' ', start);
    const std::size_t stop = end == std::string_view::npos ? claim.size() : end;
    if (stop > start) words.emplace_back(claim.substr(start, stop - start));
    start = stop + 1;
  }
  return words;
}

bool has_scope(const std::vector<std::string>& granted, std::string_view needed, bool unsafe_substring) {
  for (const auto& scope : granted) {
    if (scope == needed) return true;
    if (unsafe_substring && scope.find(needed) != std::string::npos) return true;
  }
  return false;
}

}  // namespace mcph::agent_bridge
