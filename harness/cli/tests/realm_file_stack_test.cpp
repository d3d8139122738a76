// A stack whose realm is a team's own (`mcp-harness up --realm-file`), as a team brings it: its
// SPIFFE identity provider and its client for an agent, named its own way. The harness adds what
// the families need beside them and reuses what the realm has; the workload-identity family then
// passes on the team's client, whose SPIFFE ID has the team's own shape (`--agent`), and a realm that trusts another trust domain than the stack's is
// refused saying which to start with.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/stack/stack_file.h"
#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr const char* kTeamsTrustDomain = "prod.acme-corp.example";
// The trusted agent as the team's SPIRE names it: a Kubernetes namespace and service account.
constexpr const char* kReporter = "spiffe://prod.acme-corp.example/ns/billing/sa/reporter";

// The team's realm: its SPIFFE provider (acme-spire, pointing at the team's own SPIRE) and its
// client for the trusted agent, billing.
Json team_realm() {
  return {{"realm", "acme-agents"},
          {"enabled", true},
          {"accessTokenLifespan", 300},
          {"identityProviders",
           Json::array({{{"alias", "acme-spire"},
                         {"providerId", "spiffe"},
                         {"enabled", true},
                         {"config", {{"trustDomain", std::string("spiffe://") + kTeamsTrustDomain},
                                     {"bundleEndpoint", "https://spire.acme-corp.example/bundle"}}}}})},
          {"clients",
           Json::array({{{"clientId", "billing"},
                         {"clientAuthenticatorType", "federated-jwt"},
                         {"serviceAccountsEnabled", true},
                         {"standardFlowEnabled", false},
                         {"directAccessGrantsEnabled", false},
                         {"attributes", {{"jwt.credential.issuer", "acme-spire"}, {"jwt.credential.sub", kReporter}}},
                         {"protocolMappers",
                          Json::array({{{"name", "workload-mcp audience"},
                                        {"protocol", "openid-connect"},
                                        {"protocolMapper", "oidc-audience-mapper"},
                                        {"config", {{"included.custom.audience", "workload-mcp"},
                                                    {"access.token.claim", "true"},
                                                    {"id.token.claim", "false"}}}}})}}})}};
}

fs::path write_realm(const fs::path& dir) {
  const fs::path path = dir / "acme-agents-realm.json";
  std::ofstream(path) << team_realm().dump(2);
  return path;
}

TEST(RealmFileStack, ATeamsRealmKeepsItsProviderAndClientAndTheFamilyPasses) {
  proc::TempDir files = work_dir();
  UpStack stack({"--trust-domain", kTeamsTrustDomain, "--agent", std::string("trusted-agent=") + kReporter, "--realm-file",
                 write_realm(files.path()).string(), "--users", "0"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const stack::StackFile file = stack::StackFile::load(stack.stack_file);
  const stack::ServiceEntry& keycloak = file.service("keycloak");
  provision::KeycloakAdmin admin(keycloak.url, keycloak.idp.user(), keycloak.idp.password());

  // One SPIFFE provider, the team's, now reading the stack's trust domain's bundle.
  const Json providers = admin.list_identity_providers(file.realm);
  ASSERT_EQ(providers.size(), 1u) << providers.dump();
  EXPECT_EQ(providers[0].value("alias", ""), "acme-spire");
  EXPECT_EQ(providers[0]["config"].value("bundleEndpoint", ""), file.service("spiffe").url + "/");
  // The team's client for the trusted agent is its only one; the others are the harness's, under
  // the team's provider.
  int for_trusted = 0;
  for (const Json& client : admin.list_clients(file.realm)) {
    const Json attributes = client.value("attributes", Json::object());
    if (client.value("clientAuthenticatorType", "") != "federated-jwt") continue;
    EXPECT_EQ(attributes.value("jwt.credential.issuer", ""), "acme-spire") << client.value("clientId", "");
    if (attributes.value("jwt.credential.sub", "") == kReporter) {
      ++for_trusted;
      EXPECT_EQ(client.value("clientId", ""), "billing");
    }
  }
  EXPECT_EQ(for_trusted, 1);
  // The fixture's clients were added beside the team's.
  EXPECT_TRUE(admin.find_client(file.realm, "mcp-client").has_value());

  const auto run = harness({"run", "--stack", stack.stack_file.string(),
                            (fs::path(MCPH_SCENARIOS_DIR) / "workload_identity.yaml").string()},
                           stack.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output << server_failures(stack.run_dir);
  EXPECT_THAT(run.output, HasSubstr(" passed, 0 failed, 0 broken, 0 skipped"));
}

TEST(RealmFileStack, ARealmTrustingAnotherTrustDomainIsRefusedNamingIt) {
  proc::TempDir files = work_dir();
  UpStack stack({"--realm-file", write_realm(files.path()).string(), "--users", "0"});
  EXPECT_NE(stack.up.exit_code, 0) << stack.up.output;
  EXPECT_THAT(stack.up.output, HasSubstr(std::string("start the stack with --trust-domain ") + kTeamsTrustDomain));
}

TEST(RealmFileStack, AFileThatIsNoRealmIsAUsageError) {
  proc::TempDir files = work_dir();
  std::ofstream(files.path() / "two.json") << R"([{"realm": "a"}, {"realm": "b"}])";
  const auto up = harness({"up", "--run-dir", (files.path() / "run").string(), "--realm-file",
                           (files.path() / "two.json").string()},
                          files.path());
  EXPECT_EQ(up.exit_code, 2) << up.output;
  EXPECT_THAT(up.output, HasSubstr("holds a list of realms (2), not one: export the one to test"));
  const auto missing = harness({"up", "--run-dir", (files.path() / "run").string(), "--realm-file",
                                (files.path() / "none.json").string()},
                               files.path());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("cannot read"));
}

}  // namespace
}  // namespace mcph::harness::cli
