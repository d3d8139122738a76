#pragma once
// `name` in backticks: a name as the generated Markdown tables of docs/ show it.
#include <string>
#include <string_view>

namespace mcph::harness::scenario {

inline std::string markdown_code(std::string_view name) { return "`" + std::string(name) + "`"; }

}  // namespace mcph::harness::scenario
