// The authorization_server family, unchanged, against Keycloak as the agents' authorization
// server: the stack's realm, whose service-account clients `up` made of the agents
// (keycloak_service_accounts.h), and agent-bridge-mcp, which takes the realm's tokens for them
// (--trusted-issuer). The stack file of MCPH_STACK_FILE (the shared stack's mock-keycloak, or the
// real tier's Keycloak) is copied with the bridge's `auth.client_credentials` pointed at the realm,
// as a person writes it for their own server (docs/target-profiles.md). Keycloak answers a failed
// client authentication and a doubly authenticated request otherwise than RFC 6749 §5.2 has it:
// those scenarios go red with their finding, and only those (docs/families.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "mcph/contract/server_under_test.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/proc/private_file.h"

namespace mcph::harness::scenario {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Status = reports::ScenarioResult::Status;

// Keycloak's answers that are not RFC 6749 §5.2's, by scenario → the finding.
const std::map<std::string, std::string> kKeycloaksOwnWays = {
    // A wrong or missing secret is unauthorized_client, and no 401 has a Basic challenge.
    {"a client that fails Basic authentication gets 401 invalid_client with a Basic challenge",
     "answers a failed client authentication against RFC 6749 §5.2"},
    {"an unknown client, another client's secret or no secret at all is invalid_client",
     "answers token errors against RFC 6749 §5.2"},
    // Basic and client_secret in the body at once: the body's wins, and a token comes back.
    {"a request without grant_type, authenticated twice, or not form-encoded is invalid_request",
     "answers token errors against RFC 6749 §5.2"}};

// The stack file with agent-bridge-mcp's authorization server the realm; beside the original,
// whose relative paths it shares.
fs::path keycloak_stack_file(const fs::path& original) {
  std::ifstream in(original);
  Json stack = Json::parse(in, nullptr, false);
  if (!stack.is_object()) throw std::runtime_error("cannot read the stack file " + original.string());
  Json& services = stack["services"];
  if (!services.contains("keycloak") || !services.contains("agent-bridge-mcp")) {
    throw std::runtime_error("the stack has no keycloak or no agent-bridge-mcp");
  }
  const std::string realm = services["keycloak"].value("url", "") + "/realms/" + stack.value("realm", "mcp-demo");
  services["agent-bridge-mcp"]["auth"]["client_credentials"] = {
      {"token_url", realm + "/protocol/openid-connect/token"},
      {"clients_file", "agents/keycloak-clients.json"},
      {"method", "client_secret_basic"},
      {"scope", "read"},
      {"issuer", realm},
      {"audience", "agent-bridge-mcp"}};
  const fs::path written = original.parent_path() / "keycloak-as.stack.json";
  proc::write_private_file(written, stack.dump(2) + "\n");
  return written;
}

TEST(KeycloakAuthorizationServer, TheFamilyPassesButWhereKeycloakAnswersOtherwiseThanTheRfc) {
  const char* stack_file = std::getenv("MCPH_STACK_FILE");
  if (!stack_file || !*stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: run this test through ctest";
  const Json stack = [&] {
    std::ifstream in(stack_file);
    return Json::parse(in, nullptr, false);
  }();
  ASSERT_TRUE(stack.is_object()) << stack_file;
  if (stack.value("idp", "keycloak") != "keycloak") GTEST_SKIP() << "the stack's identity provider is not Keycloak";
  if (!fs::exists(fs::path(stack_file).parent_path() / "agents" / "keycloak-clients.json")) {
    GTEST_SKIP() << "the stack has no service-account clients of the agents (no agent-bridge-mcp)";
  }
  ScenarioRunner runner(stack::StackFile::load(keycloak_stack_file(stack_file)));
  const auto suite = runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/authorization_server.yaml"));
  std::set<std::string> red;
  for (const auto& result : suite.scenarios) {
    std::string why = result.name + " (" + result.message + ")";
    for (const auto& f : result.failures) why += "\n  step " + f.step + ": expected " + f.expectation + ", actual " + f.actual;
    const auto own_way = kKeycloaksOwnWays.find(result.name);
    if (own_way == kKeycloaksOwnWays.end()) {
      EXPECT_EQ(result.status, Status::passed) << why;
      continue;
    }
    red.insert(result.name);
    EXPECT_EQ(result.status, Status::failed) << "Keycloak's own way is no longer found: " << why;
    EXPECT_FALSE(result.findings.empty()) << why;
    for (const auto& finding : result.findings) EXPECT_EQ(finding.property, own_way->second) << why;
  }
  EXPECT_EQ(red.size(), kKeycloaksOwnWays.size());
  EXPECT_GE(suite.scenarios.size(), 14u);
}

}  // namespace
}  // namespace mcph::harness::scenario

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Under the `real` fixture without the real tier installed: skipped, saying why.
  mcph::contract::skip_all_when_the_stack_file_is_missing();
  return RUN_ALL_TESTS();
}
