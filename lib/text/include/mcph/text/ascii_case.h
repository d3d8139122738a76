#pragma once
// Names compared without regard to case (Jira keys and JQL words, header names, Vault's entity
// names), ASCII only: bytes outside A-Z are kept as they are, and no locale is looked up.
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

// Whether the two are the same text but for the case of A-Z; nothing is copied.
inline bool ascii_iequals(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace mcph::text
