// A family declares itself in its file's header (`ctest:`, `needs:`, a scenario's own `needs:`):
// the loader reads and checks it, docs/families.md's table is made from it (and is stale when it
// differs), and a stack without what a scenario is about skips that scenario, saying why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mcph/harness/scenario/family_table.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "stack_needs.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kScenarios = "scenarios:\n  - name: a\n    steps:\n      - wait: 1s\n";

std::string family_file_error(const std::string& text) {
  try {
    (void)parse_scenario_file(text, "x.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(loaded)";
}

std::string read(const char* path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(FamilyTable, TheCheckedInTableIsCurrent) {
  const std::string page = read(MCPH_FAMILIES_PAGE_PATH);
  ASSERT_FALSE(page.empty()) << "cannot read " << MCPH_FAMILIES_PAGE_PATH;
  const std::string table = family_table(load_scenario_dir(MCPH_SCENARIOS_DIR));
  EXPECT_TRUE(page == with_family_table(page, table))
      << "docs/families.md's table is stale: run `mcp-harness reference --families --write docs/families.md`\n"
      << table;
}

// ctest registers every file in scenarios/ through its header: one without it could not run.
TEST(FamilyTable, EveryScenarioFileSaysHowCtestRunsIt) {
  for (const auto& file : load_scenario_dir(MCPH_SCENARIOS_DIR)) {
    ASSERT_TRUE(file.ctest.has_value()) << file.path << " has no `ctest:` line";
    EXPECT_FALSE(file.ctest->stacks.empty()) << file.path;
  }
}

TEST(FamilyTable, ARowSaysTheLabelsStacksHowItRunsAndTheCount) {
  const ScenarioFile file = parse_scenario_file(
      "suite: dpop\nfamily: dpop\nctest: {label: dpop, labels: [workload-identity], stacks: [shared, real], "
      "lock: bridge}\n" + kScenarios,
      "somewhere/dpop.yaml");
  const std::string table = family_table({file, file});
  EXPECT_THAT(table, HasSubstr("| dpop | `scenarios/dpop.yaml` | `dpop`, `workload-identity` | shared, real | "
                               "one at a time per stack (`bridge`) | 1 |\n"));
  EXPECT_THAT(table, HasSubstr("| 2 in all |"));
}

TEST(FamilyTable, ThePageKeepsEverythingOutsideTheMarkers) {
  const std::string page = std::string("before\n") + kFamilyTableBegin + "\nold\n" + kFamilyTableEnd + "\nafter\n";
  EXPECT_EQ(with_family_table(page, "new\n"),
            std::string("before\n") + kFamilyTableBegin + "\nnew\n" + kFamilyTableEnd + "\nafter\n");
  EXPECT_THROW(with_family_table("no markers\n", "new\n"), std::runtime_error);
}

TEST(FamilyTable, TheCtestLineIsCheckedAsCMakeReadsIt) {
  const auto file = parse_scenario_file("ctest: {label: faults, stacks: [shared, real], alone: true}\n" + kScenarios, "x.yaml");
  ASSERT_TRUE(file.ctest);
  EXPECT_EQ(file.ctest->label, "faults");
  EXPECT_EQ(file.ctest->stacks, (std::vector<std::string>{"shared", "real"}));
  EXPECT_TRUE(file.ctest->alone);
  EXPECT_THAT(family_file_error("ctest: {label: a, stacks: [shared], serial: true}\n" + kScenarios),
              HasSubstr("x.yaml:1: ctest.serial: unknown key"));
  EXPECT_THAT(family_file_error("ctest: {label: a, stacks: [everywhere]}\n" + kScenarios),
              HasSubstr("ctest.stacks[0]: expected shared, real, cognito or load"));
  EXPECT_THAT(family_file_error("ctest: {label: a}\n" + kScenarios), HasSubstr("ctest.stacks: missing"));
  EXPECT_THAT(family_file_error("ctest: {stacks: [shared]}\n" + kScenarios), HasSubstr("ctest.label: missing"));
  EXPECT_THAT(family_file_error("ctest: {label: a, stacks: [shared], alone: true, lock: l}\n" + kScenarios),
              HasSubstr("ctest.lock: a file that runs alone needs no lock"));
  // CMake reads one line: a block mapping, or a flow mapping over two lines, would be lost on it.
  EXPECT_THAT(family_file_error("ctest:\n  label: a\n  stacks: [shared]\n" + kScenarios),
              HasSubstr("ctest: must be a one-line flow mapping"));
  EXPECT_THAT(family_file_error("ctest: {label: a,\n  stacks: [shared]}\n" + kScenarios),
              HasSubstr("ctest: must be one line"));
}

TEST(FamilyTable, AScenarioSaysWhatItIsAboutBesideItsFile) {
  const auto file = parse_scenario_file(
      "needs: {services: [spiffe]}\nscenarios:\n  - name: a\n    needs: {services: [workload-mcp], idp: keycloak}\n"
      "    steps:\n      - wait: 1s\n",
      "x.yaml");
  EXPECT_EQ(file.scenarios.front().needs.services, std::vector<std::string>{"workload-mcp"});
  EXPECT_EQ(file.scenarios.front().needs.idp, "keycloak");
  EXPECT_EQ(file.scenarios.front().needs.where.to_string(), "x.yaml:4");
  // The users and the rate limit are the whole file's.
  EXPECT_THAT(family_file_error("scenarios:\n  - name: a\n    needs: {generated_users: 3}\n    steps:\n      - wait: 1s\n"),
              HasSubstr("x.yaml:3: scenarios[0].needs.generated_users: unknown key"));
  EXPECT_THAT(family_file_error("scenarios:\n  - name: a\n    needs: {idp: okta}\n    steps:\n      - wait: 1s\n"),
              HasSubstr("scenarios[0].needs.idp: expected keycloak, cognito, oidc or any"));
}

TEST(FamilyTable, AScenarioAboutAServiceTheStackLeftOutIsSkippedSayingWhy) {
  const auto file = parse_scenario_file(
      "needs: {services: [spiffe]}\nscenarios:\n  - name: svid only\n    steps:\n      - wait: 1s\n"
      "  - name: the server too\n    needs: {services: [workload-mcp]}\n    steps:\n      - wait: 1s\n",
      "x.yaml");
  const stack::StackFile stack = stack::StackFile::parse(R"json({"mode": "local", "services": {"spiffe": {"url": "http://127.0.0.1:1"}},
      "services_left_out": {"workload-mcp": "this stack has no opa (OPA is not installed)"}})json");
  EXPECT_EQ(services_missing(file, file.scenarios[0], stack), std::nullopt);
  const auto why = services_missing(file, file.scenarios[1], stack);
  ASSERT_TRUE(why);
  EXPECT_THAT(*why, HasSubstr("not applicable: the stack has no workload-mcp (x.yaml:7"));
  EXPECT_THAT(*why, HasSubstr("workload-mcp was left out: this stack has no opa (OPA is not installed)"));
  // The file's own needs come first.
  const stack::StackFile bare = stack::StackFile::parse(R"({"mode": "local", "services": {}})");
  EXPECT_THAT(services_missing(file, file.scenarios[0], bare).value_or(""), HasSubstr("the stack has no spiffe (x.yaml:1"));
  // An identity provider of the other kind.
  const auto keycloak_only = parse_scenario_file(
      "scenarios:\n  - name: a\n    needs: {idp: keycloak}\n    steps:\n      - wait: 1s\n", "x.yaml");
  const stack::StackFile cognito = stack::StackFile::parse(R"({"mode": "local", "idp": "cognito", "services": {}})");
  EXPECT_THAT(services_missing(keycloak_only, keycloak_only.scenarios[0], cognito).value_or(""),
              HasSubstr("identity provider is keycloak (x.yaml:3), and this stack's is cognito"));
  // A provider the harness does not administer is named by a stack file, not brought up.
  const auto oidc_only = parse_scenario_file(
      "scenarios:\n  - name: a\n    needs: {idp: oidc}\n    steps:\n      - wait: 1s\n", "x.yaml");
  EXPECT_THAT(services_missing(oidc_only, oidc_only.scenarios[0], cognito).value_or(""),
              HasSubstr("this stack's is cognito (an external stack file with \"idp\": \"oidc\")"));
  const stack::StackFile oidc = stack::StackFile::parse(
      R"({"mode": "external", "idp": "oidc", "services": {"oidc": {"url": "https://idp.example"}}})");
  EXPECT_EQ(services_missing(oidc_only, oidc_only.scenarios[0], oidc), std::nullopt);
}

// What a scenario needs of its target beyond a service (`needs: {auth: [...], capabilities:
// [...], idp: ...}`): declared where its steps act through a mode or ask an authorization server,
// and, on a stack whose target lacks it, the reason it is skipped: which need, and what the
// stack has. A server under its own name (`plays`) meets the needs of the role it plays.

// The servers a step calls do not matter here: the needs name their targets.
const ServersCalled kNoServers = [](const Step&) { return std::vector<std::string>{}; };

std::optional<std::string> why_skipped(const ScenarioFile& file, const stack::StackFile& stack, std::size_t scenario = 0) {
  return not_applicable(file, file.scenarios.at(scenario), stack, kNoServers);
}

// An agent server as the stack file describes it, with `auth` (JSON) and further keys.
stack::StackFile agent_stack(const std::string& auth, const std::string& more = "") {
  return stack::StackFile::parse(R"({"services": {"vault": {"url": "http://127.0.0.1:1"},
      "vault-gateway": {"url": "http://127.0.0.1:2/mcp", "plays": "agent-bridge-mcp", "profile": "agent-bridge",
                        "auth": )" + auth + more + "}}}");
}

const std::string kApiKeyOnly = R"({"default": "api_key", "agents": ["agent-a"], "api_key": {"keys_file": "keys.json"}})";
const std::string kWithIssuer = R"({"default": "api_key", "agents": ["agent-a"], "api_key": {"keys_file": "keys.json"},
    "client_credentials": {"token_url": "http://127.0.0.1:2/oauth2/token", "clients_file": "c.json",
                           "issuer": "http://127.0.0.1:2"}})";

