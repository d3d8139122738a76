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
  if (url.substr(0, 7) != "http://" || url.size() <= 7) return std::nullopt;
  return std::string(url);
}

}  // namespace mcph::proc
