#include "mcph/harness/provision/workload_provisioning.h"

#include <optional>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/spiffe/spiffe_id.h"

namespace mcph::harness::provision {

using Json = nlohmann::json;

namespace {

// The realm's own SPIFFE provider, when it has one besides the harness's (a team's realm brings
// it): a second provider for the same trust domain would make Keycloak's client lookup
// ambiguous. Throws when it trusts another trust domain than the stack's.
std::optional<Json> realms_spiffe_provider(KeycloakAdmin& admin, const std::string& realm, const WorkloadIdentityOptions& options) {
  const std::string ours = "spiffe://" + options.trust_domain;
  for (const Json& provider : admin.list_identity_providers(realm)) {
    if (provider.value("providerId", "") != "spiffe" || provider.value("alias", "") == options.provider_alias) continue;
    const Json config = provider.value("config", Json::object());
    const std::string theirs = config.is_object() ? config.value("trustDomain", "") : "";
    if (theirs != ours) {
      const std::string domain = spiffe::trust_domain_of(theirs);
      throw std::runtime_error("the realm " + realm + "'s SPIFFE identity provider " + provider.value("alias", "") + " trusts " +
                               (theirs.empty() ? std::string("no trust domain") : theirs) + ", not the stack's " + ours +
                               (domain.empty() ? "" : ": start the stack with --trust-domain " + domain));
    }
    return provider;
  }
  return std::nullopt;
}

// The SPIFFE IDs the realm's federated clients already authenticate, whatever they are named.
std::set<std::string> federated_subjects(KeycloakAdmin& admin, const std::string& realm) {
  std::set<std::string> subjects;
  for (const Json& client : admin.list_clients(realm)) subjects.insert(federated_subject(client));
  return subjects;
}

}  // namespace

std::string federated_subject(const Json& client) {
  if (client.value("clientAuthenticatorType", "") != "federated-jwt") return {};
  const Json attributes = client.value("attributes", Json::object());
  return attributes.is_object() ? attributes.value("jwt.credential.sub", "") : std::string();
}

void provision_workload_identity(const ProvisionTarget& target, const WorkloadIdentityOptions& options) {
  KeycloakAdmin admin(target.keycloak_url, target.keycloak_admin_user, target.keycloak_admin_password);
  // Keycloak 26.5 reads the trust domain from config.trustDomain (26.4 read config.issuer, and
  // refuses this provider). No issuer is given: 26.5 looks a jwt-bearer assertion's provider up
  // by it, and a SPIFFE provider takes SVIDs alone. A realm's own provider keeps the rest of its
  // settings; its bundle endpoint becomes the stack's trust domain's.
  Json provider = realms_spiffe_provider(admin, target.realm, options)
                      .value_or(Json{{"alias", options.provider_alias}, {"providerId", "spiffe"}, {"config", Json::object()}});
  provider["config"]["trustDomain"] = "spiffe://" + options.trust_domain;
  provider["config"]["bundleEndpoint"] = options.bundle_endpoint;
  admin.put_identity_provider(target.realm, provider);
  const std::string alias = provider.value("alias", options.provider_alias);
  std::vector<std::string> clients = options.spiffe_ids;
  clients.insert(clients.end(), options.foreign_spiffe_ids.begin(), options.foreign_spiffe_ids.end());
  const std::set<std::string> taken = federated_subjects(admin, target.realm);
  for (const std::string& spiffe_id : clients) {
    if (taken.contains(spiffe_id)) continue;  // the realm's own client for it, or one made before
    admin.create_client(
        target.realm,
        {{"clientId", spiffe_id},
         {"clientAuthenticatorType", "federated-jwt"},
         {"serviceAccountsEnabled", true},
         {"standardFlowEnabled", false},
         {"directAccessGrantsEnabled", false},
         {"attributes", {{"jwt.credential.issuer", alias}, {"jwt.credential.sub", spiffe_id}}},
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
