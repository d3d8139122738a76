#pragma once
// Writing a file that holds secrets (credentials, private keys): readable by its owner alone
// from the moment it exists.
#include <filesystem>
#include <string>

namespace mcph::proc {

// Writes `text` to `path` readable and writable by its owner alone (0600, whatever the umask),
// through a temporary file beside it renamed into place: no reader sees half a file, and at no
// moment can another user read it. Throws std::runtime_error naming the path.
void write_private_file(const std::filesystem::path& path, const std::string& text);

}  // namespace mcph::proc
