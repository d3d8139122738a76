// The agent families (agent_identity, transport_identity, authorization_server) against
// agent-bridge-mcp started with each of its --unsafe-* switches, behind a TLS proxy, on a stack
// this test writes itself (agent_stack.h): the families fail in exactly the scenarios that show
// the switch's defect, with its finding, and nowhere else. (The well-behaved bridge is the shared
// stack's: scenarios/CMakeLists.txt.)
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "agent_stack.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/tls_proxy.h"

namespace mcph::harness {
namespace {

using Status = reports::ScenarioResult::Status;

const std::vector<std::string> kFamilies = {"agent_identity", "transport_identity", "authorization_server"};

ScenarioFile family_file(const std::string& suite) {
  return load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml");
}

struct Outcome {
  std::string scenario;
  Status status;
  std::string message;
  std::vector<reports::Finding> findings;
  std::vector<reports::Failure> failures;
  std::string why() const {
    std::string text = scenario + " (" + message + ")";
    for (const auto& f : failures) text += "\n  step " + f.step + ": expected " + f.expectation + ", actual " + f.actual;
    for (const auto& f : findings) text += "\n  finding on " + f.server + ": " + f.property;
    return text;
  }
};

// Both families, every scenario, against a bridge with `switches`.
std::vector<Outcome> run_families(const std::vector<std::string>& switches) {
  const AgentStack stack(switches);
  ScenarioRunner runner(StackFile::load(stack.stack_file()));
  std::vector<Outcome> outcomes;
  for (const auto& suite : kFamilies) {
    for (const auto& result : runner.run(family_file(suite)).scenarios) {
      outcomes.push_back({suite + " / " + result.name, result.status, result.message, result.findings, result.failures});
    }
  }
  return outcomes;
}

// With the switch on, each scenario of `red` (family / name → property) fails naming its
// property on agent-bridge-mcp, and every other scenario passes: the defect is found as what it
// is, and only there.
void expect_red(const std::string& flag, const std::map<std::string, std::string>& red) {
  std::vector<Outcome> outcomes;
  try {
    outcomes = run_families({flag});
  } catch (const NginxMissing& e) {
    GTEST_SKIP() << e.what();
  }
  std::set<std::string> seen;
  for (const auto& outcome : outcomes) {
    const auto due = red.find(outcome.scenario);
    if (due == red.end()) {
      EXPECT_EQ(outcome.status, Status::passed) << "with " << flag << ": " << outcome.why();
      continue;
    }
    seen.insert(outcome.scenario);
    EXPECT_EQ(outcome.status, Status::failed) << flag << " went unnoticed: " << outcome.why();
    EXPECT_FALSE(outcome.findings.empty()) << outcome.why();
    for (const auto& finding : outcome.findings) {
      EXPECT_EQ(finding.property, due->second) << outcome.why();
      EXPECT_EQ(finding.server, "agent-bridge-mcp") << outcome.why();
    }
  }
  for (const auto& [scenario, property] : red) EXPECT_TRUE(seen.contains(scenario)) << "no scenario " << scenario;
}

void expect_only(const std::string& flag, const std::string& scenario, const std::string& property) {
  expect_red(flag, {{scenario, property}});
}

TEST(AgentBridgeSabotage, AJwtForAnotherAudienceIsFound) {
  expect_only("--unsafe-no-aud-check", "agent_identity / a JWT for another audience, or for none, is refused",
              "accepts a JWT it must refuse");
}

TEST(AgentBridgeSabotage, AScopeBySubstringIsFound) {
  expect_only("--unsafe-scope-substring", "agent_identity / a scope that only contains the needed one grants nothing",
              "grants a scope the agent does not have");
}

// Believed with any verdict, the proxy's own FAILED for a foreign CA's certificate lets it in too.
TEST(AgentBridgeSabotage, IdentityHeadersFromAnyoneAreFound) {
  expect_red("--unsafe-trust-identity-headers",
             {{"transport_identity / identity headers sent straight to the server are not believed",
               "believes identity headers that did not come from its proxy"},
              {"transport_identity / the server behind the proxy, reached directly, takes no certificate's word",
               "believes identity headers that did not come from its proxy"},
              {"transport_identity / a certificate from a foreign CA is refused", "accepts a client certificate it must refuse"}});
}

// One pass of replace("..", "") in place of the confinement: every path trick goes through.
TEST(AgentBridgeSabotage, ASinglePassDotDotFilterIsFound) {
  const std::string property = "lets a path escape the agent's prefix";
  expect_red("--unsafe-single-pass-dotdot",
             {{"agent_identity / a path with dot-dot segments never leaves the agent's prefix", property},
              {"agent_identity / encoded dot-dot segments never leave the agent's prefix", property},
              {"agent_identity / encoded separators, backslashes, NULs and empty segments are refused", property}});
}

TEST(AgentBridgeSabotage, TheParentTokenForKvCallsIsFound) {
  expect_only("--unsafe-no-child-token",
              "agent_identity / every KV call is made with a child token of the agent's policy alone and a short TTL",
              "calls Vault with more than the agent's own policy");
}

TEST(AgentBridgeSabotage, RefusalsSpendingAnAgentsBudgetAreFound) {
  expect_only("--unsafe-rate-limit-unauthenticated", "agent_identity / refused credentials spend no agent's rate limit",
              "spends an agent's rate limit on requests that are not its");
}

TEST(AgentBridgeSabotage, TheFirstOfTwoCredentialsDecidingIsFound) {
  expect_only("--unsafe-first-credential-wins",
              "agent_identity / an API key and a JWT of two agents in one request are refused with 400, in either order",
              "lets one of several credentials decide");
}

// The switches of the bridge's authorization server (AuthorizationServerSabotage, label
// authorization-server). A private key in the JWKS is also a key anyone can sign with.
TEST(AuthorizationServerSabotage, PrivateMembersInTheJwksAreFound) {
  expect_red("--unsafe-jwks-private-parts",
             {{"authorization_server / the JWKS publishes public keys only", "publishes private key material in its JWKS"},
              {"authorization_server / a token forged with any key the server published, or a well-known secret, is refused",
               "accepts a token forged with what it published"}});
}

TEST(AuthorizationServerSabotage, AnAdvertisedMethodRefusedIsFound) {
  expect_only("--unsafe-basic-auth-refused",
              "authorization_server / every client authentication method the metadata advertises gives a token",
              "advertises a client authentication method it refuses");
}

TEST(AuthorizationServerSabotage, AScopeBySubstringIsFound) {
  expect_only("--unsafe-scope-by-substring", "authorization_server / a scope that merely contains one of the client's is not granted",
              "grants a scope beyond the client's");
}

TEST(AuthorizationServerSabotage, InvalidClientWithoutAChallengeIsFound) {
  expect_only("--unsafe-invalid-client-400",
              "authorization_server / a client that fails Basic authentication gets 401 invalid_client with a Basic challenge",
              "answers a failed client authentication against RFC 6749 §5.2");
}

TEST(AuthorizationServerSabotage, TokensOfAnotherIssuerAreFound) {
  expect_only("--unsafe-issuer-mismatch", "authorization_server / the tokens' iss is the issuer the metadata names",
              "issues tokens whose iss is not its issuer");
}

TEST(AuthorizationServerSabotage, AWellKnownDefaultSecretIsFound) {
  expect_only("--unsafe-default-jwt-secret",
              "authorization_server / a token forged with any key the server published, or a well-known secret, is refused",
              "accepts a token forged with what it published");
}

}  // namespace
}  // namespace mcph::harness

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
