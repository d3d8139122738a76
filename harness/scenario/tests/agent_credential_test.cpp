// What a step presents as an agent of a target with `auth`, and what a trace shows of it.
#include "agent_credential.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "mcph/codec/base64.h"
#include "mcph/jose/key.h"
#include "mcph/openssl/crypto.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/proc/private_file.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"
#include "recorder.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

class AgentCredentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    proc::write_private_file(dir_.path() / "keys.json", R"({"agent-a": "key-of-agent-a-0123456789", "agent-b": "key-of-b"})");
    proc::write_private_file(dir_.path() / "hs256.key", "a-shared-secret-of-at-least-32-bytes!!\n");
    const tls::TestCa ca(dir_.path(), "agents CA");
    const stack::ServiceEntry entry = stack::parse_service_entry(R"({"url": "http://127.0.0.1:1/mcp", "auth": {
        "default": "api_key", "agents": ["agent-a", "agent-b"],
        "api_key": {"keys_file": "keys.json"},
        "static_jwt": {"alg": "HS256", "key_file": "hs256.key", "iss": "mcp-harness", "aud": "bridge"},
        "mtls": {"proxy_url": "https://127.0.0.1:2/mcp", "direct_url": "http://127.0.0.1:1/mcp", "server_ca_file": "ca.pem",
                 "client_ca_cert": "agents_CA.crt", "client_ca_key": "agents_CA.key"},
        "proxy_headers": {}}})", "services.agent-bridge-mcp");
    auth_ = stack::target_profile(entry, "agent-bridge-mcp").auth->resolved(dir_.path());
  }
  AgentCredential credential(const std::string& agent, const std::string& via, const Json& shape = Json::object()) {
    return agent_credential(auth_, "http://127.0.0.1:1/mcp", agent, via, shape);
  }
  static Json claims_of(const std::string& jwt) {
    const auto first = jwt.find('.'), second = jwt.find('.', first + 1);
    return Json::parse(*codec::base64url_decode(jwt.substr(first + 1, second - first - 1)));
  }
  static Json header_of(const std::string& jwt) { return Json::parse(*codec::base64url_decode(jwt.substr(0, jwt.find('.')))); }

  proc::TempDir dir_{"agent-credential-test"};
  stack::AuthProfile auth_;
};

TEST_F(AgentCredentialTest, TheDefaultModeIsTheAgentsApiKeyInItsHeader) {
  const AgentCredential key = credential("agent-a", "");
  EXPECT_EQ(key.mode, "api_key");
  EXPECT_EQ(key.url, "http://127.0.0.1:1/mcp");
  EXPECT_EQ(key.headers, (http::Fields{{"X-API-Key", "key-of-agent-a-0123456789"}}));
  EXPECT_THAT(key.described, Not(HasSubstr("key-of")));
}

TEST_F(AgentCredentialTest, AStaticJwtIsSignedForTheAgentAndBentAsTheStepSays) {
  const AgentCredential jwt = credential("agent-b", "static_jwt");
  const Json claims = claims_of(jwt.secret);
  EXPECT_EQ(claims["sub"], "agent-b");
  EXPECT_EQ(claims["aud"], "bridge");
  EXPECT_EQ(claims["iss"], "mcp-harness");
  EXPECT_EQ(header_of(jwt.secret)["alg"], "HS256");
  EXPECT_EQ(jwt.headers.at(0).second, "Bearer " + jwt.secret);

  const AgentCredential bent = credential("agent-b", "static_jwt", {{"claims", {{"aud", nullptr}, {"exp_in", -60}}}});
  EXPECT_FALSE(claims_of(bent.secret).contains("aud"));
  EXPECT_LT(claims_of(bent.secret)["exp"].get<long long>(), claims["iat"].get<long long>());
  const AgentCredential unsigned_jwt = credential("agent-b", "static_jwt", {{"sign", "none"}});
  EXPECT_EQ(header_of(unsigned_jwt.secret)["alg"], "none");
  EXPECT_EQ(unsigned_jwt.secret.back(), '.');
}

