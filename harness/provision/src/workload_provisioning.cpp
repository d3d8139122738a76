#include "mcph/harness/provision/workload_provisioning.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/provision/keycloak_admin.h"

namespace mcph::harness::provision {

using Json = nlohmann::json;

void provision_workload_identity(const ProvisionTarget& target, const WorkloadIdentityOptions& options) {
  KeycloakAdmin admin(target.keycloak_url, target.keycloak_admin_user, target.keycloak_admin_password);
  // Keycloak 26.5 reads the trust domain from config.trustDomain (26.4 read config.issuer, and
  // refuses this provider). No issuer is given: 26.5 looks a jwt-bearer assertion's provider up
  // by it, and a SPIFFE provider takes SVIDs alone.
  admin.put_identity_provider(target.realm, {{"alias", options.provider_alias},
                                             {"providerId", "spiffe"},
                                             {"config", {{"trustDomain", "spiffe://" + options.trust_domain},
                                                         {"bundleEndpoint", options.bundle_endpoint}}}});
  std::vector<std::string> clients = options.spiffe_ids;
  clients.insert(clients.end(), options.foreign_spiffe_ids.begin(), options.foreign_spiffe_ids.end());
  for (const std::string& spiffe_id : clients) {
    if (admin.find_client(target.realm, spiffe_id)) continue;
    admin.create_client(
        target.realm,
        {{"clientId", spiffe_id},
         {"clientAuthenticatorType", "federated-jwt"},
         {"serviceAccountsEnabled", true},
         {"standardFlowEnabled", false},
         {"directAccessGrantsEnabled", false},
         {"attributes", {{"jwt.credential.issuer", options.provider_alias}, {"jwt.credential.sub", spiffe_id}}},
         {"protocolMappers",
          Json::array({{{"name", options.audience + " audience"},
                        {"protocol", "openid-connect"},
                        {"protocolMapper", "oidc-audience-mapper"},
                        {"config", {{"included.custom.audience", options.audience}, {"access.token.claim", "true"},
                                    {"id.token.claim", "false"}}}}})}});
  }
}

std::map<std::string, std::string> tiers_of_agents_file(const std::string& path) {
  const auto text = fixtures::read_text_file(path);
  if (!text) throw std::runtime_error("cannot read the agents file " + path);
  const Json doc = Json::parse(*text, nullptr, false);
  const std::string shape = ": expected {\"mcp\": {\"agents\": {\"<spiffe id>\": \"<tier>\"}}}";
  if (!doc.is_object() || !doc.contains("mcp") || !doc["mcp"].is_object() || !doc["mcp"].contains("agents") ||
      !doc["mcp"]["agents"].is_object()) {
    throw std::runtime_error(path + shape);
  }
  std::map<std::string, std::string> tiers;
  for (const auto& [id, tier] : doc["mcp"]["agents"].items()) {
    if (!tier.is_string()) throw std::runtime_error(path + shape);
    tiers[id] = tier.get<std::string>();
  }
  return tiers;
}

std::vector<std::string> spiffe_ids_of_agents_file(const std::string& path) {
  std::vector<std::string> ids;
  for (const auto& [id, tier] : tiers_of_agents_file(path)) ids.push_back(id);
  return ids;
}

}  // namespace mcph::harness::provision
