#include <gtest/gtest.h>

#include "mcph/agent_bridge/agent_identity.h"
#include "mcph/agent_bridge/agents_file.h"

namespace mcph::agent_bridge {
namespace {

TEST(SingleCommonName, ReadsTheOnlyCn) {
  EXPECT_EQ(single_common_name("CN=agent-a,O=Example"), "agent-a");
  EXPECT_EQ(single_common_name("O=Example, CN=agent-a"), "agent-a");
}

TEST(SingleCommonName, KeepsAnEscapedCommaInsideTheValue) {
  EXPECT_EQ(single_common_name("CN=agent-a\\,CN=agent-b,O=Example"), "agent-a,CN=agent-b");
}

TEST(SingleCommonName, RefusesNoneSeveralAndMalformed) {
  EXPECT_FALSE(single_common_name("O=Example"));
  EXPECT_FALSE(single_common_name("CN=agent-a,CN=agent-b"));
  EXPECT_FALSE(single_common_name("CN=agent-a+CN=agent-b"));
  EXPECT_FALSE(single_common_name("CN=,O=x"));
  EXPECT_FALSE(single_common_name("garbage"));
  EXPECT_FALSE(single_common_name("CN=a\\"));
}

TEST(AgentsFile, FindsAnAgentByItsKeyOnly) {
  const AgentsFile agents = AgentsFile::parse("# agents\nagent-a " + sha256_hex("key-a") + " read list\nagent-c - read\n");
  const auto a = agents.by_api_key("key-a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id, "agent-a");
  EXPECT_EQ(a->scopes, (std::vector<std::string>{"read", "list"}));
  EXPECT_FALSE(agents.by_api_key("key-b"));
  EXPECT_FALSE(agents.by_api_key(""));
  EXPECT_TRUE(agents.by_id("agent-c"));
}

TEST(AgentsFile, RefusesAMalformedLineWithoutQuotingIt) {
  try {
    AgentsFile::parse("agent-a not-a-digest read\n");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find("not-a-digest"), std::string::npos);
  }
}

}  // namespace
}  // namespace mcph::agent_bridge