TEST(Applicability, AStepsModeAndAnAuthorizationServerAreDeclaredOrTheFileDoesNotLoad) {
  const std::string via = "needs: {services: [agent-bridge-mcp]}\nscenarios:\n  - name: a\n    steps:\n"
                          "      - as: agent-a\n        via: static_jwt\n        http: {server: agent-bridge-mcp, probe: true}\n";
  EXPECT_THAT(family_file_error(via), HasSubstr("x.yaml:6: scenarios[0].steps[0].via: acts through static_jwt, which no needs.auth"));
  const std::string declared = "needs: {services: [agent-bridge-mcp]}\nscenarios:\n  - name: a\n    needs: {auth: [static_jwt]}\n"
                               "    steps:\n      - as: agent-a\n        via: static_jwt\n"
                               "        http: {server: agent-bridge-mcp, probe: true}\n";
  EXPECT_EQ(family_file_error(declared), "(loaded)");
  EXPECT_THAT(family_file_error("scenarios:\n  - name: a\n    steps:\n      - oauth: {server: agent-bridge-mcp, request: jwks}\n"),
              HasSubstr("asks a target's authorization server, which no needs.capabilities"));
  EXPECT_THAT(family_file_error("needs: {auth: [bearer]}\nscenarios:\n  - name: a\n    steps:\n      - wait: 1s\n"),
              HasSubstr("needs.auth[0]: expected one of api_key, static_jwt, mtls, proxy_headers, client_credentials, keycloak_user"));
  EXPECT_THAT(family_file_error("needs: {capabilities: [dpop]}\nscenarios:\n  - name: a\n    steps:\n      - wait: 1s\n"),
              HasSubstr("needs.capabilities[0]: expected one of authorization_server, rate_limit, read, write, list, delete, "
                        "read_resource, insufficient_scope, invalid_argument, not_found"));
}

