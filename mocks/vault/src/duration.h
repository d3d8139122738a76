#pragma once
// Durations as Vault's parseutil.ParseDurationSecond reads them: a number of seconds (number or
// numeric string) or a Go duration string ("90s", "1h30m", "500ms"), plus "d" for days.
#include <cstdint>
#include <optional>
#include <string_view>

namespace mcph::mock_vault {

// Whole seconds (fractions truncated toward zero); nullopt for anything unparseable.
std::optional<std::int64_t> parse_duration_seconds(std::string_view text);

}  // namespace mcph::mock_vault