// A server that reads the scopes from an array under its own claim ("scp") gets them there, bent
// as the step bends `scope`.
TEST_F(AgentCredentialTest, AStaticJwtCarriesTheScopesUnderTheServersClaimInItsForm) {
  EXPECT_EQ(claims_of(credential("agent-b", "static_jwt").secret)["scope"], "read list") << "the default: scope, a string";
  const stack::ServiceEntry entry = stack::parse_service_entry(R"({"url": "http://127.0.0.1:1/mcp", "auth": {
      "agents": ["agent-b"], "static_jwt": {"alg": "HS256", "key_file": "hs256.key", "iss": "mcp-harness", "aud": "bridge",
                                            "scope_claim": "scp", "scope_form": "array"}}})", "services.agent-bridge-mcp");
  const stack::AuthProfile scp = stack::target_profile(entry, "agent-bridge-mcp").auth->resolved(dir_.path());
  const Json claims = claims_of(agent_credential(scp, "http://127.0.0.1:1/mcp", "agent-b", "static_jwt", Json::object()).secret);
  EXPECT_EQ(claims["scp"], Json::array({"read", "list"}));
  EXPECT_FALSE(claims.contains("scope"));
  const Json bent = claims_of(
      agent_credential(scp, "http://127.0.0.1:1/mcp", "agent-b", "static_jwt", {{"claims", {{"scope", "readx"}}}}).secret);
  EXPECT_EQ(bent["scp"], Json::array({"readx"}));
}

// Whether a JWT's signature is the HMAC-SHA256 of its signing input under `secret` (of any
// length: published secrets are shorter than jose lets a key be).
bool hs256_signed_with(const std::string& jwt, const std::string& secret) {
  const std::size_t dot = jwt.rfind('.');
  return codec::base64url_encode(openssl::hmac_sha256(secret, jwt.substr(0, dot))) == jwt.substr(dot + 1);
}

// A server whose shared secret is shorter than RFC 7518 allows is still addressed with it.
TEST_F(AgentCredentialTest, AStaticJwtIsSignedWithTheTargetsSecretHoweverShort) {
  EXPECT_TRUE(hs256_signed_with(credential("agent-b", "static_jwt").secret, "a-shared-secret-of-at-least-32-bytes!!"));
  const std::string short_secret(31, 's');
  proc::write_private_file(dir_.path() / "hs256.key", short_secret + "\n");
  const AgentCredential jwt = credential("agent-b", "static_jwt");
  EXPECT_EQ(header_of(jwt.secret)["alg"], "HS256");
  EXPECT_TRUE(hs256_signed_with(jwt.secret, short_secret));
}

TEST_F(AgentCredentialTest, AJwtIsSignedWithAPublishedSecretOrWithThePublicKeyAsTheSecret) {
  const AgentCredential published = credential("agent-b", "static_jwt", {{"hmac_secret", "your-256-bit-secret"}});
  EXPECT_EQ(header_of(published.secret)["alg"], "HS256");
  EXPECT_TRUE(hs256_signed_with(published.secret, "your-256-bit-secret"));
  EXPECT_FALSE(hs256_signed_with(published.secret, "a-shared-secret-of-at-least-32-bytes!!"));

  const jose::Key rsa = jose::Key::generate_rsa();
  proc::write_private_file(dir_.path() / "rs256.pem", rsa.private_pem());
  auth_.static_jwt->alg = "RS256";
  auth_.static_jwt->key_file = (dir_.path() / "rs256.pem").string();
  const AgentCredential confused = credential("agent-b", "static_jwt", {{"sign", "public_key_as_secret"}});
  EXPECT_EQ(header_of(confused.secret)["alg"], "HS256");
  EXPECT_TRUE(hs256_signed_with(confused.secret, rsa.public_pem()));
  EXPECT_FALSE(header_of(confused.secret).contains("kid"));

  auth_.static_jwt->kid = "agents-1";  // the profile's kid names the key in every header
  EXPECT_EQ(header_of(credential("agent-b", "static_jwt").secret)["kid"], "agents-1");
  EXPECT_EQ(header_of(credential("agent-b", "static_jwt").secret)["alg"], "RS256");
}

