// The mock-keycloak binary itself: its flags, its import errors, a clean stop on SIGTERM, and
// --hostname-url. These test the mock, so they always spawn it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include "keycloak_under_test.h"
#include "mcph/http/server.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::HasSubstr;

proc::CommandResult run(std::vector<std::string> args) {
  proc::SpawnOptions options;
  options.argv = {MOCK_KEYCLOAK_PATH};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  return proc::run_command(options, std::chrono::seconds(20));
}

TEST(MockKeycloakCli, HelpDescribesTheOptions) {
  const auto result = run({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* option :
       {"--port", "--admin-user", "--admin-password", "--hostname-url", "--import-realm"}) {
    EXPECT_THAT(result.output, HasSubstr(option));
  }
}

TEST(MockKeycloakCli, BadFlagsExitWithStatus2AndSayWhy) {
  const auto unknown = run({"--frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.output, HasSubstr("unknown flag --frobnicate"));
  const auto bad_port = run({"--port", "eighty"});
  EXPECT_EQ(bad_port.exit_code, 2);
  EXPECT_THAT(bad_port.output, HasSubstr("--port"));
  EXPECT_EQ(run({"--port"}).exit_code, 2);
  EXPECT_EQ(run({"--hostname-url", "not a url"}).exit_code, 2);
}

TEST(MockKeycloakCli, UnreadableRealmFilesStopTheStart) {
  const auto missing = run({"--port", "0", "--import-realm", "/nonexistent/realm.json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr("/nonexistent/realm.json"));

  proc::TempDir dir("kc-cli");
  const auto broken = (dir.path() / "broken.json").string();
  std::ofstream(broken) << "{\"realm\": ";
  const auto bad_json = run({"--port", "0", "--import-realm", broken});
  EXPECT_EQ(bad_json.exit_code, 1);
  EXPECT_THAT(bad_json.output, HasSubstr("not a JSON object"));

  const auto nameless = (dir.path() / "nameless.json").string();
  std::ofstream(nameless) << R"({"enabled": true})";
  const auto no_name = run({"--port", "0", "--import-realm", nameless});
  EXPECT_EQ(no_name.exit_code, 1);
  EXPECT_THAT(no_name.output, HasSubstr("Realm name cannot be empty"));
}

TEST(MockKeycloakCli, StopsCleanlyOnSigterm) {
  auto kc = KeycloakUnderTest::spawn_mock();
  {
    KeycloakApi api(kc.url(), kc.admin_user(), kc.admin_password());
    EXPECT_FALSE(api.admin_token().empty());
  }  // closes the kept-alive connection, which the server would otherwise wait for
  const int status = kc.process()->stop();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(MockKeycloakCli, HostnameUrlIsTheIssuerBase) {
  auto kc = KeycloakUnderTest::spawn_mock({"--hostname-url", "http://keycloak.example:8080/"});
  KeycloakApi api(kc.url(), kc.admin_user(), kc.admin_password());
  const auto doc = json_of(api.http().get("/realms/master/.well-known/openid-configuration"));
  EXPECT_EQ(doc.at("issuer"), "http://keycloak.example:8080/realms/master");
  const auto token = api.admin_token();  // tokens carry that issuer and still work here
  EXPECT_EQ(claims_of(token).at("iss"), "http://keycloak.example:8080/realms/master");
  EXPECT_EQ(api.admin("GET", "/master").status, 200);
}

}  // namespace
}  // namespace mcph::keycloak_test
