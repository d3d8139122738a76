// The workload-identity families (dpop, trust_tiers, workload_rate_limit) against workload-mcp
// started with each of its --unsafe-* switches (or without a rate limit) beside the shared
// stack's (the same Keycloak realm, trust domain and OPA; the runner is given the shared stack
// file with workload-mcp's URL swapped for the switched server's): the family fails in exactly
// the scenarios that show the switch's defect, with its finding, and nowhere else. The well-behaved server is the shared stack's (scenarios/CMakeLists.txt).
// So do agent-bridge-mcp's --unsafe-dpop-as-bearer, in the DPoP family's case of the realm's
// bound tokens at every server that takes them, and its --unsafe-fail-open-child-token, in the
// agent faults family.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "dpop_proof_switches.h"
#include "sabotage_verdicts.h"
#include "mcph/harness/provision/agent_provisioning.h"
#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/service_health.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/service.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::scenario {
namespace {

using Status = reports::ScenarioResult::Status;

class WorkloadSabotage : public ::testing::Test {
 public:  // for the helpers of the trust-tier tests below
  void SetUp() override {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: these tests run beside the shared stack";
    stack_ = stack::StackFile::load(stack_file);
    // `up` always brings workload-mcp where scripts/bootstrap has run: a stack without it is a
    // machine set up wrong, not a reason to pass these tests by skipping them.
    if (!stack_.services.count("workload-mcp")) {
      const auto why = stack_.services_left_out.find("workload-mcp");
      FAIL() << "the shared stack has no workload-mcp"
             << (why != stack_.services_left_out.end() ? " (" + why->second + ")" : std::string())
             << "; the opa row: "
             << (stack_.services_left_out.count("opa") ? stack_.services_left_out.at("opa") : "present");
    }
  }

  // workload-mcp with `flags`, configured as the stack's own (its OPA through the fault proxy),
  // or asking the OPA at `opa_url`.
  proc::StartedService start_server(const std::vector<std::string>& flags, const std::string& opa_url = {}) const {
    const stack::ServiceEntry& keycloak = stack_.service("keycloak");
    const stack::ServiceEntry& opa = stack_.service("opa");
    const std::string realm = keycloak.url + "/realms/" + stack_.realm;
    proc::SpawnOptions spawn;
    spawn.name = "workload-mcp";
    spawn.argv = {MCPH_WORKLOAD_MCP, "--port", "0", "--issuer", realm, "--agents-file",
                  std::string(MCPH_POLICIES_DIR) + "/trust_tiers/agents.json",
                  "--opa-url", !opa_url.empty() ? opa_url : opa.url_for_servers.empty() ? opa.url : opa.url_for_servers};
    spawn.argv.insert(spawn.argv.end(), flags.begin(), flags.end());
    return proc::start_service(spawn);
  }

  // The family's scenarios (those named in `only`, when given) against the stack with `service`
  // (an MCP server) at `server_url`, and its OPA at `opa_url`, when given.
  std::vector<Outcome> run_family(const std::string& suite, const std::string& service, const std::string& server_url,
                                  const std::string& opa_url = {}, const std::vector<std::string>& only = {}) const {
    stack::StackFile stack = stack_;
    stack.services[service].url = server_url + "/mcp";
    if (!opa_url.empty()) stack.services["opa"].url = opa_url;
    ScenarioRunner runner(stack);
    return run_scenarios(runner, suite, only);
  }

  // An OPA of the test's own (`opa`, the binary) serving the policies and data of `dir`.
  static proc::StartedService start_opa(const std::filesystem::path& opa, const std::filesystem::path& dir) {
    const int port = proc::free_loopback_port();
    proc::SpawnOptions spawn;
    spawn.name = "opa";
    spawn.argv = {opa.string(), "run", "--server", "--addr", "127.0.0.1:" + std::to_string(port), "--disable-telemetry",
                  dir.string()};
    proc::ReadyWhen ready;
    ready.announces = false;
    ready.url = "http://127.0.0.1:" + std::to_string(port);
    ready.health = proc::HealthProbe{"GET /health", [](const std::string& base) {
                                       return stack::http_get_failure(base + "/health", std::chrono::seconds(2));
                                     }};
    return proc::start_service(spawn, ready);
  }

