#include "mcph/mock_backend/fault_hook.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mcph::mock_backend {
namespace {

TEST(FaultHook, NothingSetMeansNoFault) {
  FaultHook hook;
  EXPECT_EQ(hook.take(), std::nullopt);
  EXPECT_EQ(hook.to_json(), "{}");
}

TEST(FaultHook, UntilClearedEveryRequestGetsTheStatus) {
  FaultHook hook;
  hook.set(503);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(hook.take(), 503);
  EXPECT_EQ(nlohmann::json::parse(hook.to_json()), nlohmann::json::parse(R"({"status":503,"remaining":null})"));
  hook.clear();
  EXPECT_EQ(hook.take(), std::nullopt);
}

TEST(FaultHook, ACountEndsTheFaultByItself) {
  FaultHook hook;
  hook.set(502, 2);
  EXPECT_EQ(nlohmann::json::parse(hook.to_json())["remaining"], 2);
  EXPECT_EQ(hook.take(), 502);
  EXPECT_EQ(hook.take(), 502);
  EXPECT_EQ(hook.take(), std::nullopt);
  EXPECT_EQ(hook.to_json(), "{}");
}

TEST(FaultHook, OnlyServerErrorStatusesAndNoNegativeCount) {
  FaultHook hook;
  EXPECT_THROW(hook.set(404), std::invalid_argument);
  EXPECT_THROW(hook.set(600), std::invalid_argument);
  EXPECT_THROW(hook.set(500, -1), std::invalid_argument);
  EXPECT_EQ(hook.take(), std::nullopt);  // a refused setting changes nothing
  hook.set(500);
  hook.set(599, 1);  // a new setting replaces the old one
  EXPECT_EQ(hook.take(), 599);
  EXPECT_EQ(hook.take(), std::nullopt);
}

}  // namespace
}  // namespace mcph::mock_backend
