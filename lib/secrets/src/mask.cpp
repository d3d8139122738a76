#include "mcph/secrets/mask.h"

namespace mcph::secrets {

std::string mask(std::string_view secret) {
  if (secret.size() <= 8) return "****";
  return "****" + std::string(secret.substr(secret.size() - 4));
}

}  // namespace mcph::secrets
