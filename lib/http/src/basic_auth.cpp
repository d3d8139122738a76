#include "mcph/http/basic_auth.h"

#include "mcph/codec/base64.h"
#include "mcph/http/message.h"

namespace mcph::http {

std::string basic_authorization(std::string_view user, std::string_view password) {
  return "Basic " + codec::base64_encode(std::string(user) + ":" + std::string(password));
}

std::optional<std::pair<std::string, std::string>> parse_basic_authorization(std::string_view header) {
  constexpr std::string_view kScheme = "basic ";
  if (header.size() <= kScheme.size() || !iequals(header.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  auto decoded = codec::base64_decode(header.substr(kScheme.size()));
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

}  // namespace mcph::http
