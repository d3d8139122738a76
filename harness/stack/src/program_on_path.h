#pragma once
// A program by name, as a shell finds it: the first executable file of that name in PATH.
#include <filesystem>
#include <optional>
#include <string_view>

namespace mcph::harness::stack {

bool executable_file(const std::filesystem::path& path);
std::optional<std::filesystem::path> program_on_path(std::string_view name);

}  // namespace mcph::harness::stack
