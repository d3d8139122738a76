// mock-jira as a process: Jira's shapes, credential checks, the ledger, and no secret in the
// ledger or the log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/http/basic_auth.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/mock_backend/credentials.h"
#include "mcph/mock_backend/testing.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::mock_jira {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class MockJiraTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new proc::TempDir("mock-jira-test");
    mock_ = new mock_backend::testing::RunningMock(mock_backend::testing::start_mock(
        MOCK_JIRA_PATH, MCPH_FIXTURES_DIR, "jira-data.json", (dir_->path() / "mock-jira.log").string()));
  }
  static void TearDownTestSuite() {
    delete mock_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_EQ(client_.request("DELETE", "/_ledger").status, 204);
    ASSERT_EQ(client_.request("DELETE", "/_fault").status, 204);
  }

  static json secrets() { return mock_backend::testing::fixture_secrets(MCPH_FIXTURES_DIR); }
  static http::Fields alice_password() {
    const json jira = secrets()["alice"]["jira"];
    return {{"Authorization", http::basic_authorization(jira["username"].get<std::string>(),
                                                                 jira["password"].get<std::string>())}};
  }
  static http::Fields alice_token_by_email() {
    const json jira = secrets()["alice"]["jira"];
    return {{"Authorization", http::basic_authorization(jira["email"].get<std::string>(),
                                                                 jira["api_token"].get<std::string>())}};
  }
  json ledger() { return json::parse(client_.get("/_ledger").body); }

  static proc::TempDir* dir_;
  static mock_backend::testing::RunningMock* mock_;
  http::Client client_{mock_->url};
};

proc::TempDir* MockJiraTest::dir_ = nullptr;
mock_backend::testing::RunningMock* MockJiraTest::mock_ = nullptr;

TEST_F(MockJiraTest, GetsAnIssueInJiraV3Shape) {
  auto res = client_.get("/rest/api/3/issue/DEMO-1", alice_password());
  ASSERT_EQ(res.status, 200) << res.body;
  const json issue = json::parse(res.body);
  EXPECT_EQ(issue["key"], "DEMO-1");
  EXPECT_EQ(issue["id"], "10001");
  EXPECT_THAT(issue["self"].get<std::string>(), HasSubstr("/rest/api/3/issue/10001"));
  EXPECT_EQ(issue["fields"]["summary"], "Set up the CI pipeline");
  EXPECT_EQ(issue["fields"]["status"]["name"], "To Do");
  EXPECT_EQ(issue["fields"]["status"]["statusCategory"]["key"], "new");
  EXPECT_EQ(issue["fields"]["project"]["key"], "DEMO");
  EXPECT_EQ(issue["fields"]["assignee"]["displayName"], "Alice Example");
  EXPECT_EQ(issue["fields"]["description"]["type"], "doc");
  EXPECT_EQ(issue["fields"]["description"]["content"][0]["content"][0]["text"], "Build and test every pull request.");
  EXPECT_EQ(client_.get("/rest/api/3/issue/10001", alice_password()).status, 200);  // by id too
}

// The original demo's data set (project PROJ, PROJ-1 and PROJ-2) on the paths its jira server
// calls, in Jira's shapes, reached with the Basic username:password that server sends.
TEST_F(MockJiraTest, ServesTheDemosProjectAndIssues) {
  const json jira = secrets()["alice"]["jira"];
  const http::Fields demo_auth = alice_password();
  const json one = json::parse(client_.get("/rest/api/3/issue/PROJ-1", demo_auth).body);
  EXPECT_EQ(one["key"], "PROJ-1");
  EXPECT_EQ(one["fields"]["summary"], "Sample Issue 1");
  EXPECT_EQ(one["fields"]["description"]["content"][0]["content"][0]["text"], "This is a sample issue");
  EXPECT_EQ(one["fields"]["status"]["name"], "To Do");
  EXPECT_EQ(one["fields"]["assignee"]["displayName"], "Alice Example");
  EXPECT_EQ(one["fields"]["project"]["key"], "PROJ");
  const json two = json::parse(client_.get("/rest/api/3/issue/PROJ-2", demo_auth).body);
  EXPECT_EQ(two["fields"]["summary"], "Sample Issue 2");
  EXPECT_EQ(two["fields"]["status"]["name"], "In Progress");
  EXPECT_EQ(two["fields"]["assignee"]["displayName"], "Bob Example");
  // The demo client's default JQL.
  const json page = json::parse(
      client_.get("/rest/api/3/search?jql=" + http::percent_encode("project = PROJ ORDER BY created DESC"), demo_auth)
          .body);
  EXPECT_EQ(page["total"], 2);
  const json project = json::parse(client_.get("/rest/api/3/project/PROJ", demo_auth).body);
  EXPECT_EQ(project["name"], "Sample Project");
  EXPECT_EQ(project["description"], "A sample project");
}

