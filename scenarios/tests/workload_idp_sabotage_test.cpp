// The workload-identity family against Keycloak stand-ins started with each of mock-keycloak's
// --unsafe-* switches of federated client authentication (tests/workload_idp_stack.h: a trust
// domain, the Keycloak and a workload-mcp of the test's own): the family fails in exactly the
// scenarios that show the switch's defect, with its finding on keycloak, and nowhere else; the
// untouched stand-in passes it all.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/spiffe/spiffe_id.h"
#include "workload_idp_stack.h"

namespace mcph::harness::scenario {
namespace {

using Status = reports::ScenarioResult::Status;

// Nothing listens there: the family's one call to workload-mcp is refused before any policy
// decision (an agent without a tier).
constexpr const char* kNoPolicyEngine = "http://127.0.0.1:9";

std::string why(const reports::ScenarioResult& result) {
  std::string text = result.name + " (" + result.message + ")";
  for (const auto& f : result.failures) text += "\n  step " + f.step + ": expected " + f.expectation + ", actual " + f.actual;
  for (const auto& f : result.findings) text += "\n  finding on " + f.server + ": " + f.property;
  return text;
}

// The family against `stack`'s Keycloak (`with` says how it is set up): each of `red` (scenario →
// property) fails with that finding on keycloak alone; each of `inconclusive` is inconclusive (an
// error, with no finding); every other scenario passes.
void expect_red_on(const WorkloadIdpStack& stack, const std::string& with, const std::map<std::string, std::string>& red,
                   const std::set<std::string>& inconclusive = {}) {
  ScenarioRunner runner(stack.stack());
  const auto results = runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/workload_identity.yaml")).scenarios;
  std::set<std::string> seen;
  for (const auto& result : results) {
    if (inconclusive.contains(result.name)) {
      seen.insert(result.name);
      EXPECT_EQ(result.status, Status::error) << with << ": " << why(result);
      EXPECT_TRUE(result.findings.empty()) << with << ": " << why(result);
      continue;
    }
    const auto due = red.find(result.name);
    if (due == red.end()) {
      EXPECT_EQ(result.status, Status::passed) << with << ": " << why(result);
      continue;
    }
    seen.insert(result.name);
    EXPECT_EQ(result.status, Status::failed) << with << " went unnoticed: " << why(result);
    ASSERT_FALSE(result.findings.empty()) << why(result);
    for (const auto& finding : result.findings) {
      EXPECT_EQ(finding.property, due->second) << why(result);
      EXPECT_EQ(finding.server, "keycloak") << why(result);
    }
  }
  for (const auto& [scenario, property] : red) EXPECT_TRUE(seen.contains(scenario)) << "no scenario " << scenario;
  for (const auto& scenario : inconclusive) EXPECT_TRUE(seen.contains(scenario)) << "no scenario " << scenario;
}

// The family against a Keycloak with `switches`.
void expect_red(const std::vector<std::string>& switches, const std::map<std::string, std::string>& red) {
  const WorkloadIdpStack stack(switches, kNoPolicyEngine);
  expect_red_on(stack, switches.empty() ? std::string("untouched") : switches.front(), red);
}

TEST(KeycloakSvidSabotage, TheUntouchedStandInPassesTheFamily) { expect_red({}, {}); }

// A team's realm names its agents' clients its own way ("acme-…" here, where the harness's
// realm names each by its SPIFFE ID): the family finds an agent's client by the SPIFFE ID its
// federated credential names, so the realm's naming is no finding. workload-mcp, the project's
// own server, reads its caller's SPIFFE ID from azp (its realm's convention), so it refuses these
// clients' tokens by 401: the one scenario that asks its policy's decision cannot tell it.
TEST(KeycloakSvidSabotage, ARealmNamingItsClientsItsOwnWayPassesTheFamily) {
  const WorkloadIdpStack stack({}, kNoPolicyEngine);
  const stack::ServiceEntry& keycloak = stack.stack().service("keycloak");
  provision::KeycloakAdmin admin(keycloak.url, keycloak.idp.user(), keycloak.idp.password());
  int renamed = 0;
  for (const auto& client : admin.list_clients(stack.stack().realm)) {
    const std::string name = client.value("clientId", "");
    if (client.value("clientAuthenticatorType", "") != "federated-jwt") continue;
    // spiffe://<trust domain>/agent/<agent> → acme-<trust domain>-<agent>: the foreign client too.
    admin.update_client(stack.stack().realm, client.at("id"),
                        {{"clientId", "acme-" + spiffe::trust_domain_of(name) + "-" + name.substr(name.rfind('/') + 1)}});
    ++renamed;
  }
  ASSERT_GE(renamed, 3);
  expect_red_on(stack, "clients named acme-…", {},
                {"an agent the policy gives no tier still authenticates, and the server refuses it"});
}

TEST(KeycloakSvidSabotage, AnotherAgentsSvidForTheClientNamedIsFound) {
  expect_red({"--unsafe-client-from-client-id"},
             {{"another agent's SVID with this agent's client_id is refused", "authenticates a client with another agent's SVID"}});
}

// Only the forgery under a kid the bundle has goes red: an unknown kid or none still names no key.
TEST(KeycloakSvidSabotage, AnUnverifiedSignatureIsFound) {
  expect_red({"--unsafe-svid-kid-only"},
             {{"an attacker's key under the bundle's kid is refused", "accepts an SVID its trust domain did not issue"}});
}

// The foreign SVID is signed by the trust domain's own key: nothing but the skipped comparison
// stood in its way.
TEST(KeycloakSvidSabotage, AForeignTrustDomainTakenIsFound) {
  expect_red({"--unsafe-svid-any-trust-domain"},
             {{"a SPIFFE ID of a foreign trust domain is refused", "accepts an SVID its trust domain did not issue"}});
}

TEST(KeycloakSvidSabotage, AnExpiredSvidTakenIsFound) {
  expect_red({"--unsafe-no-svid-expiry"}, {{"an expired SVID is refused", "accepts an expired SVID"}});
}

// Two audiences stay refused: Keycloak's check of their number is another.
TEST(KeycloakSvidSabotage, AnotherAudienceTakenIsFound) {
  expect_red({"--unsafe-no-svid-audience"},
             {{"an SVID for another audience is refused", "accepts an SVID issued for another audience"}});
}

TEST(KeycloakSvidSabotage, ARemovedBundleKeyStillTrustedIsFound) {
  expect_red({"--unsafe-keep-removed-bundle-keys"},
             {{"after the trust domain rotates its key and removes the old one, the removed key's SVID is refused",
               "accepts an SVID of a key its trust domain removed"}});
}

}  // namespace
}  // namespace mcph::harness::scenario
