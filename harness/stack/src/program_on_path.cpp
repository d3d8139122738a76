#include "program_on_path.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>

namespace mcph::harness::stack {

bool executable_file(const std::filesystem::path& path) {
  return ::access(path.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(path);
}

std::optional<std::filesystem::path> program_on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::istringstream directories(path);
  for (std::string directory; std::getline(directories, directory, ':');) {
    if (directory.empty()) continue;
    const auto candidate = std::filesystem::path(directory) / name;
    if (executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

}  // namespace mcph::harness::stack
