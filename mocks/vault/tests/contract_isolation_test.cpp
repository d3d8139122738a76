// The original demo's isolation rules, driven only through Vault's HTTP API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "contract_support.h"

namespace mcph::mock_vault::contract {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;


class Isolation : public ::testing::Test {
 protected:
  void SetUp() override { demo_ = Demo::provision(vault_, jwks_); }

  std::string login_as(const std::string& sub) {
    Reply reply;
    const std::string token = Demo::login(vault_, jwks_.sign(jwks_.claims_for(sub)), &reply);
    EXPECT_EQ(reply.status, 200) << reply.text;
    return token;
  }

  VaultUnderTest vault_;
  JwksServer jwks_;
  Demo demo_;
};

TEST_F(Isolation, AliceReadsHerOwnSecretsAndIsDeniedBobs) {
  const std::string alice = login_as(demo_.alice_sub);
  Reply jira = vault_.get("/v1/secret/data/users/alice/jira", alice);
  ASSERT_EQ(jira.status, 200) << jira.text;
  EXPECT_EQ(jira.body["data"]["data"]["api_token"], "alice-jira-SECRET-1");
  EXPECT_EQ(jira.body["mount_type"], "kv");
  EXPECT_EQ(vault_.get("/v1/secret/data/users/alice/github", alice).status, 200);

  Reply bobs = vault_.get("/v1/secret/data/users/bob/github", alice);
  EXPECT_EQ(bobs.status, 403);
  EXPECT_EQ(bobs.body, (Json{{"errors", {kPermissionDenied}}}));
  EXPECT_EQ(vault_.get("/v1/secret/data/users/bob/jira", alice).status, 403) << "403, not a 404 that leaks existence";
  EXPECT_EQ(vault_.post("/v1/secret/data/users/alice/jira", Json{{"data", {{"x", "y"}}}}, alice).status, 403)
      << "the policy grants read only";
}

TEST_F(Isolation, TheTokenNamesTheAliasesEntityAndOnlyItsOwnEntityIsReadable) {
  const std::string alice = login_as(demo_.alice_sub);
  Reply self = vault_.get("/v1/auth/token/lookup-self", alice);
  ASSERT_EQ(self.status, 200) << self.text;
  EXPECT_EQ(self.body["data"]["entity_id"], demo_.alice_entity);
  EXPECT_EQ(self.body["data"]["path"], "auth/jwt/login");
  EXPECT_EQ(self.body["data"]["display_name"], "jwt-" + demo_.alice_sub);
  EXPECT_EQ(self.body["data"]["policies"], (Json{"default", "user-secrets"}));
  EXPECT_EQ(self.body["data"]["meta"], (Json{{"role", "user"}}));
  EXPECT_EQ(self.body["data"]["type"], "service");
  EXPECT_GT(self.body["data"]["ttl"].get<int>(), 3500);

  // The default policy lets a token read its own entity, and only that one.
  Reply entity = vault_.get("/v1/identity/entity/id/" + demo_.alice_entity, alice);
  ASSERT_EQ(entity.status, 200) << entity.text;
  EXPECT_EQ(entity.body["data"]["name"], "alice");
  ASSERT_EQ(entity.body["data"]["aliases"].size(), 1u);
  EXPECT_EQ(entity.body["data"]["aliases"][0]["name"], demo_.alice_sub);
  EXPECT_EQ(entity.body["data"]["aliases"][0]["mount_accessor"], demo_.accessor);
  EXPECT_EQ(entity.body["data"]["aliases"][0]["mount_type"], "jwt");
  EXPECT_EQ(vault_.get("/v1/identity/entity/name/alice", alice).status, 200);
  EXPECT_EQ(vault_.get("/v1/identity/entity/id/" + demo_.bob_entity, alice).status, 403);
  EXPECT_EQ(vault_.get("/v1/identity/entity/name/bob", alice).status, 403);
}

TEST_F(Isolation, BobHasNoJiraSecretSoHisOwnPathIsA404NotA403) {
  const std::string bob = login_as(demo_.bob_sub);
  Reply missing = vault_.get("/v1/secret/data/users/bob/jira", bob);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, (Json{{"errors", Json::array()}}));
  EXPECT_EQ(vault_.get("/v1/secret/data/users/bob/github", bob).body["data"]["data"]["token"], "ghp_bobSECRET3");
  EXPECT_EQ(vault_.get("/v1/secret/data/users/alice/jira", bob).status, 403);
  Reply keys = vault_.list("/v1/secret/metadata/users/bob/", bob);
  ASSERT_EQ(keys.status, 200) << keys.text;
  EXPECT_EQ(keys.body["data"]["keys"], (Json{"github"}));
  EXPECT_EQ(vault_.list("/v1/secret/metadata/users/alice/", bob).status, 403);
}

