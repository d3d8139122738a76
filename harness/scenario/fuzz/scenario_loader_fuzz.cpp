// Fuzzes the scenario YAML loader (parse_scenario_file): yaml-cpp's parser and every check of
// the scenario model behind it.
//
// Input: the text of a scenario file.
// Properties: a mistake is a ScenarioError and nothing else (no yaml-cpp or JSON exception
// escapes), and its message has the promised "file:line: field: message" form.
#include <cctype>
#include <cstdint>
#include <string>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/harness/scenario/scenario_loader.h"

using namespace mcph;

namespace {

constexpr std::string_view kOrigin = "fuzz.yaml";

// "fuzz.yaml:<line>: …"
bool names_file_and_line(std::string_view message) {
  if (message.substr(0, kOrigin.size() + 1) != std::string(kOrigin) + ":") return false;
  message.remove_prefix(kOrigin.size() + 1);
  std::size_t digits = 0;
  while (digits < message.size() && std::isdigit(static_cast<unsigned char>(message[digits]))) ++digits;
  return digits > 0 && message.substr(digits, 2) == ": ";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)harness::scenario::parse_scenario_file(std::string(fuzz::as_text(data, size)), std::string(kOrigin));
  } catch (const harness::scenario::ScenarioError& e) {
    fuzz::check(names_file_and_line(e.what()), "a scenario error without file:line:");
  }
  return 0;
}
