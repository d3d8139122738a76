#pragma once
// Scopes of an agent, compared as whole words.
#include <string>
#include <string_view>
#include <vector>

namespace mcph::agent_bridge {

// Splits a space-separated scope claim into words (repeated spaces ignored).
std::vector<std::string> split_scopes(std::string_view claim);

// True when `granted` holds `needed` as a whole word. unsafe_substring (sabotage only): any
// granted scope that contains `needed` counts, so "read-all" grants "read".
bool has_scope(const std::vector<std::string>& granted, std::string_view needed, bool unsafe_substring = false);

}  // namespace mcph::agent_bridge