// A capability the target's tool map does not have (a bridge without a delete tool, or without
// scopes to refuse), read from the steps themselves: the scenarios that need it are not
// applicable, saying which capability and which key, never broken and never a finding.
TEST(Applicability, ACapabilityOrRefusalTheToolMapLacksSkipsTheScenarioSayingWhich) {
  const ScenarioFile file = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/agent_identity.yaml");
  const std::string tools = R"(, "tools": {"read": {"tool": "fetch_secret", "args": {"secret": "key"}},
      "write": {"tool": "store_secret", "args": {"secret": "key", "data": "value"}},
      "list": {"tool": "list_secret_keys"},
      "refusals": {"not_found": {"tool_error": ["no such secret"]}, "invalid_argument": {"tool_error": ["key must be"]}}})";
  const stack::StackFile bridge = stack::StackFile::parse(R"({"services": {"vault": {"url": "http://127.0.0.1:1"},
      "vault-bridge": {"url": "http://127.0.0.1:2/v1/mcp", "plays": "agent-bridge-mcp",
                       "auth": {"default": "api_key", "agents": ["agent-a"], "api_key": {"keys_file": "keys.json"},
                                "static_jwt": {"alg": "HS256", "key_file": "jwt.key", "iss": "i", "aud": "a"}})" + tools + "}}}");
  const auto index_of = [&](const std::string& name) {
    for (std::size_t i = 0; i < file.scenarios.size(); ++i) {
      if (file.scenarios[i].name == name) return i;
    }
    ADD_FAILURE() << "no scenario " << name;
    return std::size_t{0};
  };
  const auto deletes = why_skipped(file, bridge, index_of("an agent deletes only its own secret"));
  ASSERT_TRUE(deletes);
  EXPECT_THAT(*deletes, HasSubstr("not applicable: it calls the capability delete (" + std::string(MCPH_SCENARIOS_DIR) +
                                  "/agent_identity.yaml:"));
  EXPECT_THAT(*deletes, HasSubstr("and vault-bridge's tool map has no delete (services.vault-bridge.tools)"));
  const auto scopes = why_skipped(file, bridge, index_of("each tool needs its own scope, and a missing one is refused as insufficient_scope"));
  ASSERT_TRUE(scopes);
  EXPECT_THAT(*scopes, HasSubstr("services.vault-bridge.tools"));
  const auto substring = why_skipped(file, bridge, index_of("a scope that only contains the needed one grants nothing"));
  ASSERT_TRUE(substring);
  EXPECT_THAT(*substring, HasSubstr("it expects a refusal as insufficient_scope"));
  EXPECT_THAT(*substring, HasSubstr("vault-bridge's tool map says of no refusal as insufficient_scope (services.vault-bridge.tools.refusals)"));
  const auto resources = why_skipped(file, bridge, index_of("resources/read gives an agent its own secrets as resources and no one else's"));
  ASSERT_TRUE(resources);
  EXPECT_THAT(*resources, HasSubstr("it calls the capability read_resource"));
  EXPECT_THAT(*resources, HasSubstr("vault-bridge's tool map has no read_resource (services.vault-bridge.tools.read_resource)"));
  // A rate limit is held to only when the entry states one.
  const std::string burst = "an agent beyond its rate limit gets 429, and another agent is unaffected";
  EXPECT_THAT(why_skipped(file, bridge, index_of(burst)).value_or(""),
              HasSubstr("it holds vault-bridge to the limit per caller its stack entry states"));
  EXPECT_THAT(why_skipped(file, bridge, index_of(burst)).value_or(""), HasSubstr("services.vault-bridge.rate_limit states nothing"));
  const auto with_limit = [&](const std::string& limit) {
    return stack::StackFile::parse(R"({"services": {"vault": {"url": "http://127.0.0.1:1"},
        "vault-bridge": {"url": "http://127.0.0.1:2/v1/mcp", "plays": "agent-bridge-mcp", "rate_limit": ")" + limit + R"(",
                         "auth": {"default": "api_key", "agents": ["agent-a"], "api_key": {"keys_file": "keys.json"}}}}})");
  };
  EXPECT_THAT(why_skipped(file, with_limit("none"), index_of(burst)).value_or(""), HasSubstr("rate_limit states none"));
  EXPECT_THAT(why_skipped(file, with_limit("20/1000ms"), index_of(burst)).value_or(""), Not(HasSubstr("rate_limit")));
  // What the map has is addressed.
  EXPECT_EQ(why_skipped(file, bridge, index_of("each agent reads its own secret, and Vault sees only its own prefix")), std::nullopt);
  EXPECT_EQ(why_skipped(file, bridge, index_of("a secret only another agent has is not found, and its path is never asked for")),
            std::nullopt);
  // agent-bridge-mcp's own map has every one.
  for (std::size_t i = 0; i < file.scenarios.size(); ++i) {
    EXPECT_THAT(why_skipped(file, agent_stack(kApiKeyOnly), i).value_or(""), Not(HasSubstr("tool"))) << file.scenarios[i].name;
  }
  // Without a tool map at all, the capability steps address nothing.
  const stack::StackFile none = stack::StackFile::parse(R"({"services": {"vault": {"url": "http://127.0.0.1:1"},
      "vault-bridge": {"url": "http://127.0.0.1:2/v1/mcp", "plays": "agent-bridge-mcp", "auth": )" + kApiKeyOnly + "}}}");
  EXPECT_THAT(why_skipped(file, none, 0).value_or(""),
              HasSubstr("vault-bridge maps no tools to capabilities (profile reference, no services.vault-bridge.tools)"));
}

