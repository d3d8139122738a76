#pragma once
// Colour for a person at a terminal, never for a file, a pipe or CI logs: only when the stream
// is a terminal, NO_COLOR is unset or empty (https://no-color.org) and TERM is not "dumb".
#include <cstdio>
#include <string>

namespace mcph::harness::cli {

bool colour_enabled(std::FILE* stream);

// `line` with its scenario status (": passed", ": failed", ": error", ": inconclusive", ": skipped", as the
// runner's progress lines have it) in colour; unchanged when there is none.
std::string coloured_status(const std::string& line);

}  // namespace mcph::harness::cli
