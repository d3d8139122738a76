#include "mcph/openssl/reasons.h"

#include <openssl/err.h>

namespace mcph::openssl {

std::string take_reasons() {
  std::string reasons;
  while (const unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    const std::string text = reason != nullptr ? reason : "error " + std::to_string(ERR_GET_REASON(code));
    if (reasons.find(text) == std::string::npos) reasons += (reasons.empty() ? "" : "; ") + text;
  }
  return reasons;
}

}  // namespace mcph::openssl
