// The factory: each name a stack file or --idp takes becomes its provider, with its own rows.
#include "mcph/harness/idp/identity_provider.h"

#include <gtest/gtest.h>

namespace mcph::harness::idp {
namespace {

TEST(IdentityProviderTest, EachKindNamesTheProviderOfThatKind) {
  for (const char* name : {"keycloak", "cognito", "oidc"}) {
    const auto kind = parse_identity_provider(name);
    ASSERT_TRUE(kind) << name;
    EXPECT_STREQ(to_string(*kind), name);
    const IdentityProvider& provider = identity_provider(*kind);
    EXPECT_EQ(provider.service(), name);
    // Its own row, except the provider the harness only signs in at, of which it starts nothing.
    EXPECT_EQ(provider.brings_up(name), provider.administered()) << name;
  }
  EXPECT_FALSE(parse_identity_provider("okta"));
  EXPECT_EQ(identity_provider_names(), "keycloak, cognito or oidc");
}

TEST(IdentityProviderTest, OnlyKeycloakBringsUpTheWorkloadIdentityRows) {
  const IdentityProvider& keycloak = identity_provider(IdentityProviderKind::keycloak);
  const IdentityProvider& cognito = identity_provider(IdentityProviderKind::cognito);
  for (const char* row : {"spiffe", "opa", "workload-mcp"}) {
    EXPECT_TRUE(keycloak.brings_up(row)) << row;
    EXPECT_FALSE(cognito.brings_up(row)) << row;
  }
  EXPECT_FALSE(keycloak.brings_up("cognito"));
  EXPECT_FALSE(cognito.brings_up("keycloak"));
}

}  // namespace
}  // namespace mcph::harness::idp