// The repository's authorization_server.yaml against an agent server without an authorization
// server: each of its scenarios is skipped, saying which need and what the stack has; with
// one, none is.
TEST(Applicability, TheAuthorizationServerFamilyDoesNotApplyToAServerWithoutOne) {
  const ScenarioFile file = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/authorization_server.yaml");
  ASSERT_EQ(file.scenarios.size(), 14u);
  const stack::StackFile without = agent_stack(kApiKeyOnly);
  for (std::size_t i = 0; i < file.scenarios.size(); ++i) {
    const auto why = why_skipped(file, without, i);
    ASSERT_TRUE(why) << file.scenarios[i].name;
    EXPECT_THAT(*why, HasSubstr("not applicable: it is about vault-gateway's authorization server (" + std::string(MCPH_SCENARIOS_DIR) +
                                "/authorization_server.yaml:"));
    EXPECT_THAT(*why, HasSubstr("and services.vault-gateway.auth has no client_credentials"));
  }
  // A team says so plainly, whatever else its auth has.
  const stack::StackFile says_none = agent_stack(kWithIssuer, R"(, "authorization_server": "none")");
  EXPECT_THAT(why_skipped(file, says_none).value_or(""), HasSubstr("its stack entry says it has none (services.vault-gateway.authorization_server)"));
  const stack::StackFile with = agent_stack(kWithIssuer);
  for (std::size_t i = 0; i < file.scenarios.size(); ++i) EXPECT_EQ(why_skipped(file, with, i), std::nullopt) << file.scenarios[i].name;
}

