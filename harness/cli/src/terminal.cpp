#include "terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace mcph::harness::cli {

bool colour_enabled(std::FILE* stream) {
  if (const char* no_colour = std::getenv("NO_COLOR"); no_colour && *no_colour) return false;
  if (const char* term = std::getenv("TERM"); !term || std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(::fileno(stream)) == 1;
}

std::string coloured_status(const std::string& line) {
  struct Style {
    const char* word;
    const char* colour;  // SGR: green, red, bold red, magenta, yellow
  };
  static constexpr Style styles[] = {
      {": passed", "32"}, {": failed", "31"}, {": error", "1;31"}, {": inconclusive", "35"}, {": skipped", "33"}};
  // The earliest status word is the line's own; a later one belongs to a failure message.
  const Style* found = nullptr;
  std::size_t at = std::string::npos;
  for (const auto& style : styles) {
    const auto position = line.find(style.word);
    if (position < at) {
      at = position;
      found = &style;
    }
  }
  if (found) {
    const auto word = at + 2;
    const auto length = std::strlen(found->word) - 2;
    return line.substr(0, word) + "\033[" + found->colour + "m" + line.substr(word, length) + "\033[0m" +
           line.substr(word + length);
  }
  return line;
}

}  // namespace mcph::harness::cli
