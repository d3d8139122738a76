// mcp-harness run against a stack whose identity provider the harness does not administer
// (`idp: oidc`): a stack `up` started, described by a hand-written external stack file whose
// provider is its mock-keycloak realm named by issuer only, and whose users sign in as a private
// identities file says (alice and bob by password, carol through a token command). The family
// that needs only sign-in passes; those that need users made or changed, or a Vault login
// through a server's token exchange, are not applicable, saying why; no password, client secret or token reaches the output or a report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/oidc/token_client.h"
#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

void write_private(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), 0600);
}

// `up`'s stack as its owner would describe it without Keycloak's admin account: each service
// but Keycloak as it is, and the realm as an OpenID provider known by its issuer.
fs::path oidc_stack_file(const stack::StackFile& up, const fs::path& dir, const std::string& identities_file) {
  stack::StackFile external;
  external.mode = stack::StackMode::external;
  external.idp = idp::IdentityProviderKind::oidc;
  external.realm = up.realm;
  for (const auto& [name, entry] : up.services) {
    if (name == "keycloak") continue;
    stack::ServiceEntry service = entry;
    service.pid = 0;
    service.log.clear();
    service.mcp.behind_fault_proxy.clear();
    external.services[name] = service;
  }
  stack::ServiceEntry oidc;
  oidc.url = up.service("keycloak").url + "/realms/" + up.realm;
  oidc.idp.issuer = oidc.url;
  oidc.idp.identities_file = identities_file;  // relative: beside the stack file
  external.services["oidc"] = oidc;
  const fs::path path = dir / "oidc-stack.json";
  write_private(path, external.to_json());
  return path;
}

TEST(RunOidcStackTest, SignInFamiliesPassAndAdministeringOnesAreNotApplicableWithoutLeakingSecrets) {
  // No generated users: Vault then holds the fixture users alone, as provisioning for the
  // identities (alice, bob, carol) would make it, and the configuration check finds no drift.
  UpStack stack({"--users", "0"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const stack::StackFile up = stack::StackFile::load(stack.stack_file);
  const fs::path dir = stack.dir.path();
  const std::string realm = up.service("keycloak").url + "/realms/" + up.realm;
  const std::string client_secret = fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::default_fixtures_dir()), "mcp-client");

  // carol's token comes from a command, as from a provider's CLI: here, a file it prints.
  const std::string carol_token =
      oidc::TokenClient(realm, {"mcp-client", client_secret}).password_grant("carol", "carol123", stack::mcp_scopes(up)).access_token;
  write_private(dir / "carol.token", carol_token);
  Json identities = Json::array();
  for (const char* name : {"alice", "bob"}) {
    identities.push_back({{"name", name}, {"kind", "user"}, {"client_id", "mcp-client"}, {"client_secret", client_secret},
                          {"grant", "password"}, {"password", std::string(name) + "123"}});
  }
  identities.push_back({{"name", "carol"}, {"kind", "user"}, {"grant", "token_command"},
                        {"command", {"/bin/cat", (dir / "carol.token").string()}}});
  write_private(dir / "identities.json", Json{{"identities", identities}}.dump(2));
  const fs::path stack_file = oidc_stack_file(up, dir, "identities.json");

  const fs::path junit = dir / "junit.xml", html = dir / "report.html", sarif = dir / "findings.sarif";
  const auto run = harness({"run", "--family", "missing-credentials", "--stack", stack_file.string(), "--junit", junit.string(),
                            "--html", html.string(), "--sarif", sarif.string()},
                           dir);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("[stack_configuration] the stack is configured as its fixtures describe: passed"));
  const scenario::ScenarioFile missing_credentials = scenario_file("missing_credentials");
  ASSERT_GE(missing_credentials.scenarios.size(), 2u);
  for (const scenario::Scenario& scenario : missing_credentials.scenarios) {
    EXPECT_THAT(run.output, HasSubstr("[missing_credentials] " + scenario.name + ": passed (")) << scenario.name;
  }

  // Users made at the provider (generated ones), its operator's changes, a Vault login through a
  // server's token exchange: not applicable, saying why; the rest of isolation runs.
  const auto administering = harness({"run", "--family", "faults", "--family", "isolation", "--stack", stack_file.string()}, dir);
  EXPECT_EQ(administering.exit_code, 0) << administering.output;
  EXPECT_THAT(administering.output,
              HasSubstr("nothing of family faults applies to this stack: not applicable: it needs generated users"));
  EXPECT_THAT(administering.output, HasSubstr("and the identity provider is not administered by the harness (services.oidc)"));
  const std::vector<std::string> isolation = lines_starting_with(administering.output, "[isolation] ");
  ASSERT_EQ(isolation.size(), scenario_file("isolation").scenarios.size()) << administering.output;
  std::size_t passed = 0;
  for (const std::string& line : isolation) {
    if (line.find(": passed (") != std::string::npos) {
      ++passed;
    } else {
      EXPECT_THAT(line, HasSubstr(": skipped ("));
      EXPECT_THAT(line, HasSubstr("not applicable: it logs in to Vault as an MCP server does"));
    }
  }
  EXPECT_EQ(passed, isolation.size() - 1) << administering.output;

  std::vector<std::pair<std::string, std::string>> outputs = {{"missing-credentials output", run.output},
                                                              {"faults and isolation output", administering.output},
                                                              {"JUnit report", read_file(junit)},
                                                              {"HTML report", read_file(html)},
                                                              {"SARIF report", read_file(sarif)}};
  for (const auto& [what, text] : outputs) {
    EXPECT_FALSE(text.empty()) << what;
    EXPECT_THAT(leaked_secret(text), IsEmpty()) << what;
    for (const std::string& secret : {std::string("alice123"), std::string("bob123"), client_secret, carol_token}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << what << " holds a secret of the identities file";
    }
  }

  // An identities file others may read is refused before any scenario runs, naming the fix.
  ::chmod((dir / "identities.json").c_str(), 0644);
  const auto exposed = harness({"run", "--family", "missing-credentials", "--stack", stack_file.string()}, dir);
  EXPECT_NE(exposed.exit_code, 0) << exposed.output;
  EXPECT_THAT(exposed.output, HasSubstr("others may read it (mode 0644): chmod 600 it"));
  EXPECT_EQ(exposed.output.find("alice123"), std::string::npos);
}

// `up` brings up no provider it would not administer: it says where such a provider is named.
TEST(RunOidcStackTest, UpRefusesAnIdentityProviderItDoesNotAdminister) {
  const proc::TempDir dir = work_dir();
  const auto up = harness({"up", "--idp", "oidc", "--run-dir", (dir.path() / "run").string()}, dir.path());
  EXPECT_NE(up.exit_code, 0) << up.output;
  EXPECT_THAT(up.output, HasSubstr("--idp oidc starts nothing"));
  EXPECT_THAT(up.output, HasSubstr("name it in an external stack file (services.oidc)"));
  EXPECT_FALSE(fs::exists(dir.path() / "run" / "stack.json"));
}

}  // namespace
}  // namespace mcph::harness::cli
