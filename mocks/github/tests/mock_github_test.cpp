// mock-github as a process: GitHub's shapes, token checks, per-user repos, the ledger, and no
// secret in the ledger or the log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/http/basic_auth.h"
#include "mcph/http/client.h"
#include "mcph/mock_backend/credentials.h"
#include "mcph/mock_backend/testing.h"
#include "mcph/proc/service.h"
#include "mcph/proc/temp_dir.h"

#include <fstream>

namespace mcph::mock_github {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class MockGithubTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new proc::TempDir("mock-github-test");
    mock_ = new mock_backend::testing::RunningMock(mock_backend::testing::start_mock(
        MOCK_GITHUB_PATH, MCPH_FIXTURES_DIR, "github-data.json", (dir_->path() / "mock-github.log").string()));
  }
  static void TearDownTestSuite() {
    delete mock_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_EQ(client_.request("DELETE", "/_ledger").status, 204);
    ASSERT_EQ(client_.request("DELETE", "/_fault").status, 204);
  }

  static std::string token(const char* user) {
    return mock_backend::testing::fixture_secrets(MCPH_FIXTURES_DIR)[user]["github"]["token"];
  }
  static http::Fields bearer(const char* user) { return {{"Authorization", "Bearer " + token(user)}}; }
  json ledger() { return json::parse(client_.get("/_ledger").body); }

  static proc::TempDir* dir_;
  static mock_backend::testing::RunningMock* mock_;
  http::Client client_{mock_->url};
};

proc::TempDir* MockGithubTest::dir_ = nullptr;
mock_backend::testing::RunningMock* MockGithubTest::mock_ = nullptr;

TEST_F(MockGithubTest, UserReposListsThePresentingUsersRepos) {
  const json alice = json::parse(client_.get("/user/repos", bearer("alice")).body);
  ASSERT_EQ(alice.size(), 4u);  // her own two, and the demo's two she collaborates on
  EXPECT_EQ(alice[0]["full_name"], "alice-github/demo-app");
  EXPECT_EQ(alice[2]["full_name"], "user/repo1");
  EXPECT_EQ(alice[3]["full_name"], "user/repo2");
  EXPECT_EQ(alice[0]["owner"]["login"], "alice-github");
  EXPECT_EQ(alice[0]["owner"]["id"], 9100001);
  EXPECT_EQ(alice[1]["private"], true);
  EXPECT_EQ(alice[1]["visibility"], "private");
  const json bob = json::parse(client_.get("/user/repos", {{"Authorization", "token " + token("bob")}}).body);
  ASSERT_EQ(bob.size(), 3u);
  EXPECT_EQ(bob[0]["full_name"], "bob-github/website");
  EXPECT_EQ(bob[2]["full_name"], "user/repo2");
}

// The original demo's data set on the paths its github server calls: user/repo1 (public) and
// user/repo2 (private, shared with alice and bob), and repo1's two issues.
TEST_F(MockGithubTest, ServesTheDemosRepositoriesAndIssues) {
  const json repo1 = json::parse(client_.get("/repos/user/repo1", bearer("alice")).body);
  EXPECT_EQ(repo1["full_name"], "user/repo1");
  EXPECT_EQ(repo1["description"], "Sample repository 1");
  EXPECT_EQ(repo1["owner"]["login"], "user");
  EXPECT_EQ(repo1["stargazers_count"], 10);
  EXPECT_EQ(repo1["private"], false);
  const auto repo2_response = client_.get("/repos/user/repo2", bearer("bob"));  // private, bob collaborates
  ASSERT_EQ(repo2_response.status, 200);
  const json repo2 = json::parse(repo2_response.body);
  EXPECT_EQ(repo2["private"], true);
  EXPECT_EQ(repo2["forks_count"], 8);
  const json open = json::parse(client_.get("/repos/user/repo1/issues?state=open", bearer("bob")).body);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["title"], "Sample Issue 1");
  EXPECT_EQ(open[0]["body"], "This is a sample issue");
  const json closed = json::parse(client_.get("/repos/user/repo1/issues?state=closed", bearer("alice")).body);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]["number"], 2);
  EXPECT_EQ(closed[0]["title"], "Sample Issue 2");
  // The demo client's create_issue on user/repo1.
  auto created = client_.post("/repos/user/repo1/issues", R"({"title":"From the demo","body":"b"})",
                              "application/json", bearer("alice"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["number"], 3);
}

TEST_F(MockGithubTest, GetsARepoInGithubShape) {
  auto res = client_.get("/repos/alice-github/demo-app", bearer("bob"));
  ASSERT_EQ(res.status, 200) << res.body;
  const json repo = json::parse(res.body);
  EXPECT_EQ(repo["id"], 700001);
  EXPECT_EQ(repo["name"], "demo-app");
  EXPECT_EQ(repo["full_name"], "alice-github/demo-app");
  EXPECT_EQ(repo["default_branch"], "main");
  EXPECT_EQ(repo["open_issues_count"], 1);
  EXPECT_EQ(repo["html_url"], "https://github.com/alice-github/demo-app");
}

