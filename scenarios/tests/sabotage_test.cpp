// Proof that the scenario suites catch real breakage. Each test brings up its own stack, breaks
// it through Vault's public API the way a wrong deployment would, runs the scenario files, and
// expects them to FAIL — for the right reason, named in the failures the reports show. A harness
// that stays green under any of these is broken.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/harness/scenario_loader.h"
#include "mcph/harness/scenario_runner.h"
#include "mcph/harness/supervised_stack.h"
#include "mcph/vault/client.h"

namespace mcph::harness {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using Status = reports::ScenarioResult::Status;

class Sabotage : public ::testing::Test {
 protected:
  void SetUp() override {
    SupervisedStackOptions options;
    options.stack = scenario_suite_params();
    stack_ = SupervisedStack::start(options);
  }

  const StackFile& stack() const { return stack_->stack(); }

  // A Vault call with the root token, as an operator (or a bad deployment script) would make.
  Json vault(const std::string& method, const std::string& path, const Json& body = nullptr) {
    vault::Client client(stack().service("vault").url);
    const auto response = client.request(method, path, stack().service("vault").get("token"), body.is_null() ? "" : body.dump());
    EXPECT_LT(response.status, 300) << method << " " << path << ": " << response.body;
    return response.body.empty() ? Json() : Json::parse(response.body);
  }

  std::vector<reports::SuiteResult> run(const std::vector<std::string>& suites) {
    ScenarioRunner runner(stack());
    std::vector<reports::SuiteResult> results;
    for (const auto& suite : suites) {
      results.push_back(runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml")));
    }
    return results;
  }

  static const reports::ScenarioResult& scenario(const std::vector<reports::SuiteResult>& results,
                                                 const std::string& suite, const std::string& name) {
    for (const auto& s : results) {
      for (const auto& result : s.scenarios) {
        if (s.name == suite && result.name == name) return result;
      }
    }
    throw std::runtime_error("no scenario " + suite + " / " + name);
  }

  // Every failure as "expectation → actual", one per line, for assertions and messages.
  static std::string failures(const reports::ScenarioResult& result) {
    std::string out;
    for (const auto& failure : result.failures) {
      out += failure.step + " | " + failure.expectation + " | " + failure.actual + "\n";
    }
    return out + result.message;
  }

  std::unique_ptr<SupervisedStack> stack_;
};

TEST_F(Sabotage, UntouchedStackPassesTheSuitesTheSabotagesBreak) {
  const auto results = run({"isolation", "missing_credentials", "cross_subject", "dynamic_database"});
  for (const auto& suite : results) {
    for (const auto& result : suite.scenarios) {
      EXPECT_EQ(result.status, Status::passed) << suite.name << " / " << result.name << "\n" << failures(result);
    }
  }
}

// (a) user-secrets without templating: every user may read every user's secrets. The servers
// still behave (they read the caller's own path), so only a probe of the policy catches it.
TEST_F(Sabotage, PermissivePolicyIsCaughtByTheCrossSubjectProbe) {
  vault("PUT", "sys/policies/acl/user-secrets",
        {{"policy", "path \"secret/data/users/*\" { capabilities = [\"read\"] }\n"
                    "path \"database/creds/*\" { capabilities = [\"read\"] }\n"}});
  const auto results = run({"isolation", "cross_subject", "dynamic_database"});

  const auto& probe = scenario(results, "cross_subject", "alice's Vault token is denied bob's and carol's paths");
  EXPECT_EQ(probe.status, Status::failed);
  EXPECT_THAT(failures(probe), HasSubstr("→ Vault GET secret/data/users/bob/github | http_status: 403"));
  EXPECT_THAT(failures(probe), HasSubstr("HTTP 200"));
  const auto& database = scenario(results, "dynamic_database", "a user cannot read another user's database role through Vault");
  EXPECT_EQ(database.status, Status::failed);
  EXPECT_THAT(failures(database), HasSubstr("http_status: 403"));
  // The servers themselves still use each caller's own credentials: the policy is what broke.
  EXPECT_EQ(scenario(results, "isolation", "alice reads a Jira issue with her own Jira credential").status, Status::passed);
}

// (b) bob's entity alias moved onto alice's entity: bob's JWT now logs in as alice.
TEST_F(Sabotage, BobsAliasOnAlicesEntityIsCaughtByIsolationAndMissingCredentials) {
  const Json alice = vault("GET", "identity/entity/name/alice")["data"];
  const Json bob = vault("GET", "identity/entity/name/bob")["data"];
  ASSERT_EQ(alice["aliases"].size(), 1u);
  ASSERT_EQ(bob["aliases"].size(), 1u);
  // Vault allows one alias per mount on an entity: alice's own goes first (as an operator would
  // have to do to make this mistake).
  vault("DELETE", "identity/entity-alias/id/" + alice["aliases"][0]["id"].get<std::string>());
  const Json& alias = bob["aliases"][0];
  vault("POST", "identity/entity-alias/id/" + alias["id"].get<std::string>(),
        {{"name", alias["name"]}, {"mount_accessor", alias["mount_accessor"]}, {"canonical_id", alice["id"]}});
  const auto results = run({"isolation", "missing_credentials"});

  const auto& whoami = scenario(results, "isolation", "Vault says each user is their own entity");
  EXPECT_EQ(whoami.status, Status::failed);
  EXPECT_THAT(failures(whoami), HasSubstr("entity_name: bob"));
  EXPECT_THAT(failures(whoami), HasSubstr("| entity alice"));

  const auto& github = scenario(results, "isolation", "alice and bob reach GitHub each with their own token");
  EXPECT_EQ(github.status, Status::failed);
  EXPECT_THAT(failures(github), HasSubstr("backend_credential_of: bob"));
  EXPECT_THAT(failures(github), HasSubstr("with the credential of alice"));

  const auto& jira = scenario(results, "missing_credentials", "bob has no Jira credential");
  EXPECT_EQ(jira.status, Status::failed);
  EXPECT_THAT(failures(jira), HasSubstr("no_ledger_entry: true"));
  EXPECT_THAT(failures(jira), HasSubstr("with the credential of alice"));
}

// (c) the JWT role keyed on a claim every user shares (azp = the client): every login lands on
// one new entity that is nobody's, so nobody gets their own credentials.
TEST_F(Sabotage, UserClaimSharedByEveryUserIsCaughtByIsolation) {
  Json role = vault("GET", "auth/jwt/role/user")["data"];
  role["user_claim"] = "azp";
  vault("POST", "auth/jwt/role/user", role);
  const auto results = run({"isolation"});

  const auto& whoami = scenario(results, "isolation", "Vault says each user is their own entity");
  EXPECT_EQ(whoami.status, Status::failed);
  EXPECT_THAT(failures(whoami), HasSubstr("entity_name: alice"));
  EXPECT_THAT(failures(whoami), HasSubstr("entity_name: bob"));

  const auto& jira = scenario(results, "isolation", "alice reads a Jira issue with her own Jira credential");
  EXPECT_EQ(jira.status, Status::failed);
  EXPECT_THAT(failures(jira), HasSubstr("ok: true"));
  EXPECT_THAT(failures(jira), HasSubstr("no_credentials"));
}

}  // namespace
}  // namespace mcph::harness
