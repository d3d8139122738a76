// The real tier's lifetime (label real): a stack with the real Keycloak (a JVM) and Vault leaves
// nothing behind when its owner is killed — no process of the stack file, no process naming its
// run directory — and real Vault's dynamic database roles are revoked before it stops. Nor does
// it write into the Keycloak distribution every stack shares: a file there (Keycloak's merged
// truststore was one) is read by the stacks beside it, which then trust another stack's SPIRE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "mcph/harness/stack/real_tier.h"
#include "owner_support.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;

// Every file under `root` with its size and modification time.
std::map<std::string, std::string> files_as_they_are(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    files[entry.path().lexically_relative(root).string()] =
        std::to_string(entry.file_size()) + " bytes, modified " +
        std::to_string(entry.last_write_time().time_since_epoch().count());
  }
  return files;
}

TEST(RealStackTest, SigkilledOwnerLeavesNoJvmNoDatabaseRoleAndTheSharedDistributionAsItWas) {
  RealTier tier;
  try {
    tier = find_real_tier();
  } catch (const RealTierMissing& e) {
    GTEST_SKIP() << e.what();  // "the real tier is not installed: …"
  }
  const auto before = files_as_they_are(tier.keycloak_home);
  testing::expect_killed_owner_leaves_nothing_and_revokes_roles(StackMode::real);
  const auto after = files_as_they_are(tier.keycloak_home);
  std::vector<std::string> written;  // made or changed by the stack
  for (const auto& [path, state] : after) {
    if (const auto it = before.find(path); it == before.end() || it->second != state) written.push_back(path);
  }
  EXPECT_THAT(written, ::testing::IsEmpty()) << "written into the shared Keycloak distribution " << tier.keycloak_home.string();
}

}  // namespace
}  // namespace mcph::harness::stack
