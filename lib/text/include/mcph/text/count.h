#pragma once
// How often a text occurs in another, overlapping occurrences included ("aa" in "aaa": 2): what
// a test counts in a reply or a log ("HTTP/1.1 200", an error's words per attempt).
#include <cstddef>
#include <string_view>

namespace mcph::text {

inline std::size_t count_of(std::string_view text, std::string_view what) {
  if (what.empty()) return 0;
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

}  // namespace mcph::text
