#include "mcph/postgres/conninfo.h"

namespace mcph::postgres {

std::string quote_conninfo(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace mcph::postgres
