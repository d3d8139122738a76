// Fuzzes the JSON Schema subset that checks tools/call arguments (validate_json_schema).
//
// Input: a schema and an instance, both JSON, separated by a line "--".
// Properties: no exception; at most max_problems problems, each starting with the JSON Pointer
// of the offending value ("/…" or "(root)"); an instance equal to a schema's "const" is
// never refused for that keyword alone.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/mcp/json_schema.h"

using namespace mcph;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = fuzz::split_parts(fuzz::as_text(data, size), "\n--\n", 2);
  const auto schema = nlohmann::json::parse(parts[0], nullptr, false);
  const auto instance = nlohmann::json::parse(fuzz::part_or_empty(parts, 1), nullptr, false);
  if (schema.is_discarded() || instance.is_discarded()) return 0;
  constexpr std::size_t kMaxProblems = 5;
  const auto problems = mcp::validate_json_schema(schema, instance, kMaxProblems);
  fuzz::check(problems.size() <= kMaxProblems, "more problems than asked for");
  for (const auto& problem : problems) {
    fuzz::check(problem.rfind("/", 0) == 0 || problem.rfind("(root)", 0) == 0, "a problem without its JSON Pointer");
  }
  if (schema.is_object() && schema.size() == 1 && schema.contains("const")) {
    fuzz::check(mcp::validate_json_schema(schema, schema["const"]).empty(), "an instance equal to const was refused");
  }
  return 0;
}