// Jira Data Center's personal access token, as Bearer; the ledger names which field matched.
TEST_F(MockJiraTest, AcceptsEachSchemeWithItsOwnFieldAndTheLedgerNamesIt) {
  const json jira = secrets()["alice"]["jira"];
  EXPECT_EQ(client_.get("/rest/api/3/myself", alice_password()).status, 200);
  EXPECT_EQ(client_.get("/rest/api/3/myself", alice_token_by_email()).status, 200);
  EXPECT_EQ(client_.get("/rest/api/3/myself",
                        {{"Authorization", "Bearer " + jira["personal_access_token"].get<std::string>()}})
                .status,
            200);
  // An API token with the username (what the demo's server would send for Cloud) is refused.
  EXPECT_EQ(client_.get("/rest/api/3/myself",
                        {{"Authorization", http::basic_authorization(jira["username"].get<std::string>(),
                                                                     jira["api_token"].get<std::string>())}})
                .status,
            401);
  const json entries = ledger();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0]["credential_field"], "password");
  EXPECT_EQ(entries[0]["scheme"], "basic");
  EXPECT_EQ(entries[1]["credential_field"], "api_token");
  EXPECT_EQ(entries[2]["credential_field"], "personal_access_token");
  EXPECT_EQ(entries[2]["scheme"], "bearer");
  EXPECT_EQ(entries[3]["credential_field"], "");
  EXPECT_EQ(entries[3]["credential_of"], "unknown");
}

TEST_F(MockJiraTest, MissingIssueIs404InJiraShape) {
  auto res = client_.get("/rest/api/3/issue/DEMO-999", alice_token_by_email());
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(json::parse(res.body),
            json::parse(R"({"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}})"));
}

TEST_F(MockJiraTest, SearchFiltersByJql) {
  auto res = client_.get("/rest/api/3/search?jql=" + http::percent_encode("project = DEMO AND assignee = alice"),
                         alice_password());
  ASSERT_EQ(res.status, 200) << res.body;
  const json page = json::parse(res.body);
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(page["startAt"], 0);
  EXPECT_EQ(page["issues"][0]["key"], "DEMO-1");
  EXPECT_EQ(page["issues"][1]["key"], "DEMO-3");
  const json mine = json::parse(
      client_.get("/rest/api/3/search?jql=" + http::percent_encode("assignee = currentUser() AND status = Done"),
                  alice_password()).body);
  EXPECT_EQ(mine["total"], 1);
  const json all = json::parse(client_.get("/rest/api/3/search?maxResults=1&startAt=1", alice_password()).body);
  EXPECT_EQ(all["total"], 6);
  EXPECT_EQ(all["issues"].size(), 1u);
  EXPECT_EQ(all["issues"][0]["key"], "DEMO-2");
}

TEST_F(MockJiraTest, BadJqlIs400WithJirasMessage) {
  auto res = client_.get("/rest/api/3/search?jql=" + http::percent_encode("colour = red"), alice_password());
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(json::parse(res.body)["errorMessages"][0],
            "Field 'colour' does not exist or you do not have permission to view it.");
}

TEST_F(MockJiraTest, CreatesEditsAndDeletesAnIssue) {
  auto created = client_.post("/rest/api/3/issue",
                              R"({"fields":{"project":{"key":"OPS"},"summary":"New one","issuetype":{"name":"Bug"},
                                 "description":{"type":"doc","version":1,"content":[{"type":"paragraph",
                                 "content":[{"type":"text","text":"details"}]}]}}})",
                              "application/json", alice_password());
  ASSERT_EQ(created.status, 201) << created.body;
  const json ref = json::parse(created.body);
  EXPECT_EQ(ref["key"], "OPS-2");
  const std::string path = "/rest/api/3/issue/" + ref["key"].get<std::string>();
  json issue = json::parse(client_.get(path, alice_password()).body);
  EXPECT_EQ(issue["fields"]["issuetype"]["name"], "Bug");
  EXPECT_EQ(issue["fields"]["reporter"]["displayName"], "Alice Example");  // whose credential created it
  EXPECT_EQ(issue["fields"]["description"]["content"][0]["content"][0]["text"], "details");

  EXPECT_EQ(client_.request("PUT", path, alice_password(), R"({"fields":{"summary":"Renamed"}})", "application/json")
                .status,
            204);
  EXPECT_EQ(json::parse(client_.get(path, alice_password()).body)["fields"]["summary"], "Renamed");
  EXPECT_EQ(client_.request("DELETE", path, alice_password()).status, 204);
  EXPECT_EQ(client_.get(path, alice_password()).status, 404);
}

