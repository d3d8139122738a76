// How a call is timed against its floor: the steps' order, what is timed, and the server's own
// part read from the samples.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "mcph/bench/latency.h"

namespace mcph::bench {
namespace {

using namespace std::chrono_literals;

TEST(TimeOnceAgainstFloor, TimesTheFloorTheRoundTripsAndTheCallInThatOrder) {
  std::vector<std::string> order;
  FloorSamples samples;
  const std::vector<RoundTrip> round_trips = {{"kv", [&] { order.push_back("kv"); return std::string(); }},
                                              {"backend", [&] { order.push_back("backend"); return std::string(); }}};
  const std::string failure = time_once_against_floor(
      samples, [&] { order.push_back("call"); return std::string(); },
      [&] { order.push_back("floor"); return std::string(); }, round_trips);
  EXPECT_EQ(failure, "");
  EXPECT_EQ(order, (std::vector<std::string>{"floor", "kv", "backend", "call"}));
  EXPECT_EQ(samples.floor_us.size(), 1u);
  EXPECT_EQ(samples.call_us.size(), 1u);
  ASSERT_EQ(samples.round_trip_us.size(), 2u);
  EXPECT_EQ(samples.round_trip_us[1].size(), 1u);
}

// A DPoP proof made ahead is the client's work: it runs just before the call, outside its time.
TEST(TimeOnceAgainstFloor, ReadiesTheCallJustBeforeItAndOutsideItsTime) {
  std::vector<std::string> order;
  FloorSamples samples;
  const std::vector<RoundTrip> round_trips = {{"opa", [&] { order.push_back("opa"); return std::string(); }}};
  const std::string failure = time_once_against_floor(
      samples, [&] { order.push_back("call"); return std::string(); },
      [&] { order.push_back("floor"); return std::string(); }, round_trips,
      [&] {
        order.push_back("ready");
        std::this_thread::sleep_for(50ms);
      });
  EXPECT_EQ(failure, "");
  EXPECT_EQ(order, (std::vector<std::string>{"floor", "opa", "ready", "call"}));
  ASSERT_EQ(samples.call_us.size(), 1u);
  EXPECT_LT(samples.call_us[0], 25'000) << "the readying's 50 ms were counted in the call";
}

TEST(TimeOnceAgainstFloor, AFailedRoundTripEndsTheIterationBeforeTheCallIsReadied) {
  bool readied = false, called = false;
  FloorSamples samples;
  const std::vector<RoundTrip> round_trips = {{"opa", [] { return std::string("refused"); }}};
  const std::string failure = time_once_against_floor(
      samples, [&] { called = true; return std::string(); }, [] { return std::string(); }, round_trips,
      [&] { readied = true; });
  EXPECT_EQ(failure, "opa: refused");
  EXPECT_FALSE(readied);
  EXPECT_FALSE(called);
  EXPECT_TRUE(samples.call_us.empty());
}

TEST(OwnPartOf, IsTheCallLessTheRoundTripsBehindItOverTheFloor) {
  FloorSamples samples;
  samples.floor_us = {100, 90, 110};
  samples.call_us = {700, 650, 900};
  samples.round_trip_us = {{200, 210, 190}, {100, 120, 80}};
  const OwnPart part = own_part_of(samples);
  EXPECT_DOUBLE_EQ(part.floor_p50, 100);
  EXPECT_DOUBLE_EQ(part.call_p50, 700);
  EXPECT_DOUBLE_EQ(part.behind_p50(), 300);
  EXPECT_DOUBLE_EQ(part.own_p50(), 400);
  EXPECT_DOUBLE_EQ(part.own_floor_ratio(), 4.0);
}

}  // namespace
}  // namespace mcph::bench
