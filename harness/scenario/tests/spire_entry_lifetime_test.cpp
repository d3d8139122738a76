// The entry update that gives an agent's SVIDs a shorter lifetime keeps every other field of the
// entry as SPIRE 1.13's `entry show -output json` printed it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spire_entry_lifetime.h"

namespace mcph::harness::scenario {
namespace {

TEST(SpireEntryLifetimeTest, TheUpdateKeepsTheEntryAndChangesOnlyTheJwtSvidLifetime) {
  const std::string shown = R"({"id": "e-1", "spiffe_id": {"trust_domain": "mcp-identity.local", "path": "/agent/a"},
    "parent_id": {"trust_domain": "mcp-identity.local", "path": "/spire-agent"},
    "selectors": [{"type": "unix", "value": "uid:1000"}, {"type": "unix", "value": "gid:1000"}],
    "x509_svid_ttl": 3600, "jwt_svid_ttl": 60, "federates_with": [], "admin": false})";
  EXPECT_EQ(entry_update_command(shown, 1),
            (std::vector<std::string>{"entry", "update", "-entryID", "e-1", "-parentID",
                                      "spiffe://mcp-identity.local/spire-agent", "-spiffeID",
                                      "spiffe://mcp-identity.local/agent/a", "-selector", "unix:uid:1000", "-selector",
                                      "unix:gid:1000", "-x509SVIDTTL", "3600", "-jwtSVIDTTL", "1"}));
}

}  // namespace
}  // namespace mcph::harness::scenario
