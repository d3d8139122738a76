#include "mcph/mcp/protocol.h"

#include <algorithm>
#include <array>

namespace mcph::mcp {

const std::vector<std::string>& supported_protocol_versions() {
  static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26"};
  return versions;
}

const std::string& latest_protocol_version() { return supported_protocol_versions().front(); }

bool is_supported_protocol_version(std::string_view version) {
  const auto& versions = supported_protocol_versions();
  return std::find(versions.begin(), versions.end(), version) != versions.end();
}

const std::vector<std::string>& modern_protocol_versions() {
  static const std::vector<std::string> versions = {"2026-07-28"};
  return versions;
}

bool is_modern_protocol_version(std::string_view version) {
  const auto& versions = modern_protocol_versions();
  return std::find(versions.begin(), versions.end(), version) != versions.end();
}

std::vector<std::string> all_protocol_versions() {
  std::vector<std::string> versions = modern_protocol_versions();
  versions.insert(versions.end(), supported_protocol_versions().begin(), supported_protocol_versions().end());
  return versions;
}

bool protocol_allows_batches(std::string_view version) { return version == kBatchProtocolVersion; }

namespace {
constexpr std::array<std::string_view, 8> kLevelNames = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
}

std::string_view to_string(LogLevel level) { return kLevelNames.at(static_cast<std::size_t>(level)); }

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

}  // namespace mcph::mcp