TEST_F(MockJiraTest, TheDemosFlatCreateBodyIsAccepted) {
  auto created = client_.post("/rest/api/3/issue", R"({"summary":"Flat","project":"DEMO","description":"x"})",
                              "application/json", alice_password());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(client_.request("DELETE", "/rest/api/3/issue/" + json::parse(created.body)["key"].get<std::string>(),
                            alice_password()).status,
            204);
}

// As in Jira, a key is never given again once its issue is deleted: a client still holding it
// (a second request of a confirmed deletion, say) must find nothing, never another issue.
TEST_F(MockJiraTest, ADeletedIssuesKeyIsNeverGivenAgain) {
  const auto create = [&] {
    const auto created = client_.post("/rest/api/3/issue", R"({"summary":"Doomed","project":"DEMO"})",
                                      "application/json", alice_password());
    EXPECT_EQ(created.status, 201) << created.body;
    return json::parse(created.body)["key"].get<std::string>();
  };
  const std::string first = create();
  ASSERT_EQ(client_.request("DELETE", "/rest/api/3/issue/" + first, alice_password()).status, 204);
  const std::string second = create();
  EXPECT_NE(second, first);
  EXPECT_EQ(client_.get("/rest/api/3/issue/" + first, alice_password()).status, 404);
}

TEST_F(MockJiraTest, CreateValidationErrorsNameTheFields) {
  auto res = client_.post("/rest/api/3/issue", R"({"fields":{"project":{"key":"NOPE"}}})", "application/json",
                          alice_password());
  EXPECT_EQ(res.status, 400);
  const json body = json::parse(res.body);
  EXPECT_EQ(body["errorMessages"], json::array());
  EXPECT_EQ(body["errors"]["summary"], "You must specify a summary of the issue.");
  EXPECT_EQ(body["errors"]["project"], "Specify a valid project ID or key");
}

TEST_F(MockJiraTest, BadJsonIs400InJiraShape) {
  for (const char* body : {R"({"fields":)", "[1,2]"}) {
    auto res = client_.post("/rest/api/3/issue", body, "application/json", alice_password());
    EXPECT_EQ(res.status, 400) << body;
    const json error = json::parse(res.body);
    EXPECT_EQ(error["errorMessages"][0], "Invalid request payload. Refer to the REST API documentation and try again.");
    EXPECT_EQ(error["errors"], json::object());
  }
  EXPECT_EQ(client_.request("PUT", "/rest/api/3/issue/DEMO-1", alice_password(), "{", "application/json").status, 400);
}

TEST_F(MockJiraTest, ListsAndGetsProjects) {
  const json projects = json::parse(client_.get("/rest/api/3/project", alice_password()).body);
  ASSERT_EQ(projects.size(), 3u);
  EXPECT_EQ(projects[0]["key"], "DEMO");
  EXPECT_EQ(projects[2]["key"], "PROJ");
  EXPECT_EQ(projects[0]["projectTypeKey"], "software");
  EXPECT_EQ(json::parse(client_.get("/rest/api/3/project/OPS", alice_password()).body)["name"], "Operations");
  auto missing = client_.get("/rest/api/3/project/NOPE", alice_password());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["errorMessages"][0], "No project could be found with key 'NOPE'.");
}

TEST_F(MockJiraTest, MissingOrUnknownCredentialsAre401) {
  const json bob_github = secrets()["bob"]["github"];
  for (const http::Fields& headers :
       {http::Fields{}, http::Fields{{"Authorization", http::basic_authorization("alice-jira", "wrong")}},
        http::Fields{{"Authorization", "Bearer " + bob_github["token"].get<std::string>()}},
        http::Fields{{"Authorization", "Basic not-base64"}}}) {
    auto res = client_.get("/rest/api/3/issue/DEMO-1", headers);
    EXPECT_EQ(res.status, 401);
    EXPECT_EQ(json::parse(res.body),
              json::parse(R"({"errorMessages":["Client must be authenticated to access this resource."],"errors":{}})"));
  }
}