TEST_F(AgentCredentialTest, ACertificateIsMintedPerStepWithTheSubjectItAsksFor) {
  const AgentCredential own = credential("agent-a", "mtls");
  EXPECT_EQ(own.url, "https://127.0.0.1:2/mcp");
  EXPECT_EQ(own.ca_file, (dir_.path() / "ca.pem").string());
  ASSERT_FALSE(own.certificate_file.empty());
  EXPECT_TRUE(std::filesystem::exists(own.key_file));
  EXPECT_EQ(std::filesystem::status(own.key_file).permissions() & std::filesystem::perms::others_all, std::filesystem::perms::none);
  EXPECT_THAT(own.described, HasSubstr("CN=agent-a from the agents' CA"));
  const AgentCredential two = credential("agent-a", "mtls", {{"subject", {{{"CN", "agent-a"}}, {{"CN", "agent-b"}}}}, {"ca", "foreign"}});
  EXPECT_THAT(two.described, HasSubstr("CN=agent-a,CN=agent-b from a foreign CA"));
  const AgentCredential direct = credential("agent-a", "mtls", {{"to", "direct"}});
  EXPECT_EQ(direct.url, "http://127.0.0.1:1/mcp");
  EXPECT_TRUE(direct.certificate_file.empty());
}

TEST_F(AgentCredentialTest, IdentityHeadersGoStraightToTheServerUnlessThroughTheProxy) {
  const AgentCredential headers = credential("agent-a", "proxy_headers", {{"verify", "NONE"}});
  EXPECT_EQ(headers.url, "http://127.0.0.1:1/mcp");
  EXPECT_EQ(headers.headers, (http::Fields{{"X-SSL-Client-S-DN", "CN=agent-a"}, {"X-SSL-Client-Verify", "NONE"}}));
  EXPECT_EQ(credential("agent-a", "proxy_headers", {{"to", "proxy"}}).url, "https://127.0.0.1:2/mcp");
}

// A server that names its agents its own way: each credential is the one it knows the agent by.
TEST_F(AgentCredentialTest, EachCredentialNamesTheAgentAsTheServerKnowsIt) {
  stack::AuthProfile named = auth_;
  named.names = {{"agent-a", "deployer"}, {"agent-b", "ci-runner"}};
  proc::write_private_file(dir_.path() / "named-keys.json", R"({"deployer": "key-of-the-deployer", "agent-a": "not-this-one"})");
  named.api_key->keys_file = (dir_.path() / "named-keys.json").string();
  const auto as = [&](const std::string& agent, const std::string& via, const Json& shape = Json::object()) {
    return agent_credential(named, "http://127.0.0.1:1/mcp", agent, via, shape);
  };
  const AgentCredential key = as("agent-a", "api_key");
  EXPECT_EQ(key.headers, (http::Fields{{"X-API-Key", "key-of-the-deployer"}}));
  EXPECT_EQ(key.described, "deployer's API key");
  EXPECT_EQ(claims_of(as("agent-b", "static_jwt").secret)["sub"], "ci-runner");
  EXPECT_THAT(as("agent-a", "mtls").described, HasSubstr("CN=deployer from the agents' CA"));
  EXPECT_THAT(as("agent-a", "mtls", {{"subject", {{{"CN", "x"}}, {{"OU", "y,CN=agent-a"}}}}}).described,
              HasSubstr("CN=x,OU=y,CN=deployer"));
  EXPECT_EQ(as("agent-b", "proxy_headers").headers.at(0), (std::pair<std::string, std::string>{"X-SSL-Client-S-DN", "CN=ci-runner"}));
  EXPECT_EQ(as("agent-a", "proxy_headers", {{"dn", "CN=agent-a,CN=agent-b"}}).headers.at(0).second, "CN=deployer,CN=ci-runner");
  EXPECT_THROW(as("agent-b", "api_key"), std::runtime_error);  // the keys file has nothing for ci-runner
}

