#include "substitution.h"

#include <stdexcept>

namespace mcph::harness::scenario {

std::string substitute(const std::string& text, const Resolver& resolve) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("${", at);
    if (open == std::string::npos) break;
    const std::size_t close = text.find('}', open + 2);
    if (close == std::string::npos) throw std::runtime_error("unclosed ${ in \"" + text + "\"");
    const std::string name = text.substr(open + 2, close - open - 2);
    const auto value = resolve(name);
    if (!value) throw std::runtime_error("unknown ${" + name + "} (a user field such as ${alice.id}, ${realm}, or a name saved by an earlier step)");
    out += text.substr(at, open - at) + *value;
    at = close + 1;
  }
  return out + text.substr(at);
}

nlohmann::json substitute_json(const nlohmann::json& value, const Resolver& resolve) {
  if (value.is_string()) return substitute(value.get<std::string>(), resolve);
  if (value.is_array() || value.is_object()) {
    nlohmann::json out = value;
    for (auto& item : out) item = substitute_json(item, resolve);
    return out;
  }
  return value;
}

}  // namespace mcph::harness::scenario
