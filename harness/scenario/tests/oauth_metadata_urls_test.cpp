// Where the `oauth` step looks for an authorization server's metadata, and the `http` step
// for a protected resource's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oauth_metadata_urls.h"

namespace mcph::harness::scenario {
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

TEST(ProtectedResourceMetadataUrls, TheChallengesUrlFirstThenThePathFormThenTheRoot) {
  EXPECT_THAT(protected_resource_metadata_urls(
                  "http://127.0.0.1:8080/mcp",
                  R"(Bearer error="invalid_token", resource_metadata="http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp")"),
              ::testing::ElementsAre("http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp",
                                     "http://127.0.0.1:8080/.well-known/oauth-protected-resource"));
  EXPECT_THAT(protected_resource_metadata_urls("https://rs.example/tenant/mcp?x=1", "Bearer"),
              ::testing::ElementsAre("https://rs.example/.well-known/oauth-protected-resource/tenant/mcp",
                                     "https://rs.example/.well-known/oauth-protected-resource"));
  EXPECT_THAT(protected_resource_metadata_urls("https://rs.example", ""),
              ::testing::ElementsAre("https://rs.example/.well-known/oauth-protected-resource"));
  EXPECT_THAT(protected_resource_metadata_urls("https://rs.example/mcp", R"(Bearer resource_metadata="https://meta.example/prm")"),
              ::testing::ElementsAre("https://meta.example/prm", "https://rs.example/.well-known/oauth-protected-resource/mcp",
                                     "https://rs.example/.well-known/oauth-protected-resource"));
}

TEST(ProtectedResourceMetadataUrls, TheParameterIsReadByItsWholeNameInAnyCase) {
  EXPECT_EQ(resource_metadata_param(R"(Bearer Resource_Metadata = "https://a/prm", scope="x")"), "https://a/prm");
  EXPECT_EQ(resource_metadata_param(R"(Bearer x_resource_metadata="https://evil/prm")"), "");
  EXPECT_EQ(resource_metadata_param(R"(DPoP algs="ES256", resource_metadata=https://a/prm, error="invalid_token")"), "https://a/prm");
  EXPECT_EQ(resource_metadata_param("Bearer"), "");
}

}  // namespace
}  // namespace mcph::harness::scenario

