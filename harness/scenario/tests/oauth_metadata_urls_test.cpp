// Where the `oauth` step looks for an authorization server's metadata.
#include <gtest/gtest.h>

#include "oauth_metadata_urls.h"

namespace mcph::harness {
namespace {

TEST(OAuthMetadataUrl, AnIssuerWithAPathHasTheWellKnownSuffixInsertedBeforeIt) {
  EXPECT_EQ(oauth_metadata_url("http://127.0.0.1:8080/realms/mcp-demo"),
            "http://127.0.0.1:8080/.well-known/oauth-authorization-server/realms/mcp-demo");
  EXPECT_EQ(oauth_metadata_url("https://as.example/tenant1/"), "https://as.example/.well-known/oauth-authorization-server/tenant1");
}

TEST(OAuthMetadataUrl, AnIssuerWithoutAPathHasItAppended) {
  EXPECT_EQ(oauth_metadata_url("http://127.0.0.1:41001"), "http://127.0.0.1:41001/.well-known/oauth-authorization-server");
  EXPECT_EQ(oauth_metadata_url("https://as.example/"), "https://as.example/.well-known/oauth-authorization-server");
}

TEST(OpenIdConfigurationUrl, IsAppendedToTheIssuer) {
  EXPECT_EQ(openid_configuration_url("http://127.0.0.1:8080/realms/mcp-demo"),
            "http://127.0.0.1:8080/realms/mcp-demo/.well-known/openid-configuration");
  EXPECT_EQ(openid_configuration_url("https://as.example/"), "https://as.example/.well-known/openid-configuration");
}

}  // namespace
}  // namespace mcph::harness