TEST_F(MockGithubTest, AnotherUsersPrivateRepoIs404) {
  EXPECT_EQ(client_.get("/repos/alice-github/infra", bearer("alice")).status, 200);
  auto res = client_.get("/repos/alice-github/infra", bearer("bob"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(json::parse(res.body),
            json::parse(R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"})"));
}

TEST_F(MockGithubTest, ListsIssuesByState) {
  auto count = [&](const std::string& query) {
    return json::parse(client_.get("/repos/alice-github/demo-app/issues" + query, bearer("alice")).body).size();
  };
  EXPECT_EQ(count(""), 1u);
  EXPECT_EQ(count("?state=open"), 1u);
  EXPECT_EQ(count("?state=closed"), 1u);
  EXPECT_EQ(count("?state=all"), 2u);
  const json open = json::parse(client_.get("/repos/alice-github/demo-app/issues", bearer("alice")).body);
  EXPECT_EQ(open[0]["number"], 1);
  EXPECT_EQ(open[0]["user"]["login"], "alice-github");
  EXPECT_EQ(open[0]["state"], "open");
  auto bad = client_.get("/repos/alice-github/demo-app/issues?state=bogus", bearer("alice"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(json::parse(bad.body)["message"], "Validation Failed");
}

TEST_F(MockGithubTest, CreatedIssuesNameTheCreatorsLogin) {
  auto created = client_.post("/repos/bob-github/website/issues", R"({"title":"From bob","body":"hi","labels":["bug"]})",
                              "application/json", bearer("bob"));
  ASSERT_EQ(created.status, 201) << created.body;
  const json issue = json::parse(created.body);
  EXPECT_EQ(issue["number"], 2);
  EXPECT_EQ(issue["user"]["login"], "bob-github");
  EXPECT_EQ(issue["labels"][0]["name"], "bug");
  EXPECT_EQ(issue["state"], "open");
  auto fetched = client_.get("/repos/bob-github/website/issues/2", bearer("alice"));
  EXPECT_EQ(json::parse(fetched.body)["title"], "From bob");
  auto closed = client_.request("PATCH", "/repos/bob-github/website/issues/2", bearer("bob"), R"({"state":"closed"})",
                                "application/json");
  EXPECT_EQ(json::parse(closed.body)["state"], "closed");
  EXPECT_FALSE(json::parse(closed.body)["closed_at"].is_null());
}

TEST_F(MockGithubTest, MissingTitleIs422AndBadJsonIs400InGithubShape) {
  auto missing = client_.post("/repos/bob-github/website/issues", R"({"body":"x"})", "application/json", bearer("bob"));
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(json::parse(missing.body)["message"], "Invalid request.\n\n\"title\" wasn't supplied.");
  for (const char* body : {"{", "[]", "nope"}) {
    auto res = client_.post("/repos/bob-github/website/issues", body, "application/json", bearer("bob"));
    EXPECT_EQ(res.status, 400) << body;
    EXPECT_EQ(json::parse(res.body),
              json::parse(R"({"message":"Problems parsing JSON","documentation_url":"https://docs.github.com/rest",
                             "status":"400"})"));
  }
}

TEST_F(MockGithubTest, CreatesRepositoriesForThePresentingUser) {
  auto created = client_.post("/user/repos", R"({"name":"scratch","private":true})", "application/json", bearer("bob"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["full_name"], "bob-github/scratch");
  auto again = client_.post("/user/repos", R"({"name":"scratch"})", "application/json", bearer("bob"));
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(json::parse(again.body)["message"], "Repository creation failed.");
  EXPECT_EQ(client_.get("/repos/bob-github/scratch", bearer("alice")).status, 404);
}

TEST_F(MockGithubTest, MissingCredentialsAndBadTokensAre401) {
  auto none = client_.get("/user/repos");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(json::parse(none.body)["message"], "Requires authentication");
  for (const std::string& header : std::vector<std::string>{
           "Bearer ghp_000000000000000000000000000000000000",
           http::basic_authorization("alice-github", token("alice")), "Bearer"}) {
    auto res = client_.get("/user/repos", {{"Authorization", header}});
    EXPECT_EQ(res.status, 401) << header.substr(0, 6);
    EXPECT_EQ(json::parse(res.body),
              json::parse(R"({"message":"Bad credentials","documentation_url":"https://docs.github.com/rest",
                             "status":"401"})"));
  }
}

TEST_F(MockGithubTest, LedgerRecordsWhoseCredentialReachedWhichRoute) {
  client_.get("/user/repos", bearer("alice"));
  client_.get("/repos/bob-github/website/issues", {{"Authorization", "token " + token("bob")}});
  client_.get("/repos/alice-github/infra", bearer("bob"));
  client_.get("/user/repos", {{"Authorization", "Bearer ghp_unknown-token-value-9876"}});
  const json entries = ledger();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0]["route"], "/user/repos");
  EXPECT_EQ(entries[0]["credential_of"], "alice");
  EXPECT_EQ(entries[0]["credential"], "****" + token("alice").substr(token("alice").size() - 4));
  EXPECT_EQ(entries[0]["scheme"], "bearer");
  EXPECT_EQ(entries[1]["route"], "/repos/{owner}/{repo}/issues");
  EXPECT_EQ(entries[1]["path"], "/repos/bob-github/website/issues");
  EXPECT_EQ(entries[1]["credential_of"], "bob");
  EXPECT_EQ(entries[1]["scheme"], "token");
  EXPECT_EQ(entries[2]["credential_of"], "bob");
  EXPECT_EQ(entries[2]["status"], 404);
  EXPECT_EQ(entries[3]["credential_of"], "unknown");
  EXPECT_EQ(entries[3]["credential"], "****9876");
  EXPECT_EQ(entries[3]["status"], 401);
}

TEST_F(MockGithubTest, LedgerRecordsTheTraceIdAndRefusesAMalformedFilterInGithubsShape) {
  const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
  http::Fields traced = bearer("alice");
  traced.emplace_back("traceparent", "00-" + trace_id + "-b7ad6b7169203331-01");
  client_.get("/user/repos", traced);
  client_.get("/user/repos", bearer("alice"));
  const json entries = json::parse(client_.get("/_ledger?trace_id=" + trace_id).body);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["trace_id"], trace_id);
  EXPECT_EQ(entries[0]["credential_of"], "alice");
  EXPECT_EQ(ledger()[1]["trace_id"], "");

  const auto bad = client_.get("/_ledger?trace_id=not-a-trace");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(json::parse(bad.body)["message"].get<std::string>(), HasSubstr("trace_id"));
}

TEST_F(MockGithubTest, FaultHookAnswersAServerErrorInGithubsShapeAndRecordsIt) {
  ASSERT_EQ(client_.request("POST", "/_fault", {}, R"({"status":502,"count":2})", "application/json").status, 200);
  for (int i = 0; i < 2; ++i) {
    const auto res = client_.get("/user/repos", bearer("bob"));
    EXPECT_EQ(res.status, 502);
    EXPECT_TRUE(json::parse(res.body).contains("message")) << res.body;
  }
  EXPECT_EQ(client_.get("/user/repos", bearer("bob")).status, 200);
  const json entries = ledger();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["status"], 502);
  EXPECT_EQ(entries[0]["credential_of"], "bob");
  EXPECT_EQ(entries[2]["status"], 200);
  EXPECT_EQ(client_.request("POST", "/_fault", {}, R"({"status":200})", "application/json").status, 400);
}

TEST_F(MockGithubTest, DeleteClearsTheLedgerAndTheLedgerIsNotRecorded) {
  client_.get("/user/repos", bearer("alice"));
  client_.get("/_ledger");
  ASSERT_EQ(ledger().size(), 1u);
  EXPECT_EQ(client_.request("DELETE", "/_ledger").status, 204);
  EXPECT_EQ(ledger(), json::array());
}

TEST_F(MockGithubTest, NoSecretInTheLedgerOrTheLog) {
  client_.get("/user/repos", bearer("alice"));
  client_.get("/user/repos", {{"Authorization", "token " + token("bob")}});
  const std::string ledger_text = client_.get("/_ledger").body;
  const std::string log = mock_backend::testing::read_text(mock_->process.log_path());
  ASSERT_THAT(log, HasSubstr("/user/repos"));
  for (const char* user : {"alice", "bob"}) {
    EXPECT_THAT(ledger_text, Not(HasSubstr(token(user)))) << user;
    EXPECT_THAT(log, Not(HasSubstr(token(user)))) << user;
  }
}

// As the harness starts it: only --secrets, a file of its own without usernames.
TEST(MockGithubDefaults, StartsWithTheFixtureDataAndConventionalLogins) {
  proc::TempDir dir("mock-github-defaults");
  const std::string secrets = (dir.path() / "secrets.json").string();
  std::ofstream(secrets) << R"({"alice": {"github": {"token": "ghp_harnessAAAAAAAAAAAAAAAAAAAA"}}})";
  proc::SpawnOptions options;
  options.argv = {MOCK_GITHUB_PATH, "--port", "0", "--secrets", secrets};
  options.log_path = (dir.path() / "log").string();
  auto github = proc::start_service(options);
  http::Client client(github.url);
  const json repos = json::parse(client.get("/user/repos", {{"Authorization", "Bearer ghp_harnessAAAAAAAAAAAAAAAAAAAA"}}).body);
  ASSERT_EQ(repos.size(), 4u);  // alice-github's two and the demo's two shared with her
  EXPECT_EQ(repos[0]["owner"]["login"], "alice-github");
}

}  // namespace
}  // namespace mcph::mock_github
