#include "oidc_discovery.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/http/client.h"

namespace mcph::harness::idp {
namespace {

constexpr const char* kDiscoveryPath = "/.well-known/openid-configuration";

std::string without_trailing_slash(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

}  // namespace

OidcDiscovery parse_discovery(const std::string& issuer, int status, const std::string& body) {
  const std::string where = "the discovery document " + without_trailing_slash(issuer) + kDiscoveryPath;
  if (status != 200) throw std::runtime_error(where + " answered HTTP " + std::to_string(status) + ", not 200");
  const nlohmann::json document = nlohmann::json::parse(body, nullptr, false);
  if (!document.is_object()) throw std::runtime_error(where + " is not a JSON object");
  OidcDiscovery found;
  for (auto [key, field] : {std::pair{"issuer", &found.issuer}, std::pair{"token_endpoint", &found.token_endpoint},
                            std::pair{"jwks_uri", &found.jwks_uri}}) {
    const auto value = document.find(key);
    if (value == document.end() || !value->is_string() || value->get<std::string>().empty()) {
      throw std::runtime_error(where + " has no " + key);
    }
    *field = value->get<std::string>();
  }
  if (found.issuer != issuer) {
    throw std::runtime_error(where + " names the issuer " + found.issuer + ", not the stack file's " + issuer +
                             " (services.oidc.issuer must be the issuer its tokens carry)");
  }
  return found;
}

OidcDiscovery discover(const std::string& issuer) {
  http::ClientResponse response;
  try {
    response = http::Client(without_trailing_slash(issuer)).get(kDiscoveryPath);
  } catch (const std::exception& e) {
    throw std::runtime_error("the issuer " + issuer + " does not answer its discovery document: " + e.what());
  }
  return parse_discovery(issuer, response.status, response.body);
}

}  // namespace mcph::harness::idp
