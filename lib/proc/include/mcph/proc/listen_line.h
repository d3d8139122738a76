#pragma once
// The one line every service binary of the project prints on stdout once it listens:
//   listening http://127.0.0.1:PORT   (https:// for a server that terminates TLS itself)
// The stack, the tests and the benchmarks wait for it (start_service) to learn the bound URL.
#include <optional>
#include <string>
#include <string_view>

namespace mcph::proc {

std::string listen_line(std::string_view url);
// The URL of a listening line; nullopt for any other line.
std::optional<std::string> parse_listen_line(std::string_view line);

}  // namespace mcph::proc