TEST_F(Isolation, LoginResponseHasVaultsShape) {
  Reply reply;
  Demo::login(vault_, jwks_.sign(jwks_.claims_for(demo_.alice_sub)), &reply);
  ASSERT_EQ(reply.status, 200) << reply.text;
  const Json& body = reply.body;
  for (const char* key : {"request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings",
                          "auth", "mount_type"}) {
    EXPECT_TRUE(body.contains(key)) << key;
  }
  EXPECT_EQ(body["mount_type"], "");
  EXPECT_TRUE(body["data"].is_null());
  const Json& auth = body["auth"];
  EXPECT_THAT(auth["client_token"].get<std::string>(), ::testing::StartsWith("hvs."));
  EXPECT_FALSE(auth["accessor"].get<std::string>().empty());
  EXPECT_EQ(auth["policies"], (Json{"default", "user-secrets"}));
  EXPECT_EQ(auth["token_policies"], (Json{"default", "user-secrets"}));
  EXPECT_FALSE(auth.contains("identity_policies")) << "omitted when the entity has none";
  EXPECT_EQ(auth["metadata"], (Json{{"role", "user"}}));
  EXPECT_EQ(auth["lease_duration"], 3600);
  EXPECT_EQ(auth["renewable"], true);
  EXPECT_EQ(auth["entity_id"], demo_.alice_entity);
  EXPECT_EQ(auth["token_type"], "service");
  EXPECT_EQ(auth["orphan"], true);
  EXPECT_TRUE(auth["mfa_requirement"].is_null());
  EXPECT_EQ(auth["num_uses"], 0);
}

TEST_F(Isolation, UnknownSubjectGetsAFreshEntityThatReachesNobodysPaths) {
  const std::string stranger_sub = "carol-" + random_suffix();
  const std::string carol = login_as(stranger_sub);
  Reply self = vault_.get("/v1/auth/token/lookup-self", carol);
  const std::string entity_id = self.body["data"]["entity_id"].get<std::string>();
  EXPECT_FALSE(entity_id.empty());
  EXPECT_NE(entity_id, demo_.alice_entity);
  EXPECT_NE(entity_id, demo_.bob_entity);
  Reply entity = vault_.get("/v1/identity/entity/id/" + entity_id, carol);
  ASSERT_EQ(entity.status, 200) << entity.text;
  const std::string name = entity.body["data"]["name"].get<std::string>();
  EXPECT_THAT(name, ::testing::MatchesRegex("entity_[0-9a-f]{8}"));
  EXPECT_EQ(entity.body["data"]["aliases"][0]["name"], stranger_sub);

  EXPECT_EQ(vault_.get("/v1/secret/data/users/alice/jira", carol).status, 403);
  EXPECT_EQ(vault_.get("/v1/secret/data/users/bob/github", carol).status, 403);
  EXPECT_EQ(vault_.get("/v1/secret/data/users/" + name + "/jira", carol).status, 404) << "own path, nothing there";

  // The same subject comes back to the same entity.
  const std::string again = login_as(stranger_sub);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", again).body["data"]["entity_id"], entity_id);
}

