#include "mcph/proc/listen_line.h"

namespace mcph::proc {
namespace {

constexpr std::string_view kListenPrefix = "listening ";

}  // namespace

std::string listen_line(std::string_view url) { return std::string(kListenPrefix) + std::string(url); }

std::optional<std::string> parse_listen_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, kListenPrefix.size()) != kListenPrefix) return std::nullopt;
  const auto url = line.substr(kListenPrefix.size());
  const std::size_t scheme = url.substr(0, 7) == "http://" ? 7 : url.substr(0, 8) == "https://" ? 8 : 0;
  if (scheme == 0 || url.size() <= scheme) return std::nullopt;
  return std::string(url);
}

}  // namespace mcph::proc
