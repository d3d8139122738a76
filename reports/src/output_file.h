#pragma once
#include <filesystem>
#include <string_view>

namespace mcph::reports::detail {

// Writes `content` to `path` through a temporary file in the same folder renamed into place,
// so a reader (CI collecting artifacts) never sees half a report. Throws std::runtime_error.
void write_file(const std::filesystem::path& path, std::string_view content);

}  // namespace mcph::reports::detail
