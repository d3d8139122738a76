#pragma once
// A text's words, split on white space: an OAuth scope ("read write"), a command line run
// without a shell.
#include <sstream>
#include <string>
#include <vector>

namespace mcph::text {

inline std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

}  // namespace mcph::text