TEST_F(AgentCredentialTest, TwoAgentsCredentialsInOneRequest) {
  const AgentCredential both = credential("agent-a", "api_key", {{"also", {{"agent", "agent-b"}, {"via", "static_jwt"}}}});
  ASSERT_EQ(both.headers.size(), 2u);
  EXPECT_EQ(both.headers[0].first, "X-API-Key");
  EXPECT_EQ(claims_of(both.headers[1].second.substr(7))["sub"], "agent-b");
}

TEST_F(AgentCredentialTest, MistakesAreNamedWithoutTheSecrets) {
  try {
    (void)credential("agent-c", "");
    FAIL() << "an agent the profile does not list";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("agent-c is not one of the target's agents"));
  }
  auth_.agents.push_back("agent-c");
  try {
    (void)credential("agent-c", "");
    FAIL() << "an agent the key file does not have";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("has nothing for agent \"agent-c\""));
    EXPECT_THAT(e.what(), Not(HasSubstr("key-of")));
  }
  EXPECT_THROW((void)credential("agent-a", "client_credentials"), std::runtime_error);  // not configured
  EXPECT_EQ(credential_shape_problem({{"sing", "none"}}).value_or(""), "sing: no such key (also, ca, certificate, claims, dn, expired, header, hmac_secret, key, sign, subject, to, uris, verify)");
  EXPECT_THAT(credential_shape_problem({{"sign", "maybe"}}).value_or(""), HasSubstr(R"(sign: "none", "attacker", "wrong_secret" or "public_key_as_secret")"));
  EXPECT_THAT(credential_shape_problem({{"subject", {{"CN", "a"}}}}).value_or(""), HasSubstr("subject: a list of {FIELD: value}"));
  EXPECT_THAT(credential_shape_problem({{"hmac_secret", ""}}).value_or(""), HasSubstr("hmac_secret: expected the secret's text"));
  EXPECT_THAT(credential_shape_problem({{"hmac_secret", "s"}, {"sign", "none"}}).value_or(""), HasSubstr("give no sign"));
  EXPECT_THROW((void)credential("agent-a", "static_jwt", {{"sign", "public_key_as_secret"}}), std::runtime_error);  // HS256: no public key
  EXPECT_FALSE(credential_shape_problem({{"subject", Json::array()}, {"expired", true}}).has_value());
}

TEST(TraceHeaders, EveryCredentialHeaderIsMaskedAndTheIdentityHeadersShown) {
  const Json shown = trace_headers({{"X-API-Key", "key-of-agent-a-0123456789"},
                                    {"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"},
                                    {"X-Vault-Token", "hvs.0123456789abcdefghij"},
                                    {"X-SSL-Client-S-DN", "CN=agent-a"},
                                    {"X-Other", "dropped"}});
  EXPECT_THAT(shown.dump(), Not(HasSubstr("0123456789")));
  EXPECT_THAT(shown.dump(), Not(HasSubstr("c2lnbmF0dXJl")));
  EXPECT_TRUE(shown.contains("X-API-Key"));
  EXPECT_EQ(shown["X-SSL-Client-S-DN"], "CN=agent-a");
  EXPECT_FALSE(shown.contains("X-Other"));
}

TEST(MergeKeys, AStepTakesTheAnchoredStepsKeysItDoesNotSetAndKeepsItsLine) {
  const ScenarioFile file = parse_scenario_file(
      "scenarios:\n  - name: a\n    steps:\n"
      "      - &read\n        as: alice\n        call: jira.get_issue\n        args: {issue_key: DEMO-1}\n"
      "      - <<: *read\n        as: bob\n",
      "scenarios/x.yaml");
  const Step& merged = file.scenarios.at(0).steps.at(1);
  EXPECT_EQ(merged.as, "bob");
  EXPECT_EQ(merged.get<CallStep>().tool, "get_issue");
  EXPECT_EQ(merged.where.line, 8);
}

}  // namespace
}  // namespace mcph::harness::scenario
