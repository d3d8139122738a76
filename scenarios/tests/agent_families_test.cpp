// The agent families (agent_identity, transport_identity, authorization_server) and family 8's
// HS256 file (jwt_attacks_hs256) against agent-bridge-mcp started with each of its --unsafe-*
// switches, behind a TLS proxy, on a stack this test writes itself (agent_stack.h): the families
// fail in exactly the scenarios that show the switch's defect, with its finding, and nowhere
// else. (The well-behaved bridge is the shared stack's: scenarios/CMakeLists.txt.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include "agent_stack.h"
#include "sabotage_verdicts.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/tls_proxy.h"

namespace mcph::harness::scenario {
namespace {

using Status = reports::ScenarioResult::Status;

const std::vector<std::string> kFamilies = {"agent_identity", "transport_identity", "jwt_attacks_hs256",
                                             "authorization_server"};

// The files `families` (default: all four), every scenario, through the stack file `stack_file`.
std::vector<Outcome> run_families_on(const std::filesystem::path& stack_file,
                                     const std::vector<std::string>& families = kFamilies) {
  ScenarioRunner runner(stack::StackFile::load(stack_file));
  return run_suites(runner, families);
}

// The three files against a bridge with `switches`.
std::vector<Outcome> run_families(const std::vector<std::string>& switches) {
  const AgentStack stack(switches);
  return run_families_on(stack.stack_file());
}

// With the switch on, each scenario of `red` (family / name → property) fails naming its
// property on agent-bridge-mcp, and every other scenario passes: the defect is found as what it
// is, and only there. A scenario of `undecided` (→ the words its message must contain) may
// instead end inconclusive, when the same defect keeps its own check from deciding. Returns the
// outcomes, for a test that checks their evidence too (none when the test skipped).
std::vector<Outcome> expect_red(const std::string& flag, const std::map<std::string, std::string>& red,
                                const std::map<std::string, std::string>& undecided = {}) {
  std::vector<Outcome> outcomes;
  try {
    outcomes = run_families({flag});
  } catch (const stack::NginxMissing& e) {
    [&] { GTEST_SKIP() << e.what(); }();  // GTEST_SKIP returns from a void function only
    return {};
  }
  expect_red_exactly(outcomes, {.flag = flag, .server = "agent-bridge-mcp", .red = red, .undecided = undecided});
  return outcomes;
}

void expect_only(const std::string& flag, const std::string& scenario, const std::string& property) {
  expect_red(flag, {{scenario, property}});
}

TEST(AgentBridgeSabotage, AJwtForAnotherAudienceIsFound) {
  expect_only("--unsafe-no-aud-check", "agent_identity / a JWT for another audience, or for none, is refused",
              "accepts a JWT it must refuse");
}

// An unsigned token in any spelling of none is taken: both files' alg none cases go red.
TEST(AgentBridgeSabotage, AcceptingAlgNoneIsFound) {
  expect_red("--unsafe-accept-alg-none",
             {{"agent_identity / a JWT of another issuer or of none, unsigned, signed by another key or expired is refused",
               "accepts a JWT it must refuse"},
              {"jwt_attacks_hs256 / alg none, in any spelling", "accepts a token it must refuse"}});
}

TEST(AgentBridgeSabotage, AJwtWithoutAnIssuerIsFound) {
  expect_only("--unsafe-iss-only-when-present",
              "agent_identity / a JWT of another issuer or of none, unsigned, signed by another key or expired is refused",
              "accepts a JWT it must refuse");
}

TEST(AgentBridgeSabotage, AcceptingAPublishedDefaultSecretIsFound) {
  expect_only("--unsafe-published-jwt-secrets", "jwt_attacks_hs256 / HS256 signed with a published default secret",
              "accepts a token it must refuse");
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

// The DN split on ',' and '+' with escapes ignored, the last CN taken: two CNs (in two RDNs or
// one), an escaped comma in a CN, and one in an OU before the real CN, each name agent-a.
TEST(AgentBridgeSabotage, ADnSplitOnCommasIsFound) {
  const std::string property = "takes an agent's identity from an ambiguous name";
  expect_red("--unsafe-naive-dn-split",
             {{"transport_identity / a certificate with two CNs names no agent", property},
              {"transport_identity / an escaped comma in a CN is part of the name, never a second attribute", property},
              {"transport_identity / an escaped comma in an OU is part of its value, never a CN", property}});
}

TEST(AgentBridgeSabotage, ARefusedCredentialFallingBackToIdentityHeadersIsFound) {
  expect_only("--unsafe-refused-credential-to-headers",
              "transport_identity / a refused API key or JWT does not fall back to identity headers",
              "believes identity headers that did not come from its proxy");
}

TEST(AgentBridgeSabotage, AnotherProxysDnHeaderNameIsFound) {
  expect_only("--unsafe-other-dn-headers", "transport_identity / identity headers under other proxies' names are not believed",
              "believes identity headers that did not come from its proxy");
}

// One pass of replace("..", "") in place of the confinement: "....//" and the encoded tricks go
// through. A plain "../" is stripped to an empty segment inside the agent's own folder, which
// Vault answers with a redirect the bridge passes on as its own error: refused in words no
// refusal of its tool map has, which shows no escape, so that scenario cannot tell.
TEST(AgentBridgeSabotage, ASinglePassDotDotFilterIsFound) {
  const std::string property = "lets a path escape the agent's prefix";
  expect_red("--unsafe-single-pass-dotdot",
             {{"agent_identity / encoded dot-dot segments never leave the agent's prefix", property},
              {"agent_identity / encoded separators, backslashes, NULs and empty segments are refused", property}},
             {{"agent_identity / a path with dot-dot segments never leaves the agent's prefix", "cannot be told"}});
}

// A debugging aid left on: the last tool results, each agent's secrets among them, at a route
// that asks no credential.
TEST(AgentBridgeSabotage, ARouteBesideTheEndpointShowingSecretsIsFound) {
  expect_only("--unsafe-debug-calls",
              "agent_identity / no route beside the endpoint shows an agent's secrets or keys without its credential",
              "shows secrets on a route beside its endpoint");
}

// A "not found" that is a result, not an error, naming the URL the server asked Vault at: the
// check reads an answer whether the call worked or not.
TEST(AgentBridgeSabotage, ASecretNotFoundNamingVaultsAddressIsFound) {
  const std::string named =
      "agent_identity / neither a secret not found nor a route beside the endpoint names the address of the server's Vault";
  for (const Outcome& outcome : expect_red("--unsafe-not-found-names-vault", {{named, "names its Vault's address to callers"}})) {
    if (outcome.name() != named) continue;
    ASSERT_EQ(outcome.unbounded_findings().size(), 1u) << outcome.why();
    EXPECT_NE(outcome.why().find("the answer shows"), std::string::npos) << outcome.why();
  }
}

TEST(AgentBridgeSabotage, TheParentTokenForKvCallsIsFound) {
  expect_only("--unsafe-no-child-token",
              "agent_identity / every KV call is made with a child token of the agent's policy alone and a short TTL",
              "calls Vault with more than the agent's own policy");
}

// The authorization server's forged tokens are refusals too: with the switch they spend
// agent-a's budget, and some meet 429 before the verifier, which leaves that check undecided.
TEST(AgentBridgeSabotage, RefusalsSpendingAnAgentsBudgetAreFound) {
  expect_red("--unsafe-rate-limit-unauthenticated",
             {{"agent_identity / refused credentials spend no agent's rate limit",
               "spends an agent's rate limit on requests that are not its"}},
             {{"authorization_server / a token forged with any key the server published, or a well-known secret, is refused",
               "met the rate limit (429)"}});
}

TEST(AgentBridgeSabotage, ABatchCostingOneCallIsFound) {
  expect_only("--unsafe-uncharged-batches",
              "agent_identity / a batch of more calls than an agent's limit is refused whole, and a small batch is answered",
              "a batch of calls escapes the rate limit");
}

// No limit on an agent's calls: its burst and its batch of 25 are served whole.
TEST(AgentBridgeSabotage, NoPerAgentRateLimitIsFound) {
  expect_red("--unsafe-no-agent-rate-limit",
             {{"agent_identity / an agent beyond its rate limit gets 429, and another agent is unaffected", "no per-agent rate limit"},
              {"agent_identity / a batch of more calls than an agent's limit is refused whole, and a small batch is answered",
               "a batch of calls escapes the rate limit"}});
}

// resources/read believing the agent its URI names: agent-b reads agent-a's secret by its URI.
TEST(AgentBridgeSabotage, AResourceOfAnyAgentIsFound) {
  expect_only("--unsafe-resource-any-agent",
              "agent_identity / resources/read gives an agent its own secrets as resources and no one else's",
              "reads another agent's secrets");
}

TEST(AgentBridgeSabotage, TheFirstOfTwoCredentialsDecidingIsFound) {
  expect_only("--unsafe-first-credential-wins",
              "agent_identity / an API key and a JWT of two agents in one request are refused with 400, in either order",
              "lets one of several credentials decide");
}

namespace {

// The bridge's stack with `switches` and `jwt_alg`, or null, saying why in `missing`, when a part
// of it is not installed (nginx): the test then skips.
std::unique_ptr<AgentStack> agent_stack_or_missing(std::string& missing, const std::vector<std::string>& switches = {},
                                                   const std::string& jwt_alg = "HS256") {
  try {
    return std::make_unique<AgentStack>(switches, jwt_alg);
  } catch (const stack::NginxMissing& e) {
    missing = e.what();
    return nullptr;
  }
}

// docs/examples/agent-server.stack.json, as its reader finds it.
std::string documented_example() {
  const std::string path = std::string(MCPH_DOCS_DIR) + "/examples/agent-server.stack.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

// The documented example of a hand-written stack file for a server the harness did not write
// (docs/target-profiles.md): filled with a bridge's addresses, as its reader fills it with their
// server's, it runs every scenario of the four files, the authorization server's through the
// example's client_credentials, and each passes against a well-behaved server. Were the example
// to drift from what the harness reads, this fails.
TEST(HandWrittenProfile, TheDocumentedExampleRunsTheAgentFamilies) {
  std::string missing;
  const auto stack = agent_stack_or_missing(missing);
  if (!stack) GTEST_SKIP() << missing;
  const std::string example = documented_example();
  // The example's agents authenticate by API key, HS256 JWT, certificate and the client
  // credentials grant of the server's own authorization server.
  const std::vector<std::string> families = {"agent_identity", "transport_identity", "jwt_attacks_hs256", "authorization_server"};
  const auto outcomes = run_families_on(stack->write_stack_file("hand-written.stack.json", example), families);
  std::set<std::string> files;
  for (const auto& outcome : outcomes) {
    EXPECT_EQ(outcome.status, Status::passed) << outcome.why();
    files.insert(outcome.suite);
  }
  EXPECT_EQ(files.size(), families.size());
  EXPECT_GE(outcomes.size(), 44u);
}

// A team's server under its own name: the documented example with the bridge's entry named
// vault-gateway, which plays agent-bridge-mcp. Every scenario written for agent-bridge-mcp
// reaches it, and with a switch on, the finding names vault-gateway, the server the team knows.
TEST(ServerUnderItsOwnName, TheFamiliesReachItAndTheFindingNamesIt) {
  const std::string flag = "--unsafe-no-child-token";
  std::string missing;
  const auto stack = agent_stack_or_missing(missing, std::vector<std::string>{flag});
  if (!stack) GTEST_SKIP() << missing;
  std::string example = documented_example();
  const std::string entry = "\"agent-bridge-mcp\": {";
  const auto at = example.find(entry);
  ASSERT_NE(at, std::string::npos) << "docs/examples/agent-server.stack.json";
  example.replace(at, entry.size(), "\"vault-gateway\": {\"plays\": \"agent-bridge-mcp\",");
  const auto outcomes = run_families_on(stack->write_stack_file("renamed.stack.json", example));
  expect_red_exactly(outcomes, {.flag = flag,
                                .server = "vault-gateway",
                                .red = {{"agent_identity / every KV call is made with a child token of the agent's policy "
                                         "alone and a short TTL",
                                         "calls Vault with more than the agent's own policy"}}});
}

// A stack file whose `secrets` layout does not say where the server keeps its agents' secrets
// (the bridge keeps them at mcp/<agent>/, the file says elsewhere/<agent>/): the harness cannot
// tell whose folder a path is in, so no scenario may fail on it — those that look at Vault's
// audit log end inconclusive, naming the layout, and the rest still pass.
TEST(WrongSecretLayout, NoScenarioFailsAndThoseItDecidesAreInconclusiveNamingIt) {
  std::string missing;
  const auto stack = agent_stack_or_missing(missing);
  if (!stack) GTEST_SKIP() << missing;
  std::string example = documented_example();
  const std::string profile = "\"profile\": \"agent-bridge\",";
  const auto at = example.find(profile);
  ASSERT_NE(at, std::string::npos) << "docs/examples/agent-server.stack.json";
  example.insert(at + profile.size(), " \"secrets\": {\"mount\": \"secret\", \"path\": \"elsewhere/{agent}/{key}\"},");
  const auto outcomes = run_families_on(stack->write_stack_file("wrong-layout.stack.json", example), {"agent_identity"});
  std::size_t doubted = 0, passed = 0;
  for (const auto& outcome : outcomes) {
    EXPECT_NE(outcome.status, Status::failed) << outcome.why();
    EXPECT_TRUE(outcome.findings.empty()) << outcome.why();
    if (outcome.status == Status::error) {
      EXPECT_NE(outcome.message.find("secret/elsewhere/{agent}/{key}"), std::string::npos) << outcome.why();
      ++doubted;
    }
    passed += outcome.status == Status::passed;
  }
  EXPECT_GE(doubted, 5u) << "the scenarios that read Vault's audit log";
  EXPECT_GE(passed, 3u) << "the credential cases, which do not depend on the layout";
}

// An RS256 or ES256 static_jwt profile against a bridge that verifies the agents' JWTs by a
// JWKS (--jwks-url): the agent families pass with the tokens the harness signs with the private
// key, and the key's public half used as an HS256 secret (key confusion) is refused.
class AsymmetricAgentJwts : public ::testing::TestWithParam<std::string> {};

TEST_P(AsymmetricAgentJwts, TheAgentFamiliesPassAndThePublicKeyAsAnHmacSecretIsRefused) {
  std::string missing;
  const auto stack = agent_stack_or_missing(missing, std::vector<std::string>{}, GetParam());
  if (!stack) GTEST_SKIP() << missing;
  const std::string confusion = R"(suite: key_confusion
family: jwt-attacks
description: the public key as an HMAC secret
needs: {services: [agent-bridge-mcp], auth: [static_jwt]}
scenarios:
  - name: the agent's JWT is accepted, and HS256 keyed with the public key is refused
    property: accepts-token-it-must-refuse
    steps:
      - as: agent-a
        via: static_jwt
        http: {server: agent-bridge-mcp, probe: true}
        expect: {http_status: 200}
      - as: agent-a
        via: static_jwt
        credential: {sign: public_key_as_secret}
        http: {server: agent-bridge-mcp, probe: true}
        expect: {http_status: 401, bearer_challenge: invalid_token, token_not_echoed: true}
)";
  const std::filesystem::path confusion_file = stack->write_stack_file("key_confusion.yaml", confusion);
  ScenarioRunner runner(stack::StackFile::load(stack->stack_file()));
  std::size_t passed = 0;
  for (const ScenarioFile& file : {scenario_family("agent_identity"), scenario_family("transport_identity"),
                                   load_scenario_file(confusion_file.string())}) {
    for (const auto& result : runner.run(file).scenarios) {
      EXPECT_EQ(result.status, Status::passed) << GetParam() << ": " << file.suite << " / " << result.name << " ("
                                               << result.message << ")";
      passed += result.status == Status::passed;
    }
  }
  EXPECT_GE(passed, 30u);
}

INSTANTIATE_TEST_SUITE_P(StaticJwt, AsymmetricAgentJwts, ::testing::Values("RS256", "ES256"));

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

// A secret in the JWKS, written in the standard alphabet with padding and used as that text:
// found in the JWKS, and by the forgery keyed with the text (the only one the server takes).
TEST(AuthorizationServerSabotage, ASharedSecretInTheJwksKeyedByItsTextIsFound) {
  const std::string forged = "authorization_server / a token forged with any key the server published, or a well-known secret, is refused";
  const std::vector<Outcome> outcomes =
      expect_red("--unsafe-jwks-shared-secret",
                 {{"authorization_server / the JWKS publishes public keys only", "publishes private key material in its JWKS"},
                  {forged, "accepts a token forged with what it published"}});
  for (const auto& outcome : outcomes) {
    if (outcome.name() != forged) continue;
    ASSERT_EQ(outcome.unbounded_findings().size(), 1u) << outcome.why();
    const std::string evidence = outcome.why();
    EXPECT_NE(evidence.find("keyed with the text of the `k` published as kid internal-hs256"), std::string::npos) << evidence;
    EXPECT_EQ(evidence.find("HS256 with the symmetric key published"), std::string::npos) << evidence;
  }
}

}  // namespace
}  // namespace mcph::harness::scenario

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
