#include <cctype>
#include <stdexcept>
#include <utility>

#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

// StepSpec's alternatives are in StepKind's order: a step's kind is its alternative's index.
template <std::size_t... I>
constexpr bool kinds_in_order(std::index_sequence<I...>) {
  return ((std::variant_alternative_t<I, StepSpec>::kind == static_cast<StepKind>(I)) && ...);
}
static_assert(kinds_in_order(std::make_index_sequence<std::variant_size_v<StepSpec>>()),
              "StepSpec's alternatives must follow StepKind's order");

}  // namespace

const std::vector<StepKindInfo>& step_kind_table() {
  static const std::vector<StepKindInfo> table = [] {
    std::vector<StepKindInfo> rows = {call_step_kind(), http_step_kind(),  vault_step_kind(), token_step_kind(),
                                      sql_step_kind(),  wait_step_kind(),  tcp_step_kind(),   fault_step_kind(),
                                      idp_step_kind(),  load_step_kind(),  slow_clients_step_kind(), workload_step_kind(),
                                      policy_table_step_kind(), svid_token_step_kind(),
                                      oauth_step_kind(), spiffe_step_kind(), sse_step_kind(), surface_step_kind()};
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].kind != static_cast<StepKind>(i)) throw std::logic_error("step kind table out of StepKind's order");
    }
    if (rows.size() != std::variant_size_v<StepSpec>) throw std::logic_error("a step kind has no row");
    return rows;
  }();
  return table;
}

const StepKindInfo& step_kind_info(StepKind kind) { return step_kind_table().at(static_cast<std::size_t>(kind)); }

const StepKindInfo* find_step_kind(std::string_view name) {
  for (const auto& row : step_kind_table()) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

const char* to_string(StepKind kind) { return step_kind_info(kind).name.data(); }

std::string identifier(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace mcph::harness::scenario
