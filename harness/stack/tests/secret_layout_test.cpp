#include "mcph/harness/provision/secret_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "mcph/agent_bridge/agent_policy.h"
#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness::stack {
namespace {

using ::testing::HasSubstr;

TargetProfile profile_of(const std::string& profile, const std::string& extra_keys) {
  const std::string json = R"({"url": "http://127.0.0.1:8000/v1/mcp", "profile": ")" + profile + "\"" + extra_keys + "}";
  return target_profile(parse_service_entry(json, "services.vault-bridge"), "vault-bridge");
}

std::string secrets_error(const std::string& secrets) {
  try {
    (void)profile_of("agent-bridge", R"(, "secrets": )" + secrets);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SecretLayoutTest, TheAgentBridgeProfileStatesItsMcpAgentLayout) {
  const TargetProfile bridge = profile_of("agent-bridge", "");
  ASSERT_TRUE(bridge.secrets.has_value());
  EXPECT_EQ(bridge.secrets->mount, "secret");
  EXPECT_EQ(bridge.secrets->path, "mcp/{agent}/{key}");
  EXPECT_EQ(bridge.secrets->agent_prefix("agent-a"), "mcp/agent-a");
  EXPECT_EQ(bridge.secrets->policy_of("agent-a"), agent_bridge::agent_policy_name("agent-a"));
  EXPECT_EQ(bridge.secrets->policy_glob(), "mcp-agent-*");
  EXPECT_FALSE(profile_of("reference", "").secrets.has_value());  // not of the agent design
}

TEST(SecretLayoutTest, AnEntrysSecretsReplaceTheProfilesAndDecideWhoseFolderAPathIsIn) {
  const provision::SecretLayout layout = *profile_of("reference", R"(, "secrets": {"mount": "kv", "path": "bridge/agents/{agent}/{key}"})").secrets;
  EXPECT_EQ(layout.agent_prefix("agent-b"), "bridge/agents/agent-b");
  bool kv = false;
  EXPECT_EQ(layout.owner_of(std::vector<std::string>{"kv", "data", "bridge", "agents", "agent-a", "jira"}, kv), "agent-a");
  EXPECT_TRUE(kv);
  EXPECT_EQ(layout.owner_of(std::vector<std::string>{"kv", "metadata", "bridge", "agents", "agent-b"}, kv), "agent-b");  // listing the folder itself
  EXPECT_EQ(layout.owner_of(std::vector<std::string>{"kv", "data", "mcp", "agent-a", "jira"}, kv), "");  // the mount's, in no agent's folder
  EXPECT_TRUE(kv);
  EXPECT_EQ(layout.owner_of(std::vector<std::string>{"kv", "data", "bridge", "agents"}, kv), "");
  EXPECT_EQ(layout.owner_of(std::vector<std::string>{"secret", "data", "bridge", "agents", "agent-a", "jira"}, kv), "");  // another mount's
  EXPECT_TRUE(kv);
  EXPECT_EQ(layout.owner_of(std::vector<std::string>{"sys", "policies", "acl", "x"}, kv), "");
  EXPECT_FALSE(kv);
  // The agents' own policies, named the server's way.
  const provision::SecretLayout named = *profile_of("reference", R"(, "secrets": {"policy": "bridge.{agent}_kv"})").secrets;
  EXPECT_EQ(named.policy_of("agent-b"), "bridge.agent-b_kv");
  EXPECT_EQ(named.policy_glob(), "bridge.*_kv");
  // Only the path given replaces the profile's: the mount stays agent-bridge's.
  EXPECT_EQ(profile_of("agent-bridge", R"(, "secrets": {"path": "a/{agent}/{key}"})").secrets->mount, "secret");
}

TEST(SecretLayoutTest, ThePolicyOfTheBridgesLayoutIsTheBridgesOwnAndAnotherFollowsItsLayout) {
  for (const std::vector<std::string>& scopes : std::vector<std::vector<std::string>>{
           {"read", "write", "list", "delete"}, {"read", "list"}, {"read"}, {"write"}, {"delete"}, {}}) {
    EXPECT_EQ(provision::agent_layout_policy_hcl(provision::agent_bridge_secret_layout(), "agent-a", scopes),
              agent_bridge::agent_policy_hcl("secret", "agent-a", scopes));
  }
  const provision::SecretLayout bridge{"kv", "bridge/agents/{agent}/{key}", "mcp-agent-{agent}", {}};
  EXPECT_EQ(provision::agent_layout_policy_hcl(bridge, "agent-b", {"read", "list"}),
            "path \"kv/data/bridge/agents/agent-b/*\" { capabilities = [\"read\"] }\n"
            "path \"kv/metadata/bridge/agents/agent-b/*\" { capabilities = [\"list\"] }\n"
            "path \"kv/metadata/bridge/agents/agent-b\" { capabilities = [\"list\"] }\n");
}

TEST(SecretLayoutTest, UnknownKeysAndBadTemplatesAreErrorsNamingTheKey) {
  EXPECT_THAT(secrets_error(R"({"mount": "secret", "paht": "x/{agent}/{key}"})"),
              HasSubstr("services.vault-bridge.secrets: unknown key \"paht\""));
  EXPECT_THAT(secrets_error(R"({"path": "bridge/{agent}"})"), HasSubstr("services.vault-bridge.secrets.path must end with /{key}"));
  EXPECT_THAT(secrets_error(R"({"path": "bridge/agents/{key}"})"), HasSubstr("must hold {agent} once"));
  EXPECT_THAT(secrets_error(R"({"path": "bridge/agent-{agent}/{key}"})"), HasSubstr("must hold {agent} once, as a whole segment"));
  EXPECT_THAT(secrets_error(R"({"path": "/bridge/{agent}/{key}"})"), HasSubstr("no empty segment"));
  EXPECT_THAT(secrets_error(R"({"mount": "kv/v2"})"), HasSubstr("services.vault-bridge.secrets.mount must be the KV mount's name"));
  EXPECT_THAT(secrets_error(R"("mcp/{agent}/{key}")"), HasSubstr("services.vault-bridge.secrets must be an object"));
  EXPECT_THAT(secrets_error(R"({"path": 3})"), HasSubstr("services.vault-bridge.secrets.path must be a non-empty string"));
  EXPECT_THAT(secrets_error(R"({"policy": "agents-kv"})"), HasSubstr("services.vault-bridge.secrets.policy must hold {agent} once"));
  EXPECT_THAT(secrets_error(R"({"policy": "{agent}-{agent}"})"), HasSubstr("secrets.policy must hold {agent} once"));
  EXPECT_THAT(secrets_error(R"({"policy": "kv/{agent}"})"), HasSubstr("secrets.policy may hold only letters, digits"));
}

TEST(SecretLayoutTest, TheSecretsKeyIsKeptAsTheJsonItWas) {
  const ServiceEntry entry = parse_service_entry(
      R"({"url": "http://127.0.0.1:8000/v1/mcp", "secrets": {"mount": "kv", "path": "bridge/agents/{agent}/{key}"}})", "services.x");
  EXPECT_EQ(entry.mcp.secrets, R"({"mount":"kv","path":"bridge/agents/{agent}/{key}"})");
}

}  // namespace
}  // namespace mcph::harness::stack
