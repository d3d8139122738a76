#pragma once
// A one-line file's content (a token, a key, a secret) without what a file's last line may end
// with: newlines (LF or CRLF) and spaces.
#include <string>

namespace mcph::text {

inline std::string without_line_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace mcph::text
