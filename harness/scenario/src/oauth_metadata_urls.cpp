#include "oauth_metadata_urls.h"

namespace mcph::harness {
namespace {

// The issuer without a trailing "/": "https://as.example/" names the same issuer as "https://as.example".
std::string trimmed(std::string issuer) {
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  return issuer;
}

}  // namespace

std::string oauth_metadata_url(const std::string& issuer) {
  const std::string base = trimmed(issuer);
  const std::size_t scheme_end = base.find("://");
  const std::size_t path_start = base.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path_start == std::string::npos) return base + "/.well-known/oauth-authorization-server";
  return base.substr(0, path_start) + "/.well-known/oauth-authorization-server" + base.substr(path_start);
}

std::string openid_configuration_url(const std::string& issuer) { return trimmed(issuer) + "/.well-known/openid-configuration"; }

}  // namespace mcph::harness
