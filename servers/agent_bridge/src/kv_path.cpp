#include "mcph/agent_bridge/kv_path.h"

#include "mcph/http/url.h"

namespace mcph::agent_bridge {
namespace {

ConfinedPath refuse(std::string why) { return ConfinedPath{std::nullopt, std::move(why)}; }

bool has_encoded_separator(const std::string& text) {
  for (std::size_t at = text.find('%'); at != std::string::npos; at = text.find('%', at + 1)) {
    if (at + 2 >= text.size()) continue;  // percent_decode refuses it
    const std::string hex = text.substr(at + 1, 2);
    if (hex == "2f" || hex == "2F" || hex == "5c" || hex == "5C" || hex == "00" || hex == "25") {
      return true;
    }
  }
  return false;
}

}  // namespace

ConfinedPath confine_path(const std::string& argument) {
  if (argument.empty()) return refuse("the path is empty");
  // Encoded separators, dots and a second layer of encoding are refused before decoding, so
  // that no decoded text can become a separator the split does not see.
  if (has_encoded_separator(argument)) return refuse("the path holds a percent-encoded separator, NUL or '%'");
  const auto decoded = http::percent_decode(argument, false);
  if (!decoded) return refuse("the path is not valid percent-encoding");
  if (decoded->find('\\') != std::string::npos) return refuse("the path holds a backslash");
  if (decoded->find('\0') != std::string::npos) return refuse("the path holds a NUL");
  std::size_t start = 0;
  while (true) {
    const std::size_t end = decoded->find('/', start);
    const std::string segment = decoded->substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (segment.empty()) return refuse("the path has an empty segment");
    if (segment == "." || segment == "..") return refuse("the path has a '" + segment + "' segment");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return ConfinedPath{*decoded, {}};
}

ConfinedPath single_pass_dotdot(const std::string& argument) {
  std::string path;
  for (std::size_t at = 0; at < argument.size();) {
    if (argument.compare(at, 2, "..") == 0) {
      at += 2;
    } else {
      path += argument[at++];
    }
  }
  const auto decoded = http::percent_decode(path, false);
  if (!decoded || decoded->empty()) return refuse("the path is empty");
  return ConfinedPath{*decoded, {}};
}

}  // namespace mcph::agent_bridge
