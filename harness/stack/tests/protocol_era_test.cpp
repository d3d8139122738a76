#include "mcph/harness/stack/protocol_era.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness::stack {
namespace {

using ::testing::HasSubstr;

ServiceEntry entry_with_protocol(const std::string& protocol) {
  std::string json = R"({"url": "http://127.0.0.1:3001/mcp")";
  if (!protocol.empty()) json += R"(, "protocol": ")" + protocol + "\"";
  return parse_service_entry(json + "}", "services.jira-mcp");
}

TEST(ProtocolEraTest, AbsentIsLegacyAsTheHarnessHasAlwaysSpoken) {
  EXPECT_EQ(protocol_era(entry_with_protocol(""), "jira-mcp"), mcp::Era::legacy);
}

TEST(ProtocolEraTest, EachEraIsTakenAsWritten) {
  EXPECT_EQ(protocol_era(entry_with_protocol("modern"), "jira-mcp"), mcp::Era::modern);
  EXPECT_EQ(protocol_era(entry_with_protocol("legacy"), "jira-mcp"), mcp::Era::legacy);
  EXPECT_EQ(protocol_era(entry_with_protocol("dual"), "jira-mcp"), mcp::Era::dual);
}

TEST(ProtocolEraTest, AnUnknownEraIsAnErrorNamingTheKeyWhenTheProfileIsRead) {
  const ServiceEntry entry = entry_with_protocol("2026-07-28");
  try {
    (void)target_profile(entry, "jira-mcp");
    FAIL() << "an unknown era was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("services.jira-mcp.protocol: unknown MCP protocol era '2026-07-28' (expected \"legacy\", \"modern\" or \"dual\")"));
  }
}

}  // namespace
}  // namespace mcph::harness::stack
