#include "mcph/harness/provision/keycloak_service_accounts.h"

#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mcph/harness/fixtures/agent_fixtures.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/openssl/crypto.h"

namespace mcph::harness::provision {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kSecretLength = 32;

Json scope_representation(const std::string& name) {
  return {{"name", name},
          {"protocol", "openid-connect"},
          {"attributes", {{"include.in.token.scope", "true"}, {"display.on.consent.screen", "false"}}}};
}

Json client_representation(const fixtures::AgentFixture& agent, const std::string& secret, const std::string& audience) {
  return {{"clientId", agent.name},
          {"secret", secret},
          {"publicClient", false},
          {"serviceAccountsEnabled", true},
          {"standardFlowEnabled", false},
          {"directAccessGrantsEnabled", false},
          {"defaultClientScopes", Json::array({"basic"})},
          {"optionalClientScopes", agent.scopes},
          {"protocolMappers",
           Json::array({{{"name", audience + " audience"},
                         {"protocol", "openid-connect"},
                         {"protocolMapper", "oidc-audience-mapper"},
                         {"config", {{"included.custom.audience", audience}, {"access.token.claim", "true"},
                                     {"id.token.claim", "false"}, {"introspection.token.claim", "true"}}}}})}};
}

}  // namespace

ProvisionedServiceAccounts provision_service_accounts(const ProvisionTarget& target, const ServiceAccountOptions& options) {
  if (options.run_dir.empty()) throw std::invalid_argument("provision_service_accounts: no run directory");
  if (options.audience.empty()) throw std::invalid_argument("provision_service_accounts: no audience");
  if (target.keycloak_url.empty()) throw std::runtime_error("service accounts: the stack has no Keycloak");
  const auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  const auto agents = fixtures::load_agent_fixtures(fixtures::fixtures_or_default(options.fixtures_dir));
  KeycloakAdmin admin(target.keycloak_url, target.keycloak_admin_user, target.keycloak_admin_password);
  ProvisionedServiceAccounts result;
  say("keycloak: the agents as service-account clients of realm " + target.realm + ", their scopes as client scopes");

  std::set<std::string> scopes;
  for (const auto& agent : agents) scopes.insert(agent.scopes.begin(), agent.scopes.end());
  for (const auto& scope : scopes) {
    if (admin.find_client_scope(target.realm, scope)) continue;
    admin.create_client_scope(target.realm, scope_representation(scope));
    ++result.changes;
    say("  + client scope " + scope);
  }

  const std::filesystem::path dir = options.run_dir / "agents";
  fixtures::create_private_directory(dir);
  result.clients_file = dir / "keycloak-clients.json";
  // An earlier run's file, for a client whose representation does not show its secret.
  const Json kept = Json::parse(fixtures::read_text_file(result.clients_file).value_or("{}"), nullptr, false);
  Json clients = Json::object();
  for (const auto& agent : agents) {
    std::string secret;
    if (const auto existing = admin.find_client(target.realm, agent.name)) {
      secret = existing->value("secret", "");
      if (secret.empty() && kept.is_object() && kept.contains(agent.name) && kept[agent.name].is_object()) {
        secret = kept[agent.name].value("client_secret", "");
      }
      if (secret.empty()) throw std::runtime_error("Keycloak: the client " + agent.name + " exists, and its secret is not known here");
    } else {
      secret = openssl::random_text(kSecretAlphabet, kSecretLength);
      admin.create_client(target.realm, client_representation(agent, secret, options.audience));
      ++result.changes;
      say("  + service-account client " + agent.name);
    }
    clients[agent.name] = {{"client_id", agent.name}, {"client_secret", secret}};
  }
  const std::string text = clients.dump(2) + "\n";
  if (fixtures::read_text_file(result.clients_file).value_or("") != text) fixtures::write_private_file(result.clients_file, text);
  return result;
}

}  // namespace mcph::harness::provision
