// The real tier's lifetime (label real): a stack with the real Keycloak (a JVM) and Vault leaves
// nothing behind when its owner is killed — no process of the stack file, no process naming its
// run directory — and real Vault's dynamic database roles are revoked before it stops.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/harness/stack/real_tier.h"
#include "owner_support.h"

namespace mcph::harness::stack {
namespace {

TEST(RealStackTest, SigkilledOwnerLeavesNoJvmAndNoDatabaseRole) {
  try {
    find_real_tier();
  } catch (const RealTierMissing& e) {
    GTEST_SKIP() << e.what();  // "the real tier is not installed: …"
  }
  testing::expect_killed_owner_leaves_nothing_and_revokes_roles(StackMode::real);
}

}  // namespace
}  // namespace mcph::harness::stack
