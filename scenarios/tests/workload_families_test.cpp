// The workload-identity families (dpop) against workload-mcp started with each of its --unsafe-*
// switches beside the shared stack's (the same Keycloak realm, trust domain and OPA; the runner
// is given the shared stack file with workload-mcp's URL swapped for the switched server's): the
// family fails in exactly the scenarios that show the switch's defect, with its finding, and
// nowhere else. The well-behaved server is the shared stack's (scenarios/CMakeLists.txt).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/proc/service.h"

namespace mcph::harness {
namespace {

using Status = reports::ScenarioResult::Status;

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

class WorkloadSabotage : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: these tests run beside the shared stack";
    stack_ = StackFile::load(stack_file);
    if (!stack_.services.count("workload-mcp")) {
      GTEST_SKIP() << "the shared stack has no workload-mcp (OPA is not built: scripts/bootstrap --real)";
    }
  }

  // workload-mcp with `flag`, configured as the stack's own.
  proc::StartedService start_server(const std::string& flag) const {
    const ServiceEntry& keycloak = stack_.service("keycloak");
    const ServiceEntry& opa = stack_.service("opa");
    const std::string realm = keycloak.url + "/realms/" + stack_.realm;
    proc::SpawnOptions spawn;
    spawn.name = "workload-mcp";
    spawn.argv = {MCPH_WORKLOAD_MCP, "--port", "0", "--issuer", realm, "--agents-file",
                  std::string(MCPH_POLICIES_DIR) + "/trust_tiers/agents.json",
                  "--opa-url", opa.url_for_servers.empty() ? opa.url : opa.url_for_servers, flag};
    return proc::start_service(spawn);
  }

  // The family's scenarios against a server with `flag`: each of `red` (name → property) fails
  // naming its property on workload-mcp, every other passes.
  void expect_red(const std::string& suite, const std::string& flag, const std::map<std::string, std::string>& red) {
    const proc::StartedService server = start_server(flag);
    StackFile stack = stack_;
    stack.services["workload-mcp"].url = server.url + "/mcp";
    ScenarioRunner runner(stack);
    const auto results = runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml"));
    std::set<std::string> seen;
    for (const auto& result : results.scenarios) {
      const Outcome outcome{result.name, result.status, result.message, result.findings, result.failures};
      const auto due = red.find(result.name);
      if (due == red.end()) {
        EXPECT_EQ(outcome.status, Status::passed) << "with " << flag << ": " << outcome.why();
        continue;
      }
      seen.insert(result.name);
      EXPECT_EQ(outcome.status, Status::failed) << flag << " went unnoticed: " << outcome.why();
      EXPECT_FALSE(outcome.findings.empty()) << outcome.why();
      for (const auto& finding : outcome.findings) {
        EXPECT_EQ(finding.property, due->second) << outcome.why();
        EXPECT_EQ(finding.server, "workload-mcp") << outcome.why();
      }
    }
    for (const auto& [scenario, property] : red) EXPECT_TRUE(seen.contains(scenario)) << "no scenario " << scenario;
  }

  StackFile stack_;
};

TEST_F(WorkloadSabotage, ABoundTokenTakenAsBearerIsFound) {
  expect_red("dpop", "--unsafe-dpop-as-bearer",
             {{"a bound token presented as a bearer token is refused", "accepts a DPoP-bound token as a bearer token"}});
}

TEST_F(WorkloadSabotage, AProofByAnyKeyIsFound) {
  const std::string property = "accepts a DPoP proof by a key the token is not bound to";
  expect_red("dpop", "--unsafe-no-jkt-check",
             {{"a proof by a key the token is not bound to is refused", property},
              {"another agent's bound token, with a proof of the caller's own key, is refused", property}});
}

TEST_F(WorkloadSabotage, AReplayedProofIsFound) {
  expect_red("dpop", "--unsafe-no-replay-check",
             {{"a proof used once is refused the second time", "accepts a replayed DPoP proof"}});
}

TEST_F(WorkloadSabotage, AToolRunWithoutAuthenticationIsFound) {
  expect_red("dpop", "--unsafe-no-auth",
             {{"a call with no credential at all is refused with a DPoP challenge", "runs a tool without authentication"}});
}

}  // namespace
}  // namespace mcph::harness
