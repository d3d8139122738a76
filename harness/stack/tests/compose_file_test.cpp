// docker/compose.yaml against what the rest of the project runs: one service per row of the
// service table and no other, the very Keycloak and Vault versions of the real tier
// (real/versions.env), the demo's ports on loopback, a health check on every service (compose
// mode waits for them), and the fixtures the real tier provisions from. Its syntax is checked by
// Docker Compose itself (docker/check-compose-file, the ctest compose_file_valid).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/service_table.h"

namespace mcph::harness {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

YAML::Node compose_file() { return YAML::LoadFile(MCPH_COMPOSE_FILE); }

std::string joined(const YAML::Node& list) {
  std::string out;
  for (const auto& item : list) out += (out.empty() ? "" : " ") + item.as<std::string>();
  return out;
}

TEST(ComposeFile, HasOneServicePerRowOfTheServiceTable) {
  std::set<std::string> in_file, in_table;
  for (const auto& service : compose_file()["services"]) in_file.insert(service.first.as<std::string>());
  for (const auto& row : service_table()) {
    if (row.implementation_in(StackMode::compose)) in_table.insert(row.name);
  }
  EXPECT_EQ(in_file, in_table);
}

TEST(ComposeFile, RunsTheRealTiersKeycloakAndVault) {
  const RealTier tier = real_tier_paths();
  const auto services = compose_file()["services"];
  EXPECT_EQ(services["keycloak"]["image"].as<std::string>(), "quay.io/keycloak/keycloak:" + tier.keycloak_version);
  EXPECT_EQ(services["vault"]["image"].as<std::string>(), "hashicorp/vault:" + tier.vault_version);
  EXPECT_EQ(services["postgres"]["image"].as<std::string>(), "postgres:17");
  // Keycloak starts as the real tier's does: development mode, in-memory database, health on.
  const std::string keycloak = joined(services["keycloak"]["command"]);
  EXPECT_THAT(keycloak, HasSubstr("start-dev"));
  EXPECT_THAT(keycloak, HasSubstr("--db=dev-mem"));
  EXPECT_THAT(keycloak, HasSubstr("--health-enabled=true"));
  EXPECT_THAT(joined(services["vault"]["command"]), HasSubstr("-dev-root-token-id=root-token"));
  // The schema the real tier loads into PostgreSQL.
  EXPECT_EQ(services["postgres"]["volumes"][0].as<std::string>(),
            "../fixtures/postgres/schema.sql:/docker-entrypoint-initdb.d/10-schema.sql:ro");
}

// A service's key, itself or from the anchor it merges (`<<:`; yaml-cpp does not merge).
YAML::Node key_of(const YAML::Node& service, const std::string& key) {
  if (service[key]) return service[key];
  return service["<<"] ? service["<<"][key] : YAML::Node();
}

TEST(ComposeFile, EveryServiceThatMountsTheRunDirectoryRunsAsItsOwner) {
  // The run directory holds secrets (0600) and Vault's audit log (0700): a container that reads or
  // writes them runs as the user mcp-harness names, never as an image's own user for whom the
  // files would have to be opened.
  int mounting = 0;
  for (const auto& service : compose_file()["services"]) {
    const YAML::Node volumes = key_of(service.second, "volumes");
    bool mounts_run_dir = false;
    for (const auto& volume : volumes) mounts_run_dir |= volume.as<std::string>().find("${MCPH_RUN_DIR") == 0;
    if (!mounts_run_dir) continue;
    ++mounting;
    const YAML::Node user = key_of(service.second, "user");
    ASSERT_TRUE(user) << service.first.as<std::string>() << " has no user";
    EXPECT_THAT(user.as<std::string>(), HasSubstr("${MCPH_UID:?")) << service.first.as<std::string>();
    EXPECT_THAT(user.as<std::string>(), HasSubstr(":${MCPH_GID:?")) << service.first.as<std::string>();
  }
  EXPECT_EQ(mounting, 3);  // vault (its audit log), jira-api and github-api (the users' secrets)
}

TEST(ComposeFile, PublishesTheDemosPortsOnLoopbackWithAHealthCheckEach) {
  const std::map<std::string, std::string> ports = {
      {"postgres", "5432"}, {"keycloak", "8080"}, {"vault", "8200"},     {"jira-api", "8001"},
      {"github-api", "8002"}, {"jira-mcp", "3001"}, {"github-mcp", "3002"}, {"postgres-mcp", "3003"}};
  for (const auto& service : compose_file()["services"]) {
    const std::string name = service.first.as<std::string>();
    ASSERT_TRUE(ports.count(name)) << name;
    const std::string port = ports.at(name);
    ASSERT_TRUE(service.second["ports"].IsSequence()) << name;
    EXPECT_EQ(service.second["ports"][0].as<std::string>(), "127.0.0.1:" + port + ":" + port) << name;
    ASSERT_TRUE(service.second["healthcheck"].IsMap()) << name << " has no health check";
    EXPECT_TRUE(service.second["healthcheck"]["test"].IsSequence()) << name;
  }
}

TEST(ComposeFile, ReferenceServersTrustTheIssuerTheHarnessSeesAndReachTheOthersByName) {
  const auto services = compose_file()["services"];
  for (const char* name : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    const std::string command = joined(services[name]["command"]);
    EXPECT_THAT(command, HasSubstr("--issuer http://127.0.0.1:8080/realms/mcp-demo")) << name;
    EXPECT_THAT(command, HasSubstr("--jwks-url http://keycloak:8080/")) << name;
    EXPECT_THAT(command, HasSubstr("--vault-url http://vault:8200")) << name;
    EXPECT_THAT(command, HasSubstr("--rate-limit 20 --rate-window-ms 1000")) << name << ": the suites' profile";
  }
  EXPECT_THAT(joined(services["keycloak"]["command"]), HasSubstr("--hostname=http://127.0.0.1:8080"));
}

}  // namespace
}  // namespace mcph::harness
