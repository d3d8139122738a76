#pragma once
// Who the scenario's users are on this stack: their passwords (from the fixtures, or derived
// for generated users), their Keycloak ids (the JWT's sub) and their Vault entities — all
// learned through the public APIs, so the runner works on any stack the fixtures provisioned.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/fixtures/user_fixtures.h"

namespace mcph::harness::scenario {

class UserDirectory {
 public:
  UserDirectory(const stack::StackFile& stack, const std::filesystem::path& fixtures_dir);
  ~UserDirectory();

  // Throws std::runtime_error for a user neither in the fixtures nor generated (user0001…).
  const fixtures::UserFixture& fixture(const std::string& username);
  // The user's id at the identity provider (the JWT's sub): Keycloak's user id, Cognito's sub.
  const std::string& keycloak_id(const std::string& username);
  // The entity named after the user; empty when Vault has none.
  const std::string& entity_id(const std::string& username);
  // The name of an entity id ("" when unknown), for messages and flows.
  std::string entity_name(const std::string& entity_id);
  // The OIDC client's secret: the realm fixture's, else the one the identity provider holds (a
  // client the stack made in Keycloak, such as an agent's service account); throws when neither has one.
  std::string client_secret(const std::string& client_id);
  const std::filesystem::path& fixtures_dir() const { return fixtures_dir_; }

 private:
  const stack::StackFile& stack_;
  std::filesystem::path fixtures_dir_;
  std::vector<fixtures::UserFixture> fixtures_;
  std::map<std::string, fixtures::UserFixture> generated_;
  std::map<std::string, std::string> keycloak_ids_, entity_ids_, entity_names_;
  std::map<std::string, std::string> client_secrets_;  // the realm fixture's, read once, and Keycloak's
  bool clients_loaded_ = false;
};

}  // namespace mcph::harness::scenario
