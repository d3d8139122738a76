#include "mcph/secrets/mask.h"

namespace mcph::secrets {

std::string mask(std::string_view secret) {
  if (secret.size() <= 8) return "****";
  return "****" + std::string(secret.substr(secret.size() - 4));
}

std::string mask_url_password(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto authority_end = url.find_first_of("/?#", scheme_end + 3);
  const auto at = url.rfind('@', authority_end == std::string_view::npos ? url.size() : authority_end);
  if (at == std::string_view::npos || at < scheme_end) return std::string(url);
  const auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "****" + std::string(url.substr(at));
}

}  // namespace mcph::secrets
