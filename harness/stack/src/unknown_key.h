#pragma once
// A key the harness does not know is a mistake, never ignored: a typo in a key would otherwise
// fall back to its default without a word. One message for every file the stack reads.
#include <string>
#include <vector>

namespace mcph::harness::stack {

// Throws "<where>: unknown key "<key>" (the closest known: …)".
[[noreturn]] void refuse_unknown_key(const std::string& where, const std::string& key, const std::vector<std::string>& known);

}  // namespace mcph::harness::stack
