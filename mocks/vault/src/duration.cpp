#include "duration.h"

#include <cmath>
#include <string>

namespace mcph::mock_vault {
namespace {

std::optional<double> unit_seconds(std::string_view unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1.0;
  if (unit == "m") return 60.0;
  if (unit == "h") return 3600.0;
  if (unit == "d") return 86400.0;
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::int64_t> parse_duration_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::string_view rest = text;
  if (rest.front() == '-' || rest.front() == '+') {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  if (rest.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : rest) all_digits = all_digits && is_digit(c);
  if (all_digits) {
    if (rest.size() > 15) return std::nullopt;
    const std::int64_t value = std::stoll(std::string(rest));
    return negative ? -value : value;
  }
  if (rest == "0") return 0;
  double total = 0;
  while (!rest.empty()) {
    std::size_t i = 0;
    while (i < rest.size() && (is_digit(rest[i]) || rest[i] == '.')) ++i;
    if (i == 0 || i > 20) return std::nullopt;
    double number = 0;
    try {
      number = std::stod(std::string(rest.substr(0, i)));
    } catch (...) {
      return std::nullopt;
    }
    rest.remove_prefix(i);
    std::size_t j = 0;
    while (j < rest.size() && !is_digit(rest[j]) && rest[j] != '.') ++j;
    const auto factor = unit_seconds(rest.substr(0, j));
    if (!factor) return std::nullopt;
    total += number * *factor;
    rest.remove_prefix(j);
  }
  if (total > 1e15) return std::nullopt;
  const auto seconds = static_cast<std::int64_t>(std::trunc(total));
  return negative ? -seconds : seconds;
}

}  // namespace mcph::mock_vault