TEST_F(MockJiraTest, LedgerRecordsWhoseCredentialReachedWhichRoute) {
  client_.get("/rest/api/3/issue/DEMO-2", alice_password());
  client_.get("/rest/api/3/project", alice_token_by_email());
  client_.get("/rest/api/3/issue/DEMO-1");
  client_.get("/rest/api/3/issue/DEMO-1", {{"Authorization", http::basic_authorization("mallory", "guess")}});
  const json entries = ledger();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0]["method"], "GET");
  EXPECT_EQ(entries[0]["route"], "/rest/api/3/issue/{issueIdOrKey}");
  EXPECT_EQ(entries[0]["path"], "/rest/api/3/issue/DEMO-2");
  EXPECT_EQ(entries[0]["credential_of"], "alice");
  EXPECT_EQ(entries[0]["scheme"], "basic");
  EXPECT_EQ(entries[0]["status"], 200);
  const std::string password = secrets()["alice"]["jira"]["password"];
  EXPECT_EQ(entries[0]["credential"], "****" + password.substr(password.size() - 4));
  EXPECT_EQ(entries[1]["route"], "/rest/api/3/project");
  EXPECT_EQ(entries[1]["credential_of"], "alice");
  EXPECT_EQ(entries[2]["credential_of"], "none");
  EXPECT_EQ(entries[2]["credential"], "");
  EXPECT_EQ(entries[2]["status"], 401);
  EXPECT_EQ(entries[3]["credential_of"], "unknown");
  EXPECT_EQ(entries[3]["status"], 401);
  EXPECT_LT(entries[0]["seq"].get<int>(), entries[3]["seq"].get<int>());
}

TEST_F(MockJiraTest, LedgerRecordsErrorStatusesToo) {
  client_.get("/rest/api/3/issue/NOPE-1", alice_password());
  client_.post("/rest/api/3/issue", "{", "application/json", alice_password());
  const json entries = ledger();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["status"], 404);
  EXPECT_EQ(entries[1]["status"], 400);
  EXPECT_EQ(entries[1]["route"], "/rest/api/3/issue");
}

TEST_F(MockJiraTest, LedgerRecordsTheTraceIdOfAValidTraceparentAndFiltersByIt) {
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto with = [](http::Fields headers, const char* name, std::string value) {
    headers.emplace_back(name, std::move(value));
    return headers;
  };
  client_.get("/rest/api/3/issue/DEMO-1", with(alice_password(), "traceparent", "00-" + trace_id + "-00f067aa0ba902b7-01"));
  client_.get("/rest/api/3/issue/DEMO-2", alice_password());
  client_.get("/rest/api/3/issue/DEMO-3", with(alice_password(), "traceparent", "00-" + trace_id + "-0000000000000000-01"));
  client_.get("/rest/api/3/project", with({}, "TRACEPARENT", "00-" + trace_id + "-b7ad6b7169203331-00"));

  const json entries = ledger();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0]["trace_id"], trace_id);
  EXPECT_EQ(entries[1]["trace_id"], "") << "no traceparent";
  EXPECT_EQ(entries[2]["trace_id"], "") << "a malformed traceparent is ignored, not an error";
  EXPECT_EQ(entries[2]["status"], 200);
  EXPECT_EQ(entries[3]["trace_id"], trace_id) << "refused requests are traced too";
  EXPECT_EQ(entries[3]["status"], 401);

  const json traced = json::parse(client_.get("/_ledger?trace_id=" + trace_id).body);
  ASSERT_EQ(traced.size(), 2u);
  EXPECT_EQ(traced[0]["path"], "/rest/api/3/issue/DEMO-1");
  EXPECT_EQ(traced[1]["path"], "/rest/api/3/project");
  EXPECT_EQ(json::parse(client_.get("/_ledger?trace_id=").body).size(), 2u) << "empty: the untraced ones";
  EXPECT_EQ(json::parse(client_.get("/_ledger?trace_id=0af7651916cd43dd8448eb211c80319c").body), json::array());
}

TEST_F(MockJiraTest, LedgerRefusesAMalformedTraceIdFilterInJirasShape) {
  for (const char* bad : {"xyz", "4BF92F3577B34DA6A3CE929D0E0E4736", "00000000000000000000000000000000"}) {
    const auto res = client_.get(std::string("/_ledger?trace_id=") + bad);
    EXPECT_EQ(res.status, 400) << bad;
    EXPECT_THAT(json::parse(res.body)["errorMessages"][0].get<std::string>(), HasSubstr("trace_id")) << res.body;
  }
}

