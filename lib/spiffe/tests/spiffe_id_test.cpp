#include "mcph/spiffe/spiffe_id.h"

#include <gtest/gtest.h>

namespace mcph::spiffe {
namespace {

constexpr const char* kAgent = "spiffe://mcp-identity.local/agent/agent-1";

TEST(SpiffeIdTest, AcceptsWorkloadIdsOfTheTrustDomainOnly) {
  EXPECT_EQ(why_not_member_id(kAgent, "mcp-identity.local"), std::nullopt);
  EXPECT_EQ(agent_id("mcp-identity.local", "agent-1"), kAgent);
  for (const char* bad : {"spiffe://mcp-identity.local", "spiffe://mcp-identity.local/", "https://mcp-identity.local/a",
                          "spiffe://other.local/agent/a", "spiffe://mcp-identity.local/agent//a",
                          "spiffe://mcp-identity.local/agent/../admin", "spiffe://mcp-identity.local/agent/a b",
                          "spiffe://MCP-identity.local/agent/a", "spiffe://mcp-identity.local/agent/a%2F"}) {
    EXPECT_NE(why_not_member_id(bad, "mcp-identity.local"), std::nullopt) << bad;
  }
  EXPECT_NE(why_not_trust_domain("Upper.local"), std::nullopt);
  EXPECT_NE(why_not_trust_domain(""), std::nullopt);
  EXPECT_NE(why_not_trust_domain("acme.test/agent"), std::nullopt);
  EXPECT_EQ(why_not_trust_domain("td_1.example-x"), std::nullopt);
}

TEST(SpiffeIdTest, TheTrustDomainIsWhatFollowsTheScheme) {
  EXPECT_EQ(trust_domain_of(kAgent), "mcp-identity.local");
  EXPECT_EQ(trust_domain_of("spiffe://acme.test"), "acme.test");
  EXPECT_EQ(trust_domain_of("https://acme.test/agent/a"), "");
}

TEST(SpiffeIdTest, AnIdMovedToAnotherTrustDomainKeepsItsPath) {
  EXPECT_EQ(in_trust_domain(kAgent, "acme.test"), "spiffe://acme.test/agent/agent-1");
  EXPECT_EQ(in_trust_domain("spiffe://mcp-identity.local", "acme.test"), "spiffe://acme.test");
  EXPECT_EQ(in_trust_domain("spiffe://a/ns/prod/sa/x", "b"), "spiffe://b/ns/prod/sa/x");
  EXPECT_EQ(in_trust_domain("agent-1", "acme.test"), "agent-1");
}

}  // namespace
}  // namespace mcph::spiffe
