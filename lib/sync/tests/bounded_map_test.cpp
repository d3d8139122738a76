// BoundedMap: a value is found under its key only; past the capacity the entry put first goes
// first, and putting a key again makes it the newest; put_unless leaves what it is told to keep.
#include "mcph/sync/bounded_map.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mcph::sync {
namespace {

std::optional<int> find(const BoundedMap<int>& map, std::string_view key) {
  return map.read(key, [](const int* value) { return value ? std::optional(*value) : std::nullopt; });
}

TEST(BoundedMap, AValueIsFoundUnderItsKeyOnly) {
  BoundedMap<int> map(4);
  map.put("a", 1);
  EXPECT_EQ(find(map, "a"), 1);
  EXPECT_EQ(find(map, "b"), std::nullopt);
  map.put("a", 2);
  EXPECT_EQ(find(map, "a"), 2);
  EXPECT_EQ(map.size(), 1u);
}

TEST(BoundedMap, PastItsCapacityTheEntryPutFirstIsForgottenFirst) {
  BoundedMap<int> map(2);
  map.put("a", 1);
  map.put("b", 2);
  map.put("a", 3);  // now the newest
  map.put("c", 4);
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(find(map, "b"), std::nullopt);
  EXPECT_EQ(find(map, "a"), 3);
  EXPECT_EQ(find(map, "c"), 4);
}

TEST(BoundedMap, PutUnlessLeavesTheValueItIsToldToKeep) {
  BoundedMap<int> map(4);
  const auto keep_larger = [](int candidate) { return [candidate](const int& kept) { return kept > candidate; }; };
  map.put_unless("a", 5, keep_larger(5));
  map.put_unless("a", 3, keep_larger(3));
  EXPECT_EQ(find(map, "a"), 5);
  map.put_unless("a", 7, keep_larger(7));
  EXPECT_EQ(find(map, "a"), 7);
}

TEST(BoundedMap, ACapacityOfNoneHoldsOne) {
  BoundedMap<int> map(0);
  map.put("a", 1);
  map.put("b", 2);
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(find(map, "b"), 2);
}

TEST(BoundedMap, ThreadsPuttingAndReadingAtOnceNeverExceedTheCapacity) {
  BoundedMap<std::string> map(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&map, t] {
      for (int i = 0; i < 500; ++i) {
        const auto key = std::to_string(t) + ":" + std::to_string(i % 40);
        map.put(key, key);
        map.read(key, [&key](const std::string* value) { EXPECT_TRUE(value == nullptr || *value == key); return 0; });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(map.size(), 16u);
}

}  // namespace
}  // namespace mcph::sync