// The fault hook: a 5xx in Jira's error shape, before the credential check, recorded with the
// credential presented; a count ends it by itself, DELETE ends it at once.
TEST_F(MockJiraTest, FaultHookAnswersAServerErrorInJirasShapeAndRecordsIt) {
  const auto set = client_.request("POST", "/_fault", {}, R"({"status":503})", "application/json");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(json::parse(client_.get("/_fault").body), json::parse(R"({"status":503,"remaining":null})"));
  for (int i = 0; i < 2; ++i) {
    const auto res = client_.get("/rest/api/3/issue/DEMO-1", alice_password());
    EXPECT_EQ(res.status, 503);
    ASSERT_TRUE(json::parse(res.body)["errorMessages"].is_array()) << res.body;
    // The words scenarios/faults.yaml looks for in a server's answer (error_hides).
    EXPECT_THAT(json::parse(res.body)["errorMessages"][0].get<std::string>(),
                HasSubstr("a fault injected by the test harness"));
  }
  EXPECT_EQ(client_.get("/rest/api/3/project").status, 503) << "an outage answers before any credential check";
  const json entries = ledger();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["status"], 503);
  EXPECT_EQ(entries[0]["credential_of"], "alice");
  EXPECT_EQ(entries[2]["credential_of"], "none");

  EXPECT_EQ(client_.request("DELETE", "/_fault").status, 204);
  EXPECT_EQ(client_.get("/rest/api/3/issue/DEMO-1", alice_password()).status, 200);
  EXPECT_EQ(client_.get("/_fault").body, "{}");

  ASSERT_EQ(client_.request("POST", "/_fault", {}, R"({"status":500,"count":1})", "application/json").status, 200);
  EXPECT_EQ(client_.get("/rest/api/3/issue/DEMO-1", alice_password()).status, 500);
  EXPECT_EQ(client_.get("/rest/api/3/issue/DEMO-1", alice_password()).status, 200) << "one request, then healthy";
}

TEST_F(MockJiraTest, FaultHookRefusesWhatIsNotAServerError) {
  for (const char* body : {R"({"status":404})", R"({"status":"503"})", R"({"status":503,"count":-1})", "{}", "not json"}) {
    const auto res = client_.request("POST", "/_fault", {}, body, "application/json");
    EXPECT_EQ(res.status, 400) << body;
    EXPECT_TRUE(json::parse(res.body)["errorMessages"].is_array()) << res.body;
  }
  EXPECT_EQ(client_.get("/_fault").body, "{}");
  EXPECT_EQ(client_.get("/rest/api/3/issue/DEMO-1", alice_password()).status, 200);
}

TEST_F(MockJiraTest, DeleteClearsTheLedger) {
  client_.get("/rest/api/3/project", alice_password());
  ASSERT_EQ(ledger().size(), 1u);
  EXPECT_EQ(client_.request("DELETE", "/_ledger").status, 204);
  EXPECT_EQ(ledger(), json::array());
}

TEST_F(MockJiraTest, NoSecretInTheLedgerOrTheLog) {
  const json jira = secrets()["alice"]["jira"];
  client_.get("/rest/api/3/issue/DEMO-1", alice_password());
  client_.get("/rest/api/3/issue/DEMO-1", alice_token_by_email());
  client_.get("/rest/api/3/search?jql=" + http::percent_encode("project = DEMO"), alice_password());
  const std::string ledger_text = client_.get("/_ledger").body;
  const std::string log = mock_backend::testing::read_text(mock_->process.log_path());
  ASSERT_THAT(log, HasSubstr("/rest/api/3/issue/DEMO-1"));  // the log is the right one
  client_.get("/rest/api/3/issue/DEMO-1", {{"Authorization", "Bearer " + jira["personal_access_token"].get<std::string>()}});
  for (const char* field : {"password", "api_token", "personal_access_token"}) {
    const std::string secret = jira[field];
    EXPECT_THAT(ledger_text, Not(HasSubstr(secret))) << field;
    EXPECT_THAT(log, Not(HasSubstr(secret))) << field;
  }
  const std::string header = alice_password().front().second;
  EXPECT_THAT(log, Not(HasSubstr(header.substr(6))));  // nor the base64 of user:password
}

}  // namespace
}  // namespace mcph::mock_jira