  // The family's scenarios against a workload-mcp with `flags`: see expect_red_at.
  void expect_red(const std::string& suite, const std::vector<std::string>& flags,
                  const std::map<std::string, std::string>& red, const std::set<std::string>& also = {}) {
    std::string flag;
    for (const auto& each : flags) flag += (flag.empty() ? "" : " ") + each;
    const proc::StartedService server = start_server(flags);
    expect_red_at("workload-mcp", suite, run_family(suite, "workload-mcp", server.url), flag, red, also);
  }

  // Each of `red` (a scenario of `suite` → property) fails naming its property (or one of
  // `also`) on `service`, the server with `flag`; every other scenario passes.
  static void expect_red_at(const std::string& service, const std::string& suite, const std::vector<Outcome>& outcomes,
                            const std::string& flag, const std::map<std::string, std::string>& red,
                            const std::set<std::string>& also = {}) {
    RedVerdicts expected{.flag = flag, .server = service, .also = also};
    for (const auto& [scenario, property] : red) expected.red[suite + " / " + scenario] = property;
    expect_red_exactly(outcomes, expected);
  }

  stack::StackFile stack_;
};

TEST_F(WorkloadSabotage, ABoundTokenWithoutAProofIsFound) {
  expect_red("dpop", {"--unsafe-dpop-no-proof"},
             {{"a bound token without a proof is refused", "accepts a DPoP-bound token without a proof"}});
}

TEST_F(WorkloadSabotage, ABoundTokenTakenAsBearerIsFound) {
  expect_red("dpop", {"--unsafe-dpop-as-bearer"},
             {{"a bound token presented as a bearer token is refused", "accepts a DPoP-bound token as a bearer token"}});
}

// agent-bridge-mcp with `flags`, configured as the shared stack's (agent_services.cpp): the
// agents `up` provisioned (their API keys, the parent token and its token role), its Vault
// through the fault proxy, and the realm's tokens for the agents' service accounts.
proc::StartedService start_bridge(const stack::StackFile& stack, const std::vector<std::string>& flags) {
  const std::filesystem::path agents = stack.directory / "agents";
  const std::string realm = stack.service("keycloak").url + "/realms/" + stack.realm;
  const stack::ServiceEntry& vault = stack.service("vault");
  proc::SpawnOptions spawn;
  spawn.name = "agent-bridge-mcp";
  spawn.argv = {MCPH_AGENT_BRIDGE, "--port", "0",
                "--vault-url", vault.url_for_servers.empty() ? vault.url : vault.url_for_servers,
                "--vault-token-file", (agents / "vault-token").string(),
                "--token-role", provision::kAgentTokenRole,
                "--agents-file", (agents / "agents.txt").string(), "--api-keys",
                "--trusted-issuer", realm, "--trusted-issuer-jwks-url", realm + "/protocol/openid-connect/certs",
                "--trusted-issuer-audience", "agent-bridge-mcp"};
  spawn.argv.insert(spawn.argv.end(), flags.begin(), flags.end());
  return proc::start_service(spawn);
}

// With its switch, a DPoP-bound token of the realm sent as a bearer token is found on the
// bridge, and on no server of the realm's users.
TEST_F(WorkloadSabotage, TheBridgeTakingABoundTokenAsBearerIsFound) {
  if (!stack_.services.count("agent-bridge-mcp")) GTEST_SKIP() << "the shared stack has no agent-bridge-mcp";
  const proc::StartedService bridge = start_bridge(stack_, {"--unsafe-dpop-as-bearer"});
  expect_red_at("agent-bridge-mcp", "dpop", run_family("dpop", "agent-bridge-mcp", bridge.url), "--unsafe-dpop-as-bearer",
                {{"a DPoP-bound token of the realm presented as a bearer token is refused by every server that takes the "
                  "realm's tokens",
                  "accepts a DPoP-bound token as a bearer token"}});
}

// A bridge that reads KV with its own token when Vault refuses the call's child token: found by
// the agent faults family, through the stack's fault proxy in front of Vault. The shared
// stack's parent token may only make child tokens, so Vault refuses the read it falls back to:
// the agent gets no secret, and what gives the bridge away is the KV request itself.
TEST_F(WorkloadSabotage, TheBridgeReadingWithoutItsChildTokenIsFound) {
  if (!stack_.services.count("agent-bridge-mcp")) GTEST_SKIP() << "the shared stack has no agent-bridge-mcp";
  const proc::StartedService bridge = start_bridge(stack_, {"--unsafe-fail-open-child-token"});
  expect_red_at("agent-bridge-mcp", "agent_faults", run_family("agent_faults", "agent-bridge-mcp", bridge.url),
                "--unsafe-fail-open-child-token",
                {{"a tool is not run when Vault refuses the call's token, and runs again once Vault gives it",
                  "runs a tool although its token request failed"}});
}

TEST_F(WorkloadSabotage, AProofByAnyKeyIsFound) {
  const std::string property = "accepts a DPoP proof by a key the token is not bound to";
  expect_red("dpop", {"--unsafe-no-jkt-check"},
             {{"a proof by a key the token is not bound to is refused", property},
              {"another agent's bound token, with a proof of the caller's own key, is refused", property}});
}

// The token's claims taken as written: a token the realm never signed, and one of the realm's
// keys for another audience or issuer, each with an honest proof, are served.
TEST_F(WorkloadSabotage, AnAccessTokenTakenUnverifiedIsFound) {
  const std::string property = "accepts a JWT it must refuse";
  expect_red("dpop", {"--unsafe-unverified-token"},
             {{"an access token the realm did not sign is refused, however right its claims and its proof", property},
              {"an access token of the realm for another audience or issuer is refused", property}});
}

// The audience alone unchecked: only the realm's token for another service is served; the token
// the realm did not sign, and the one of another issuer, are still refused.
TEST_F(WorkloadSabotage, AnAccessTokenForAnotherAudienceIsFound) {
  expect_red("dpop", {"--unsafe-no-aud-check"},
             {{"an access token of the realm for another audience or issuer is refused", "accepts a JWT it must refuse"}});
}

TEST_F(WorkloadSabotage, AReplayedProofIsFound) {
  expect_red("dpop", {"--unsafe-no-replay-check"},
             {{"a proof used once is refused the second time", "accepts a replayed DPoP proof"}});
}

// One replay cache for every agent, filled before the rate limit and the tier, as workload-mcp's
// once was, of the stack's size per agent: an agent without a tier fills it with its flood, and
// trusted-agent's honest call is refused.
TEST_F(WorkloadSabotage, ProofsThatCrowdOutAnotherAgentsAreFound) {
  expect_red("dpop", {"--unsafe-shared-replay-cache", "--dpop-replay-capacity=200"},
             {{"an agent without a tier flooding the server with proofs leaves another agent's call served",
               "lets one agent's proofs crowd out another's"}});
}

// The switches of the proof's own checks (dpop_proof_switches.h, through workload-mcp): each turns
// red the one scenario that bends what its check looks at.
class WorkloadSabotageOfProofChecks : public WorkloadSabotage, public ::testing::WithParamInterface<DpopProofSwitch> {};

TEST_P(WorkloadSabotageOfProofChecks, ItsScenarioAloneIsFound) {
  expect_red("dpop", {GetParam().flag}, {{GetParam().workload_scenario, GetParam().property}});
}

INSTANTIATE_TEST_SUITE_P(EachSwitch, WorkloadSabotageOfProofChecks, ::testing::ValuesIn(dpop_proof_switches()),
                         [](const ::testing::TestParamInfo<DpopProofSwitch>& info) { return info.param.name; });

TEST_F(WorkloadSabotage, AToolRunWithoutAuthenticationIsFound) {
  expect_red("dpop", {"--unsafe-no-auth"},
             {{"a call with no credential at all is refused with a DPoP challenge", "runs a tool without authentication"}});
}

TEST_F(WorkloadSabotage, ATierClaimedInAHeaderIsFound) {
  expect_red("trust_tiers", {"--unsafe-spiffe-id-from-header"},
             {{"an untrusted agent claiming a trusted agent's SPIFFE ID in a header stays untrusted",
               "takes an agent's tier from what the caller claims"}});
}

TEST_F(WorkloadSabotage, AToolRunWithoutADecisionIsFound) {
  const std::string property = "runs a tool without a policy decision";
  expect_red("trust_tiers", {"--unsafe-fail-open"},
             {{"with the policy engine down every call is denied at once, and allowed again once it is back", property},
              {"with the policy engine slower than the server's deadline the call is denied promptly", property},
              {"with the connection to the policy engine reset the call is denied", property},
              {"with the policy engine's decision undefined the call is denied, saying so", property},
              {"with the policy engine answering something that is not JSON the call is denied, saying so", property}});
}

// A decision reused for a minute, where the family allows a second: each call under a fault runs
// on the decision of a grant before it (a minute outlasts the family's run, so every one does). The same server keeping decisions for 500 ms, as the
// stack's does, passes the family (the shared stack's run).
TEST_F(WorkloadSabotage, ADecisionKeptPastTheFamilysSecondIsFound) {
  const std::string property = "runs a tool without a policy decision";
  expect_red("trust_tiers", {"--policy-keep-ms", "60000"},
             {{"with the policy engine down every call is denied at once, and allowed again once it is back", property},
              {"with the policy engine slower than the server's deadline the call is denied promptly", property},
              {"with the connection to the policy engine reset the call is denied", property},
              {"with the policy engine's decision undefined the call is denied, saying so", property},
              {"with the policy engine answering something that is not JSON the call is denied, saying so", property}});
}

const std::string kBatchScenario =
    "a batch of more calls than an agent's limit is refused whole, and a small batch is answered";

// The servers these tests start have no rate limit unless told: one where the stack states a
// limit (the shared stack's own server passes the family) lets the whole burst through, and the
// batch beyond the limit too.
TEST_F(WorkloadSabotage, AnAgentsBurstWithoutALimitIsFound) {
  expect_red("workload_rate_limit", {"--rate-limit=0"},
             {{"an agent's burst beyond the limit gets 429 with Retry-After, another agent is unaffected, the agent recovers",
               "no per-agent rate limit"},
              {kBatchScenario, "a batch of calls escapes the rate limit"}});
}

// With the stack's limit, but a batch charged as one call: the burst is stopped, the batch of 25
// is answered.
TEST_F(WorkloadSabotage, ABatchChargedAsOneCallIsFound) {
  expect_red("workload_rate_limit", {"--rate-limit=20", "--rate-window-ms=1000", "--unsafe-uncharged-batches"},
             {{kBatchScenario, "a batch of calls escapes the rate limit"}});
}

// Asked without the SPIFFE ID, the reference policy grants nothing: every scenario with a call
// it should allow goes red, and only the decision table and the probes of the policy (asked of
// OPA directly) stay green.
TEST_F(WorkloadSabotage, APolicyInputWithoutTheSpiffeIdIsFound) {
  std::map<std::string, std::string> red;
  for (const auto& scenario : scenario_family("trust_tiers").scenarios) {
    const bool asks_opa_only = std::all_of(scenario.steps.begin(), scenario.steps.end(),
                                           [](const Step& step) { return step.kind() == StepKind::policy_table; });
    if (!asks_opa_only) red[scenario.name] = "refuses what the policy grants";
  }
  // After OPA's outage, the call it should allow is still refused: its recovery step says so too.
  expect_red("trust_tiers", {"--unsafe-input-without-spiffe-id"}, red, {"does not recover once the policy engine is back"});
}

// An OPA whose policy did not load (its data only) decides nothing: the table is inconclusive (no
// cell decided), and no scenario passes, a deny included, because each first shows a grant.
TEST_F(WorkloadSabotage, APolicyThatDidNotLoadPassesNothing) {
  std::filesystem::path opa;
  try {
    opa = stack::find_opa();
  } catch (const stack::RealTierMissing& e) {
    GTEST_SKIP() << e.what();
  }
  const proc::TempDir dir("policyless-opa");
  std::filesystem::copy_file(std::string(MCPH_POLICIES_DIR) + "/trust_tiers/agents.json", dir.path() / "agents.json");
  const proc::StartedService policyless = start_opa(opa, dir.path());
  const proc::StartedService server = start_server({}, policyless.url);
  for (const auto& result : run_family("trust_tiers", "workload-mcp", server.url, policyless.url)) {
    EXPECT_NE(result.status, Status::passed) << result.scenario << " passed against a policy that did not load";
    if (result.scenario == "the policy decides every cell of the decision table as the table says") {
      // Not one decision: the harness asked where no policy is, which says nothing of the
      // server's policy — inconclusive, saying so, never a finding.
      EXPECT_TRUE(result.failures.empty()) << result.failures.front().actual;
      EXPECT_EQ(result.message.rfind("inconclusive:", 0), 0u) << result.message;
      EXPECT_NE(result.message.find("no policy is loaded there"), std::string::npos) << result.message;
    }
  }
}

// An OPA whose agents' data puts semi-trusted-agent in the trusted tier grants it what only the
// trusted tier may do: the table names the semi-trusted tier's cells, and the scenario of what
// the semi-trusted agent must be refused goes red, its write and grant served; the semi-trusted
// agent's grants, and every other tier's calls, stay green. The scenarios that break the stack's
// OPA through its fault proxy are not run: this OPA is not behind it.
// The trust-tier scenarios that do not break the stack's OPA, against a workload-mcp asking an
// OPA of the test's own: the reference policy and agents, each bent by `bend_policy` and
// `bend_agents`. (That OPA is not behind the stack's fault proxy.) Skips without OPA.
std::vector<Outcome> run_trust_tiers_with_bent_policy(const WorkloadSabotage& test,
                                                      const std::function<void(std::string&)>& bend_policy,
                                                      const std::function<void(nlohmann::json&)>& bend_agents) {
  const std::filesystem::path opa = stack::find_opa();
  const proc::TempDir dir("bent-opa");
  const std::filesystem::path policies = std::filesystem::path(MCPH_POLICIES_DIR) / "trust_tiers";
  std::ifstream policy_file(policies / "policy.rego");
  std::string policy{std::istreambuf_iterator<char>(policy_file), std::istreambuf_iterator<char>()};
  bend_policy(policy);
  std::ofstream(dir.path() / "policy.rego") << policy;
  std::ifstream agents_file(policies / "agents.json");
  nlohmann::json agents = nlohmann::json::parse(agents_file);
  bend_agents(agents);
  std::ofstream(dir.path() / "agents.json") << agents.dump();
  const proc::StartedService bent = WorkloadSabotage::start_opa(opa, dir.path());
  const proc::StartedService server = test.start_server({}, bent.url);

  const ScenarioFile family = scenario_family("trust_tiers");
  std::vector<std::string> without_faults;
  for (const auto& scenario : family.scenarios) {
    const bool breaks_opa = std::any_of(scenario.steps.begin(), scenario.steps.end(),
                                        [](const Step& step) { return step.kind() == StepKind::fault; });
    if (!breaks_opa) without_faults.push_back(scenario.name);
  }
  std::vector<Outcome> outcomes = test.run_family("trust_tiers", "workload-mcp", server.url, bent.url, without_faults);
  EXPECT_EQ(outcomes.size(), without_faults.size());
  EXPECT_LT(without_faults.size(), family.scenarios.size());
  return outcomes;
}

// The scenario `name` among `outcomes`, taken out: it failed with findings of `property` on
// opa (asked of OPA itself, its finding is not the server's), each naming all of `evidence`.
void take_policy_finding(std::vector<Outcome>& outcomes, const std::string& name, const std::string& property,
                         const std::vector<std::string>& evidence = {}) {
  const auto found = std::find_if(outcomes.begin(), outcomes.end(), [&](const Outcome& outcome) { return outcome.scenario == name; });
  ASSERT_NE(found, outcomes.end()) << name;
  EXPECT_EQ(found->status, Status::failed) << found->why();
  EXPECT_FALSE(found->findings.empty()) << found->why();
  for (const auto& finding : found->findings) {
    EXPECT_EQ(finding.server, "opa") << found->why();
    EXPECT_EQ(finding.property, property) << found->why();
  }
  for (const auto& words : evidence) EXPECT_NE(found->why().find(words), std::string::npos) << words << " in " << found->why();
  outcomes.erase(found);
}

TEST_F(WorkloadSabotage, AnAgentPromotedByThePolicysDataIsFound) {
  std::vector<Outcome> outcomes;
  try {
    outcomes = run_trust_tiers_with_bent_policy(*this, [](std::string&) {}, [](nlohmann::json& agents) {
      for (auto& tier : agents["mcp"]["agents"]) {
        if (tier == "semi-trusted") tier = "trusted";
      }
    });
  } catch (const stack::RealTierMissing& e) {
    GTEST_SKIP() << e.what();
  }
  take_policy_finding(outcomes, "the policy decides every cell of the decision table as the table says",
                      "decides otherwise than its decision table");
  expect_red_at("workload-mcp", "trust_tiers", outcomes, "semi-trusted-agent in the trusted tier",
                {{"a semi-trusted agent is refused what only the trusted tier may do", "grants what the policy denies"}});
}

// The reference policy's tier rule replaced by `rule`.
std::function<void(std::string&)> tier_rule(const std::string& rule) {
  return [rule](std::string& policy) {
    const std::string honest = "tier := data.mcp.agents[input.spiffe_id]\n";
    const std::size_t at = policy.find(honest);
    ASSERT_NE(at, std::string::npos) << "the reference policy's tier rule moved";
    policy.replace(at, honest.size(), rule);
  };
}

// A policy that believes a tier written in its input: the workload-mcp reference server never
// writes one, so only the probe of the policy itself goes red.
TEST_F(WorkloadSabotage, APolicyTakingATierFromItsInputIsFound) {
  std::vector<Outcome> outcomes;
  try {
    outcomes = run_trust_tiers_with_bent_policy(
        *this, tier_rule("tier := input.tier if {\n\tis_string(input.tier)\n} else := data.mcp.agents[input.spiffe_id]\n"),
        [](nlohmann::json&) {});
  } catch (const stack::RealTierMissing& e) {
    GTEST_SKIP() << e.what();
  }
  take_policy_finding(outcomes, "the policy takes no tier that its input claims beside the SPIFFE ID",
                      "takes an agent's tier from what the caller claims",
                      {"untrusted-agent claiming the trusted tier (at /tier): ", "execute shell"});
  expect_red_at("workload-mcp", "trust_tiers", outcomes, "a policy taking input.tier", {});
}

// A policy that finds an agent by its path wherever it appears in the SPIFFE ID: another trust
// domain's ID, a longer name and a path below all pass for the agent.
TEST_F(WorkloadSabotage, APolicyMatchingAgentsByAPartOfTheirIdIsFound) {
  std::vector<Outcome> outcomes;
  try {
    outcomes = run_trust_tiers_with_bent_policy(
        *this,
        tier_rule("tier := t if {\n\tsome id, t in data.mcp.agents\n"
                  "\tcontains(input.spiffe_id, regex.replace(id, \"^spiffe://[^/]+\", \"\"))\n}\n"),
        [](nlohmann::json&) {});
  } catch (const stack::RealTierMissing& e) {
    GTEST_SKIP() << e.what();
  }
  take_policy_finding(outcomes, "the policy grants nothing to a SPIFFE ID of another trust domain or a look-alike of an agent's",
                      "grants a tool to an agent without a tier",
                      {"spiffe://attacker.example/agent/trusted-agent (not", "trusted-agent-impostor (not",
                       "trusted-agent/impostor (not"});
  expect_red_at("workload-mcp", "trust_tiers", outcomes, "a policy matching a part of the SPIFFE ID", {});
}

// A policy that reads no mark of a verified identity: workload-mcp always sends it true, so only
// the probe of the policy itself goes red.
TEST_F(WorkloadSabotage, APolicyTakingAnUnverifiedIdentityIsFound) {
  std::vector<Outcome> outcomes;
  try {
    outcomes = run_trust_tiers_with_bent_policy(
        *this,
        [](std::string& policy) {
          const std::string checked = "\tverified\n\tinput.tool in";
          const std::size_t at = policy.find(checked);
          ASSERT_NE(at, std::string::npos) << "the reference policy's allow rule moved";
          policy.replace(at, checked.size(), "\tinput.tool in");
        },
        [](nlohmann::json&) {});
  } catch (const stack::RealTierMissing& e) {
    GTEST_SKIP() << e.what();
  }
  take_policy_finding(outcomes, "the policy grants nothing to an agent its input marks unverified",
                      "grants a tool to an identity its input marks unverified",
                      {"spiffe://mcp-identity.local/agent/trusted-agent marked unverified (at /verified): ", "execute shell"});
  expect_red_at("workload-mcp", "trust_tiers", outcomes, "a policy not reading input.verified", {});
}

}  // namespace
}  // namespace mcph::harness::scenario
