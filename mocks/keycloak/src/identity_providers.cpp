#include "identity_providers.h"

#include <regex>

#include "crypto_util.h"
#include "errors.h"
#include "json_fields.h"
#include "mcph/http/url.h"

namespace mcph::mock_keycloak {
namespace {

// UriUtils.checkUrl with sslRequired "external": plain http only to a local or private address.
bool local_host(const std::string& host) {
  static const std::regex kPrivate(
      R"(localhost|127(\.\d+){3}|10(\.\d+){3}|192\.168(\.\d+){2}|172\.(1[6-9]|2\d|3[01])(\.\d+){2}|\[?::1\]?)");
  return std::regex_match(host, kPrivate);
}

void check_spiffe_config(const IdentityProvider& provider) {
  static const std::regex kTrustDomain(R"(spiffe://[a-z0-9.\-_]*)");
  if (!std::regex_match(provider.config_value(kTrustDomainKey), kTrustDomain)) {
    throw error_message(400, "Invalid trust domain name");
  }
  const std::string bundle = provider.config_value("bundleEndpoint");
  if (bundle.empty()) return;
  try {
    const http::Url url = http::parse_url(bundle);
    if (url.scheme == "http" && !local_host(url.host)) throw std::invalid_argument("plain http");
  } catch (const std::invalid_argument&) {
    throw error_message(400, "The url [bundleEndpoint] requires secure connections");
  }
}

// IdentityProviderRepresentation's flags, in the order Keycloak writes them.
constexpr const char* kFlags[] = {"trustEmail", "storeToken", "addReadTokenRoleOnCreate", "authenticateByDefault",
                                  "linkOnly", "hideOnLogin"};

}  // namespace

nlohmann::ordered_json identity_provider_rep(const IdentityProvider& provider) {
  nlohmann::ordered_json rep;
  rep["alias"] = provider.alias;
  if (!provider.display_name.empty()) rep["displayName"] = provider.display_name;
  rep["internalId"] = provider.internal_id;
  rep["providerId"] = provider.provider_id;
  rep["enabled"] = provider.enabled;
  for (const char* flag : kFlags) {
    if (const auto found = provider.flags.find(flag); found != provider.flags.end()) rep[flag] = found->second;
  }
  rep["config"] = provider.config;
  rep["types"] = nlohmann::ordered_json::array({"CLIENT_ASSERTION"});  // what a spiffe provider is for
  return rep;
}

IdentityProvider identity_provider_from_rep(const nlohmann::json& rep) {
  const std::string provider_id = get_string(rep, "providerId").value_or("null");
  if (provider_id != kSpiffeProvider) throw error_message(400, "Invalid identity provider id [" + provider_id + "]");
  IdentityProvider provider;
  provider.provider_id = provider_id;
  provider.alias = get_string(rep, "alias").value_or("");
  provider.display_name = get_string(rep, "displayName").value_or("");
  provider.internal_id = get_string(rep, "internalId").value_or(random_uuid());
  provider.enabled = get_bool(rep, "enabled").value_or(true);
  for (const char* flag : kFlags) {
    if (const auto value = get_bool(rep, flag)) provider.flags[flag] = *value;
  }
  // The config as given: Keycloak 26.5 adds nothing to a SPIFFE provider's.
  provider.config = get_string_map(rep, "config").value_or(std::map<std::string, std::string>{});
  check_spiffe_config(provider);
  return provider;
}

}  // namespace mcph::mock_keycloak
