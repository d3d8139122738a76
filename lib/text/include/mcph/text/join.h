#pragma once
// One way to list names in a message: "a, b, c". Items are anything a std::string can be
// appended (std::string, std::string_view, const char*), or made so by `project` (a member
// pointer such as &TargetProfile::name, or a callable: a map's keys with
// [](const auto& entry) -> const auto& { return entry.first; }).
// std::views would say it shorter, but clang 14 cannot compile libstdc++ 12's views.
#include <functional>
#include <string>
#include <string_view>

namespace mcph::text {

template <typename Items, typename Projection = std::identity>
std::string join(const Items& items, std::string_view separator = ", ", Projection project = {}) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += std::invoke(project, item);
    first = false;
  }
  return out;
}

}  // namespace mcph::text
