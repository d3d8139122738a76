#pragma once
// A text in ASCII lower case, for names compared without regard to case (Jira keys and
// JQL words, header names): bytes outside A-Z are kept as they are.
#include <string>
#include <string_view>

namespace mcph::text {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace mcph::text
