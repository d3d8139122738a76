// The token store's revocations and expiries: a token goes with all its descendants, and the
// reaper's round revokes exactly the tokens whose time has come.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "token_store.h"

namespace mcph::mock_vault {
namespace {

using std::chrono::seconds;

std::string add(TokenStore& store, const std::string& id, const std::string& parent,
                std::optional<TimePoint> expire_time = std::nullopt, std::int64_t num_uses = 0) {
  TokenEntry entry;
  entry.id = id;
  entry.parent_id = parent;
  entry.expire_time = expire_time;
  entry.num_uses = num_uses;
  return store.create(entry)->id;
}

bool live(TokenStore& store, const std::string& id) { return store.lookup(id) != nullptr; }

TEST(TokenStore, RevokingATokenRevokesEveryDescendantAndNothingElse) {
  TokenStore store;
  std::vector<std::string> revoked;
  store.set_revoke_listener([&](const std::string& id) { revoked.push_back(id); });
  add(store, "parent", "");
  add(store, "child", "parent");
  add(store, "grandchild", "child");
  add(store, "sibling", "");
  add(store, "niece", "sibling");
  ASSERT_TRUE(store.revoke("parent"));
  EXPECT_FALSE(live(store, "parent"));
  EXPECT_FALSE(live(store, "child"));
  EXPECT_FALSE(live(store, "grandchild"));
  EXPECT_TRUE(live(store, "sibling"));
  EXPECT_TRUE(live(store, "niece"));
  EXPECT_EQ(revoked, (std::vector<std::string>{"parent", "child", "grandchild"}));
  EXPECT_FALSE(store.revoke("parent"));
}

TEST(TokenStore, ATokenMadeUnderARevokedParentsIdIsItsChildAgain) {
  TokenStore store;
  add(store, "parent", "");
  add(store, "first", "parent");
  ASSERT_TRUE(store.revoke("parent"));
  add(store, "parent", "");
  add(store, "second", "parent");
  ASSERT_TRUE(store.revoke("parent"));
  EXPECT_FALSE(live(store, "second"));
}

TEST(TokenStore, TheReaperRevokesTheDueTokensWithTheirChildren) {
  TokenStore store;
  const TimePoint now = Clock::now();
  add(store, "due", "", now + seconds(10));
  add(store, "child-of-due", "due", now + seconds(3600));
  add(store, "later", "", now + seconds(20));
  add(store, "never", "");
  EXPECT_EQ(store.expire_due(now + seconds(5)), 0u);
  EXPECT_EQ(store.expire_due(now + seconds(10)), 2u);
  EXPECT_FALSE(live(store, "child-of-due"));
  EXPECT_TRUE(live(store, "later"));
  EXPECT_EQ(store.expire_due(now + seconds(7200)), 1u);
  EXPECT_TRUE(live(store, "never"));
}

TEST(TokenStore, ARenewedTokenExpiresAtItsNewTime) {
  TokenStore store;
  const TimePoint now = Clock::now();
  add(store, "renewed", "", now + seconds(1));
  ASSERT_NE(store.renew("renewed", 3600), nullptr);
  EXPECT_EQ(store.expire_due(now + seconds(60)), 0u);
  EXPECT_TRUE(live(store, "renewed"));
  EXPECT_EQ(store.expire_due(now + seconds(3700)), 1u);
}

TEST(TokenStore, ATokensLastUseRevokesItsChildrenAfterTheRequest) {
  TokenStore store;
  add(store, "limited", "", std::nullopt, 2);
  add(store, "child", "limited");
  EXPECT_NE(store.lookup("limited", true), nullptr);
  EXPECT_TRUE(live(store, "child"));
  EXPECT_NE(store.lookup("limited", true), nullptr);  // its last use: served, then revoked
  EXPECT_FALSE(live(store, "limited"));
  EXPECT_FALSE(live(store, "child"));
}

TEST(TokenStore, AnAccessorFindsItsTokenUntilTheTokenGoes) {
  TokenStore store;
  const auto entry = store.create(TokenEntry{});
  ASSERT_NE(store.lookup_accessor(entry->accessor), nullptr);
  ASSERT_TRUE(store.revoke(entry->id));
  EXPECT_EQ(store.lookup_accessor(entry->accessor), nullptr);
}

}  // namespace
}  // namespace mcph::mock_vault