TEST(Applicability, AModeTheTargetDoesNotTakeSkipsWithTheModesItTakes) {
  const ScenarioFile file = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/jwt_attacks_hs256.yaml");
  const auto why = why_skipped(file, agent_stack(kApiKeyOnly));
  ASSERT_TRUE(why);
  EXPECT_THAT(*why, HasSubstr("not applicable: it acts through static_jwt (" + std::string(MCPH_SCENARIOS_DIR) + "/jwt_attacks_hs256.yaml:"));
  EXPECT_THAT(*why, HasSubstr("and vault-gateway takes api_key"));
  // A server without `auth` takes the identity provider's users' tokens: keycloak_user.
  const ScenarioFile users = parse_scenario_file(
      "needs: {services: [jira-mcp], auth: [keycloak_user]}\nscenarios:\n  - name: a\n    steps:\n      - wait: 1s\n", "x.yaml");
  EXPECT_EQ(why_skipped(users, stack::StackFile::parse(R"({"services": {"jira-mcp": {"url": "http://h:1/mcp"}}})")), std::nullopt);
  const stack::StackFile agents_only = stack::StackFile::parse(R"({"services": {"jira-mcp": {"url": "http://h:1/mcp", "auth": )" + kApiKeyOnly + "}}}");
  EXPECT_THAT(why_skipped(users, agents_only).value_or(""), HasSubstr("it acts through keycloak_user (x.yaml:1), and jira-mcp takes api_key"));
}

TEST(Applicability, AFileOfTheRealmsUsersDoesNotApplyToAStackWithoutItsIdentityProvider) {
  const ScenarioFile jwt = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/jwt_attacks.yaml");
  const stack::StackFile no_idp = agent_stack(kApiKeyOnly);
  for (std::size_t i = 0; i < jwt.scenarios.size(); ++i) {
    EXPECT_THAT(why_skipped(jwt, no_idp, i).value_or(""),
                HasSubstr("not applicable: it needs keycloak (" + std::string(MCPH_SCENARIOS_DIR) +
                          "/jwt_attacks.yaml:16), and the stack file has no keycloak entry"));
  }
  const ScenarioFile isolation = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/isolation.yaml");
  EXPECT_THAT(why_skipped(isolation, no_idp).value_or(""),
              HasSubstr("it needs an identity provider the harness gets users' tokens from (" + std::string(MCPH_SCENARIOS_DIR) +
                        "/isolation.yaml:"));
  // `any` is whichever the stack has.
  const stack::StackFile cognito = stack::StackFile::parse(R"({"idp": "cognito", "services": {"cognito": {"url": "http://h:1"}}})");
  EXPECT_EQ(services_missing(isolation, isolation.scenarios[0], cognito), std::nullopt);
  EXPECT_THAT(services_missing(jwt, jwt.scenarios[0], cognito).value_or(""), HasSubstr("and this stack's is cognito"));
}

TEST(Applicability, AServerThatPlaysARoleMeetsTheNeedsOfThatRole) {
  const ScenarioFile file = parse_scenario_file(
      "needs: {services: [agent-bridge-mcp], auth: [api_key]}\nscenarios:\n  - name: a\n    steps:\n      - wait: 1s\n", "x.yaml");
  EXPECT_EQ(why_skipped(file, agent_stack(kApiKeyOnly)), std::nullopt);
  EXPECT_THAT(why_skipped(file, stack::StackFile::parse(R"({"services": {"vault-gateway": {"url": "http://h:1/mcp"}}})")).value_or(""),
              HasSubstr("not applicable: the stack has no agent-bridge-mcp (x.yaml:1"));
}

}  // namespace
}  // namespace mcph::harness::scenario
