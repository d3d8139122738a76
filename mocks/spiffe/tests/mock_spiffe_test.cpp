// mock-spiffe over HTTP: the bundle endpoint, minting for registered workloads only, the admin
// API, the refusals, and the binary's flags and listening line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/http/client.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jwt.h"
#include "mcph/mock_spiffe/mock_spiffe.h"
#include "mcph/proc/service.h"

namespace mcph::mock_spiffe {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kAgent1 = "spiffe://mcp-identity.local/agent/agent-1";
constexpr const char* kAudience = "http://127.0.0.1:8080/realms/mcp-demo";

class MockSpiffeTest : public ::testing::Test {
 protected:
  MockSpiffeTest() : spiffe_(options()) {
    spiffe_.start();
    client_.emplace(spiffe_.url());
  }
  static Options options() {
    Options options;
    options.workloads = {"agent-1", "spiffe://mcp-identity.local/batch/nightly"};
    options.access_log = false;
    return options;
  }
  http::ClientResponse post(const std::string& path, const json& body) {
    return client_->post(path, body.dump(), "application/json");
  }
  http::ClientResponse mint(const std::string& spiffe_id, const json& audience = kAudience) {
    return post("/_svid", {{"spiffe_id", spiffe_id}, {"audience", audience}});
  }
  jose::JwkSet bundle() { return jose::JwkSet::from_json(client_->get("/").body); }

  MockSpiffe spiffe_;
  std::optional<http::Client> client_;
};

TEST_F(MockSpiffeTest, MintsASvidThatTheBundleVerifies) {
  const auto res = mint(kAgent1);
  ASSERT_EQ(res.status, 200) << res.body;
  const json answer = json::parse(res.body);
  ASSERT_EQ(answer["svids"].size(), 1u);
  EXPECT_EQ(answer["svids"][0]["spiffe_id"], kAgent1);
  const std::string svid = answer["svids"][0]["svid"];
  jose::VerifyOptions verify;
  verify.allowed_algs = {jose::Alg::ES256};
  verify.audience = kAudience;
  const auto jwt = jose::verify_jwt(svid, bundle(), verify);
  EXPECT_EQ(jwt.sub, kAgent1);
  EXPECT_EQ(*jwt.exp - *jwt.iat, 300);  // the default TTL
  EXPECT_EQ(answer["expires_at"], *jwt.exp);
}

TEST_F(MockSpiffeTest, TheRequestMayAskForAnotherTtlAndSeveralAudiences) {
  const auto res = post("/_svid", {{"spiffe_id", kAgent1}, {"audience", {"a", "", "b"}}, {"ttl", 30}});
  ASSERT_EQ(res.status, 200) << res.body;
  const json claims = json::parse(*jose::unverified_payload(json::parse(res.body)["svids"][0]["svid"].get<std::string>()));
  EXPECT_EQ(claims["aud"], json({"a", "b"}));
  EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 30);
}

TEST_F(MockSpiffeTest, RefusesToMintForWhatIsNotARegisteredWorkload) {
  EXPECT_EQ(mint("spiffe://mcp-identity.local/agent/stranger").status, 403);
  EXPECT_THAT(mint("spiffe://mcp-identity.local/agent/stranger").body, HasSubstr("no identity issued"));
  EXPECT_EQ(mint("spiffe://other.local/agent/agent-1").status, 400);
  EXPECT_EQ(mint("agent-1").status, 400);
  EXPECT_EQ(mint(kAgent1, "").status, 400);
  EXPECT_THAT(mint(kAgent1, json::array()).body, HasSubstr("audience must be specified"));
  EXPECT_EQ(post("/_svid", {{"audience", kAudience}}).status, 400);
  EXPECT_EQ(post("/_svid", {{"spiffe_id", kAgent1}, {"audience", kAudience}, {"ttl", 0}}).status, 400);
  EXPECT_EQ(post("/_svid", {{"spiffe_id", kAgent1}, {"audience", kAudience}, {"ttl", "300"}}).status, 400);
  EXPECT_EQ(client_->post("/_svid", "not json", "application/json").status, 400);
}

// What SPIRE never mints, on request: another trust domain's SPIFFE ID under this one's key.
TEST_F(MockSpiffeTest, MintsAForeignSpiffeIdWithItsOwnKeyOnlyWhenAskedTo) {
  const std::string foreign = "spiffe://attacker.example/agent/agent-1";
  const auto res = post("/_svid", {{"spiffe_id", foreign}, {"audience", kAudience}, {"foreign", true}});
  ASSERT_EQ(res.status, 200) << res.body;
  jose::VerifyOptions verify;
  verify.allowed_algs = {jose::Alg::ES256};
  verify.audience = kAudience;
  EXPECT_EQ(jose::verify_jwt(json::parse(res.body)["svids"][0]["svid"].get<std::string>(), bundle(), verify).sub, foreign);
  EXPECT_EQ(mint(foreign).status, 400);
  EXPECT_THAT(post("/_svid", {{"spiffe_id", kAgent1}, {"audience", kAudience}, {"foreign", true}}).body,
              HasSubstr("foreign: the SPIFFE ID is of this trust domain"));
  EXPECT_EQ(post("/_svid", {{"spiffe_id", "spiffe://attacker.example/"}, {"audience", kAudience}, {"foreign", true}}).status, 400);
  EXPECT_EQ(post("/_svid", {{"spiffe_id", foreign}, {"audience", kAudience}, {"foreign", "yes"}}).status, 400);
}

