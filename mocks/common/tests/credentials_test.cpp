#include "mcph/mock_backend/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/http/basic_auth.h"

namespace mcph::mock_backend {
namespace {

std::string basic(const std::string& user, const std::string& password) {
  return http::basic_authorization(user, password);
}

constexpr const char* kSecrets = R"({
  "alice": {"jira": {"username": "alice-jira", "email": "alice@example.com",
                     "password": "correct-horse-battery", "api_token": "ATATT-alice-token-0001",
                     "personal_access_token": "NjQ5-alice-pat-0001"},
            "github": {"username": "alice-github", "token": "ghp_aliceAAAAAAAAAAAAAAAA1111"}},
  "bob": {"github": {"username": "bob-github", "token": "ghp_bobBBBBBBBBBBBBBBBBBBB2222"}},
  "carol": {}
})";

TEST(Authorization, ParsesBasicBearerTokenAndNone) {
  const auto b = parse_authorization(basic("alice-jira", "pw:with:colons"));
  EXPECT_EQ(b.scheme, "basic");
  EXPECT_EQ(b.identity, "alice-jira");
  EXPECT_EQ(b.secret, "pw:with:colons");
  EXPECT_EQ(parse_authorization("bearer abc").scheme, "bearer");
  EXPECT_EQ(parse_authorization("token abc").secret, "abc");
  EXPECT_EQ(parse_authorization("").scheme, "none");
  EXPECT_EQ(parse_authorization("Basic !!!").identity, "");
}

TEST(Authorization, MasksToTheLastFourCharactersOfLongSecretsOnly) {
  EXPECT_EQ(mask_secret("ghp_aliceAAAAAAAAAAAAAAAA1111"), "****1111");
  EXPECT_EQ(mask_secret("short-pw"), "****");
  EXPECT_EQ(mask_secret(""), "");
}

// Each Jira scheme as the real service takes it: Data Center's Basic username:password and
// Bearer personal access token, Cloud's Basic email:api_token. The ledger names the field.
TEST(JiraCredentials, AcceptEachSchemeWithItsOwnField) {
  const auto jira = CredentialSet::parse(kSecrets, Service::jira);
  EXPECT_EQ(jira.size(), 3u);
  for (const auto& [header, kind] : std::vector<std::pair<std::string, std::string>>{
           {basic("alice-jira", "correct-horse-battery"), "password"},
           {basic("alice@example.com", "ATATT-alice-token-0001"), "api_token"},
           {basic("Alice@Example.com", "ATATT-alice-token-0001"), "api_token"},
           {"Bearer NjQ5-alice-pat-0001", "personal_access_token"}}) {
    const auto who = jira.identify(parse_authorization(header));
    EXPECT_EQ(who.user, "alice") << kind;
    EXPECT_EQ(who.login, "alice-jira");
    EXPECT_EQ(who.kind, kind);
  }
}

// What the real services refuse: a secret with the other identity or scheme than its own.
TEST(JiraCredentials, RefuseASecretWithAnotherIdentityOrScheme) {
  const auto jira = CredentialSet::parse(kSecrets, Service::jira);
  for (const std::string& header : {
           basic("alice-jira", "ATATT-alice-token-0001"),      // api_token with the username
           basic("alice@example.com", "correct-horse-battery"),  // password with the email (Cloud refuses it)
           basic("alice-jira", "NjQ5-alice-pat-0001"),          // a PAT is Bearer only
           std::string("Bearer ATATT-alice-token-0001"),        // an API token is Basic only
           std::string("Bearer correct-horse-battery"),
           std::string("token NjQ5-alice-pat-0001"),            // GitHub's scheme, not Jira's
           basic("bob-jira", "correct-horse-battery"),
           basic("alice-jira", "wrong")}) {
    const auto who = jira.identify(parse_authorization(header));
    EXPECT_EQ(who.user, "unknown") << header;
    EXPECT_EQ(who.kind, "") << header;
  }
  EXPECT_EQ(jira.identify(parse_authorization("")).user, "none");
}

TEST(JiraCredentials, ASecretWithoutTheIdentityItGoesWithIsAFileError) {
  EXPECT_THROW(CredentialSet::parse(R"({"dave": {"jira": {"email": "d@x", "password": "pw-dave-123456"}}})",
                                    Service::jira),
               std::runtime_error);
  EXPECT_THROW(CredentialSet::parse(R"({"dave": {"jira": {"username": "d", "api_token": "ATATT-dave"}}})",
                                    Service::jira),
               std::runtime_error);
  EXPECT_THROW(CredentialSet::parse(R"({"dave": {"jira": {"username": "d", "email": "d@x"}}})", Service::jira),
               std::runtime_error);
}

TEST(GithubCredentials, AcceptBearerAndTokenSchemes) {
  const auto github = CredentialSet::parse(kSecrets, Service::github);
  EXPECT_EQ(github.size(), 2u);
  const auto alice = github.identify(parse_authorization("Bearer ghp_aliceAAAAAAAAAAAAAAAA1111"));
  EXPECT_EQ(alice.user, "alice");
  EXPECT_EQ(alice.kind, "token");
  const auto bob = github.identify(parse_authorization("token ghp_bobBBBBBBBBBBBBBBBBBBB2222"));
  EXPECT_EQ(bob.user, "bob");
  EXPECT_EQ(bob.login, "bob-github");
  EXPECT_EQ(bob.hint, "****2222");
  EXPECT_EQ(github.identify(parse_authorization("Bearer ghp_nobody")).user, "unknown");
  EXPECT_EQ(github.identify(parse_authorization(basic("alice-github", "ghp_aliceAAAAAAAAAAAAAAAA1111"))).user,
            "unknown");
  EXPECT_EQ(github.identify(parse_authorization("Basic ghp_aliceAAAAAAAAAAAAAAAA1111")).user, "unknown");
  EXPECT_EQ(github.identify(parse_authorization("Bearer ghp_aliceAAAAAAAAAAAAAAAA111")).user, "unknown");
}

TEST(CredentialFile, AMissingUsernameDefaultsToTheFixtureConvention) {
  const auto github = CredentialSet::parse(R"({"dave": {"github": {"token": "ghp_daveDDDDDDDDDDDDDDDD"}}})", Service::github);
  EXPECT_EQ(github.identify(parse_authorization("Bearer ghp_daveDDDDDDDDDDDDDDDD")).login, "dave-github");
}

TEST(CredentialFile, ProblemsAreNamedWithoutValues) {
  EXPECT_THROW(CredentialSet::parse("[1]", Service::jira), std::runtime_error);
  try {
    CredentialSet::parse(R"({"dave": {"github": {"username": "d", "tokn": "ghp_secret-value"}}})", Service::github);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("dave"));
    EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("ghp_secret-value")));
  }
  EXPECT_THROW(CredentialSet::load("/nonexistent/secrets.json", Service::jira), std::runtime_error);
}

TEST(CredentialFile, TheProjectFixtureLoads) {
  const auto jira = CredentialSet::load(MCPH_SECRETS_PATH, Service::jira);
  const auto github = CredentialSet::load(MCPH_SECRETS_PATH, Service::github);
  EXPECT_EQ(jira.size(), 3u);    // alice: password, api_token and personal_access_token
  EXPECT_EQ(github.size(), 2u);  // alice and bob
}

}  // namespace
}  // namespace mcph::mock_backend
