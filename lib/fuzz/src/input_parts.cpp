#include "mcph/fuzz/input_parts.h"

namespace mcph::fuzz {

std::vector<std::string_view> split_parts(std::string_view input, std::string_view separator,
                                          std::size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const auto at = input.find(separator);
    if (at == std::string_view::npos) break;
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + separator.size());
  }
  parts.push_back(input);
  return parts;
}

std::string_view part_or_empty(const std::vector<std::string_view>& parts, std::size_t i) {
  return i < parts.size() ? parts[i] : std::string_view{};
}

}  // namespace mcph::fuzz
