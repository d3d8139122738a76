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

// A request nginx passed on from 127.0.0.2 with the certificate's DN, or one straight from a client.
http::Request with_headers(const std::string& from, http::Fields headers) {
  http::Request request;
  request.remote_addr = from;
  request.headers = std::move(headers);
  return request;
}

struct IdentityFixture {
  AgentsFile agents = AgentsFile::parse("agent-a " + sha256_hex("key-a") + " read\nagent-b - read\n");
  IdentitySettings settings() const {
    IdentitySettings out;
    out.agents = &agents;
    out.api_keys = true;
    out.proxy_address = "127.0.0.2";
    return out;
  }
};

TEST(UnsafeNaiveDnSplit, TakesTheLastCnOfAnySplitPart) {
  const IdentityFixture fixture;
  IdentitySettings settings = fixture.settings();
  // A certificate whose CN is x and whose OU is "y,CN=agent-a", as nginx prints it; and two CNs.
  for (const std::string dn : {"CN=x,OU=y\\,CN=agent-a", "CN=agent-b+CN=agent-a", "CN=agent-b,CN=agent-a"}) {
    const http::Request request = with_headers("127.0.0.2", {{"X-SSL-Client-S-DN", dn}, {"X-SSL-Client-Verify", "SUCCESS"}});
    EXPECT_FALSE(identify(request, settings).agent) << dn;
    settings.unsafe_naive_dn_split = true;
    const auto sabotaged = identify(request, settings).agent;
    ASSERT_TRUE(sabotaged) << dn;
    EXPECT_EQ(sabotaged->id, "agent-a") << dn;
    settings.unsafe_naive_dn_split = false;
  }
}

TEST(UnsafeRefusedCredentialToHeaders, AWrongKeyBesideForgedHeadersIsTheirAgent) {
  const IdentityFixture fixture;
  IdentitySettings settings = fixture.settings();
  const http::Request request = with_headers(
      "127.0.0.1", {{"X-API-Key", "not-a-key"}, {"X-SSL-Client-S-DN", "CN=agent-b"}, {"X-SSL-Client-Verify", "SUCCESS"}});
  EXPECT_FALSE(identify(request, settings).agent);
  settings.unsafe_refused_credential_to_headers = true;
  const auto sabotaged = identify(request, settings).agent;
  ASSERT_TRUE(sabotaged);
  EXPECT_EQ(sabotaged->id, "agent-b");
  // The headers alone, straight to the server, are still refused: the fallback is the defect.
  EXPECT_FALSE(identify(with_headers("127.0.0.1", {{"X-SSL-Client-S-DN", "CN=agent-b"}, {"X-SSL-Client-Verify", "SUCCESS"}}),
                        settings).agent);
}

TEST(UnsafeOtherDnHeaders, AnotherProxysHeaderNameIsBelievedFromAnyone) {
  const IdentityFixture fixture;
  IdentitySettings settings = fixture.settings();
  const http::Request request = with_headers("127.0.0.1", {{"X-Client-DN", "CN=agent-b"}});
  EXPECT_FALSE(identify(request, settings).agent);
  settings.unsafe_other_dn_headers = true;
  const auto sabotaged = identify(request, settings).agent;
  ASSERT_TRUE(sabotaged);
  EXPECT_EQ(sabotaged->id, "agent-b");
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
