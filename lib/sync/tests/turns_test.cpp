#include "mcph/sync/turns.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "mcph/proc/poll_until.h"

namespace mcph::sync {
namespace {

using namespace std::chrono_literals;

// Five calls queue behind a held place, each after the one before is waiting; places freed one
// at a time go to them in that order.
TEST(Turns, FreedPlacesGoToTheWaitingCallsInTheOrderTheyCame) {
  Turns turns(1);
  ASSERT_TRUE(turns.acquire_for(0ms));
  std::mutex mutex;
  std::vector<int> served;
  std::vector<std::thread> calls;
  for (int i = 0; i < 5; ++i) {
    calls.emplace_back([&, i] {
      ASSERT_TRUE(turns.acquire_for(10s));
      {
        std::lock_guard lock(mutex);
        served.push_back(i);
      }
      turns.release();
    });
    ASSERT_TRUE(proc::poll_until([&] { return turns.waiting() == static_cast<std::size_t>(i + 1); }, 5s));
  }
  turns.release();
  for (auto& call : calls) call.join();
  EXPECT_EQ(served, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(turns.waiting(), 0u);
}

// A place freed while a call waits is that call's, even before it wakes: a call that comes just
// after the release does not get it.
TEST(Turns, AFreedPlaceIsTheWaitingCallsNotALaterCallers) {
  Turns turns(1);
  ASSERT_TRUE(turns.acquire_for(0ms));
  bool waiter_served = false;
  std::promise<void> later_call_tried;
  std::thread waiter([&, tried = later_call_tried.get_future()] {
    waiter_served = turns.acquire_for(10s);
    tried.wait();  // holds the place until the later call has tried
    if (waiter_served) turns.release();
  });
  ASSERT_TRUE(proc::poll_until([&] { return turns.waiting() == 1u; }, 5s));
  turns.release();
  EXPECT_FALSE(turns.acquire_for(0ms)) << "a later call took the waiting call's place";
  later_call_tried.set_value();
  waiter.join();
  EXPECT_TRUE(waiter_served);
}

// A call that gives up takes no place: the next waiting call gets the freed one, and after it
// the place is free again for a call that does not wait.
TEST(Turns, ACallThatGivesUpTakesNoPlace) {
  Turns turns(1);
  ASSERT_TRUE(turns.acquire_for(0ms));
  EXPECT_FALSE(turns.acquire_for(50ms));
  EXPECT_EQ(turns.waiting(), 0u);
  bool second_served = false;
  std::thread second([&] {
    second_served = turns.acquire_for(10s);
    turns.release();
  });
  ASSERT_TRUE(proc::poll_until([&] { return turns.waiting() == 1u; }, 5s));
  turns.release();
  second.join();
  EXPECT_TRUE(second_served);
  EXPECT_TRUE(turns.acquire_for(0ms));
}

// acquire() queues with the timed calls, in the same order, and waits as long as it takes.
TEST(Turns, AnUntimedCallQueuesInOrderWithTheTimedOnes) {
  Turns turns(1);
  turns.acquire();
  std::mutex mutex;
  std::vector<int> served;
  auto note = [&](int i) {
    std::lock_guard lock(mutex);
    served.push_back(i);
  };
  std::thread timed([&] {
    ASSERT_TRUE(turns.acquire_for(10s));
    note(0);
    turns.release();
  });
  ASSERT_TRUE(proc::poll_until([&] { return turns.waiting() == 1u; }, 5s));
  std::thread untimed([&] {
    turns.acquire();
    note(1);
    turns.release();
  });
  ASSERT_TRUE(proc::poll_until([&] { return turns.waiting() == 2u; }, 5s));
  turns.release();
  timed.join();
  untimed.join();
  EXPECT_EQ(served, (std::vector<int>{0, 1}));
  EXPECT_TRUE(turns.acquire_for(0ms)) << "every place came back";
}

// With places free, a call does not wait; with none, it waits.
TEST(Turns, UpToThePlacesCallsGoAtOnce) {
  Turns turns(3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(turns.acquire_for(0ms)) << i;
  EXPECT_FALSE(turns.acquire_for(0ms));
  turns.release();
  EXPECT_TRUE(turns.acquire_for(0ms));
}

}  // namespace
}  // namespace mcph::sync
