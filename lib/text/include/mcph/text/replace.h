#pragma once
// Every occurrence of `from` in `text` replaced by `to`, left to right; what a replacement
// inserted is not searched again.
#include <string>
#include <string_view>

namespace mcph::text {

inline std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace mcph::text