TEST_F(Isolation, MovingAnAliasToAnotherEntityMovesItsAccess) {
  // The harness's sabotage test: whoever owns the alias owns the secrets.
  Reply alice_entity = vault_.get("/v1/identity/entity/id/" + demo_.alice_entity);
  const std::string alice_alias = alice_entity.body["data"]["aliases"][0]["id"].get<std::string>();
  Reply bob_entity = vault_.get("/v1/identity/entity/id/" + demo_.bob_entity);
  const std::string bob_alias = bob_entity.body["data"]["aliases"][0]["id"].get<std::string>();

  Reply refused = vault_.post("/v1/identity/entity-alias/id/" + alice_alias, Json{{"canonical_id", demo_.bob_entity}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.error(), "Alias cannot be updated as the given entity already has an alias for this mount ");

  ASSERT_EQ(vault_.del("/v1/identity/entity-alias/id/" + bob_alias).status, 204);
  Reply moved = vault_.post("/v1/identity/entity-alias/id/" + alice_alias, Json{{"canonical_id", demo_.bob_entity}});
  ASSERT_EQ(moved.status, 200) << moved.text;
  EXPECT_EQ(moved.body["data"], (Json{{"id", alice_alias}, {"canonical_id", demo_.bob_entity}}));

  const std::string token = login_as(demo_.alice_sub);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", token).body["data"]["entity_id"], demo_.bob_entity);
  EXPECT_EQ(vault_.get("/v1/secret/data/users/bob/github", token).status, 200);
  EXPECT_EQ(vault_.get("/v1/secret/data/users/alice/jira", token).status, 403);
}

TEST_F(Isolation, ConcurrentLoginsAndReadsNeverCrossUsers) {
  const std::string jwts[2] = {jwks_.sign(jwks_.claims_for(demo_.alice_sub)), jwks_.sign(jwks_.claims_for(demo_.bob_sub))};
  const std::string own_secret[2] = {"ghp_aliceSECRET2", "ghp_bobSECRET3"};
  const std::string own_path[2] = {"/v1/secret/data/users/alice/github", "/v1/secret/data/users/bob/github"};
  std::atomic<int> leaks{0};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const int me = t % 2;
      http::Client client(vault_.url());
      for (int i = 0; i < 20; ++i) {
        const auto login = client.post("/v1/auth/jwt/login", Json{{"role", "user"}, {"jwt", jwts[me]}}.dump(),
                                       "application/json");
        if (login.status != 200) {
          ++unexpected;
          continue;
        }
        const std::string token = Json::parse(login.body)["auth"]["client_token"];
        const auto own = client.get(own_path[me], {{"X-Vault-Token", token}});
        if (own.status != 200 || own.body.find(own_secret[me]) == std::string::npos) ++unexpected;
        if (own.body.find(own_secret[1 - me]) != std::string::npos) ++leaks;
        const auto other = client.get(own_path[1 - me], {{"X-Vault-Token", token}});
        if (other.status != 403) ++leaks;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(leaks.load(), 0);
  EXPECT_EQ(unexpected.load(), 0);
}

TEST_F(Isolation, AuditLinesNameTheEntityPerPathAndNeverHoldASecretInClear) {
  if (vault_.audit_log().empty()) GTEST_SKIP() << "no readable audit log (set MCPH_VAULT_AUDIT_LOG)";
  const std::string alice = login_as(demo_.alice_sub);
  ASSERT_EQ(vault_.get("/v1/secret/data/users/alice/jira", alice).status, 200);
  ASSERT_EQ(vault_.get("/v1/secret/data/users/bob/github", alice).status, 403);

  std::ifstream file(vault_.audit_log());
  std::string line;
  std::string all;
  bool saw_allowed_read = false;
  bool saw_denied_read = false;
  while (std::getline(file, line)) {
    all += line + "\n";
    const Json entry = Json::parse(line);
    ASSERT_TRUE(entry.contains("type") && entry.contains("time") && entry.contains("request")) << line;
    if (entry["type"] != "response") continue;
    const std::string path = entry["request"]["path"];
    if (path == "secret/data/users/alice/jira" && entry["auth"].value("entity_id", "") == demo_.alice_entity) {
      saw_allowed_read = true;
      EXPECT_EQ(entry["request"]["operation"], "read");
      EXPECT_EQ(entry["auth"]["display_name"], "jwt-" + demo_.alice_sub);
      EXPECT_EQ(entry["auth"]["policies"], (Json{"default", "user-secrets"}));
      EXPECT_THAT(entry["response"]["data"]["data"]["api_token"].get<std::string>(), ::testing::StartsWith("hmac-sha256:"));
      EXPECT_FALSE(entry.contains("error"));
    }
    if (path == "secret/data/users/bob/github" && entry["auth"].value("entity_id", "") == demo_.alice_entity) {
      saw_denied_read = true;
      EXPECT_EQ(entry["error"], "1 error occurred:\n\t* permission denied\n\n") << line;
    }
  }
  EXPECT_TRUE(saw_allowed_read);
  EXPECT_TRUE(saw_denied_read);
  for (const char* secret : {"alice-jira-SECRET-1", "ghp_aliceSECRET2", "ghp_bobSECRET3"}) {
    EXPECT_THAT(all, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(all, Not(HasSubstr(alice))) << "tokens are HMAC'd too";
  EXPECT_THAT(all, Not(HasSubstr(vault_.root_token())));

  // sys/audit-hash gives the same HMAC, so a test can find a value without it being in clear.
  if (vault_.local()) {
    Reply hash = vault_.post("/v1/sys/audit-hash/file", Json{{"input", "alice-jira-SECRET-1"}});
    ASSERT_EQ(hash.status, 200) << hash.text;
    EXPECT_THAT(all, HasSubstr(hash.body["data"]["hash"].get<std::string>()));
  }
}

}  // namespace
}  // namespace mcph::mock_vault::contract
