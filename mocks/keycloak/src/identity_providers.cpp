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
  if (!std::regex_match(provider.config_value("issuer"), kTrustDomain)) {
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

}  // namespace

nlohmann::ordered_json identity_provider_rep(const IdentityProvider& provider) {
  nlohmann::ordered_json rep;
  rep["alias"] = provider.alias;
  if (!provider.display_name.empty()) rep["displayName"] = provider.display_name;
  rep["internalId"] = provider.internal_id;
  rep["providerId"] = provider.provider_id;
  rep["enabled"] = provider.enabled;
  rep["updateProfileFirstLoginMode"] = "on";
  rep["trustEmail"] = provider.trust_email;
  rep["storeToken"] = provider.store_token;
  rep["addReadTokenRoleOnCreate"] = provider.add_read_token_role_on_create;
  rep["authenticateByDefault"] = provider.authenticate_by_default;
  rep["linkOnly"] = provider.link_only;
  rep["hideOnLogin"] = provider.hide_on_login;
  rep["config"] = provider.config;
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
  provider.trust_email = get_bool(rep, "trustEmail").value_or(false);
  provider.store_token = get_bool(rep, "storeToken").value_or(false);
  provider.add_read_token_role_on_create = get_bool(rep, "addReadTokenRoleOnCreate").value_or(false);
  provider.authenticate_by_default = get_bool(rep, "authenticateByDefault").value_or(false);
  provider.link_only = get_bool(rep, "linkOnly").value_or(false);
  provider.config = get_string_map(rep, "config").value_or(std::map<std::string, std::string>{});
  // What Keycloak adds to every SPIFFE provider's config.
  provider.config.emplace("syncMode", "LEGACY");
  provider.config["showInAccountConsole"] = "NEVER";
  provider.hide_on_login = true;
  check_spiffe_config(provider);
  return provider;
}

}  // namespace mcph::mock_keycloak
