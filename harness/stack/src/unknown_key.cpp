#include "unknown_key.h"

#include <stdexcept>

#include "mcph/text/closest.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {

void refuse_unknown_key(const std::string& where, const std::string& key, const std::vector<std::string>& known) {
  throw std::runtime_error(where + ": unknown key \"" + key + "\" (the closest known: " + text::join(text::closest(key, known)) + ")");
}

}  // namespace mcph::harness::stack