TEST_F(MockSpiffeTest, WorkloadsAreRegisteredAndRemovedThroughTheAdminApi) {
  EXPECT_EQ(post("/_workloads", {{"name", "agent-2"}}).status, 201);
  EXPECT_EQ(post("/_workloads", {{"name", "agent-2"}}).status, 200);
  EXPECT_EQ(mint("spiffe://mcp-identity.local/agent/agent-2").status, 200);
  const json listing = json::parse(client_->get("/_workloads").body);
  EXPECT_EQ(listing["trust_domain"], "mcp-identity.local");
  EXPECT_EQ(listing["workloads"].size(), 3u);
  EXPECT_EQ(client_->request("DELETE", "/_workloads/agent/agent-2").status, 204);
  EXPECT_EQ(client_->request("DELETE", "/_workloads/agent/agent-2").status, 404);
  EXPECT_EQ(mint("spiffe://mcp-identity.local/agent/agent-2").status, 403);
  EXPECT_EQ(post("/_workloads", {{"name", "../x"}}).status, 400);
  EXPECT_EQ(post("/_workloads", {{"spiffe_id", "spiffe://other.local/agent/a"}}).status, 400);
  EXPECT_EQ(post("/_workloads", {{"name", "a"}, {"spiffe_id", kAgent1}}).status, 400);
}

TEST_F(MockSpiffeTest, RotationPublishesTheNextKeyFirstAndRemovalTakesItsSvidsDown) {
  const std::string old_svid = json::parse(mint(kAgent1).body)["svids"][0]["svid"];
  const json prepared = json::parse(post("/_keys/prepare", json::object()).body);
  const json bundle_now = json::parse(client_->get("/").body);
  EXPECT_EQ(bundle_now["keys"].size(), 2u);
  EXPECT_EQ(bundle_now["spiffe_sequence"], 2);
  EXPECT_EQ(post("/_keys/activate", json::object()).status, 200);
  const std::string new_svid = json::parse(mint(kAgent1).body)["svids"][0]["svid"];
  jose::VerifyOptions verify;
  verify.allowed_algs = {jose::Alg::ES256};
  EXPECT_EQ(jose::verify_jwt(new_svid, bundle(), verify).kid, prepared["kid"]);
  EXPECT_NO_THROW(jose::verify_jwt(old_svid, bundle(), verify));  // the retired key stays
  const json keys = json::parse(client_->get("/_keys").body);
  ASSERT_EQ(keys["keys"].size(), 2u);
  EXPECT_EQ(keys["keys"][0]["state"], "retired");
  const std::string old_kid = keys["keys"][0]["kid"];
  EXPECT_EQ(client_->request("DELETE", "/_keys/" + old_kid).status, 204);
  EXPECT_EQ(client_->request("DELETE", "/_keys/" + old_kid).status, 404);
  EXPECT_THROW(jose::verify_jwt(old_svid, bundle(), verify), jose::JoseError);
}

TEST_F(MockSpiffeTest, AnswersHealthChecks) {
  EXPECT_EQ(client_->get("/ready").status, 200);
  EXPECT_EQ(client_->get("/live").status, 200);
}

TEST(MockSpiffeOptionsTest, RefusesABadTrustDomainWorkloadOrAlgorithm) {
  Options bad_domain;
  bad_domain.trust_domain = "Not A Domain";
  EXPECT_THROW(MockSpiffe{bad_domain}, std::invalid_argument);
  Options bad_workload;
  bad_workload.workloads = {"a/../b"};
  EXPECT_THROW(MockSpiffe{bad_workload}, std::invalid_argument);
  Options bad_alg;
  bad_alg.algorithm = "HS256";
  EXPECT_THROW(MockSpiffe{bad_alg}, std::invalid_argument);
}

TEST(MockSpiffeBinaryTest, StartsWithItsFlagsAndPrintsTheListeningLine) {
  proc::SpawnOptions options;
  options.name = "mock-spiffe";
  options.argv = {MOCK_SPIFFE_PATH, "--port", "0", "--trust-domain", "example.test", "--workload", "w1",
                  "--alg", "RS256", "--svid-ttl", "60", "--refresh-hint", "30", "--no-access-log"};
  proc::ReadyWhen ready;
  ready.timeout = std::chrono::seconds(20);
  auto started = proc::start_service(options, ready);
  http::Client client(started.url);
  const json bundle = json::parse(client.get("/").body);
  EXPECT_EQ(bundle["keys"][0]["kty"], "RSA");
  EXPECT_EQ(bundle["spiffe_refresh_hint"], 30);
  const auto res = client.post("/_svid", json({{"spiffe_id", "spiffe://example.test/agent/w1"}, {"audience", "x"}}).dump(),
                               "application/json");
  ASSERT_EQ(res.status, 200) << res.body;
  const json claims = json::parse(*jose::unverified_payload(json::parse(res.body)["svids"][0]["svid"].get<std::string>()));
  EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 60);
}

}  // namespace
}  // namespace mcph::mock_spiffe
