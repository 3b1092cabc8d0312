#include "common/clock.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/manual_clock.h"

namespace lakestream {
namespace {

TEST(ClockTest, RealClockIsOneSingletonWithEpochWallTime) {
  EXPECT_EQ(RealClock(), RealClock());
  EXPECT_EQ(ClockOrReal(nullptr), RealClock());
  // After 2020-01-01 and before 2200: the wall clock counts from the epoch in micros.
  EXPECT_GT(RealClock()->NowMicros(), int64_t{1577836800} * 1000000);
  EXPECT_LT(RealClock()->NowMicros(), int64_t{7258118400} * 1000000);
}

TEST(ClockTest, RealMonotonicTimeNeverGoesBackwards) {
  int64_t last = RealClock()->MonotonicMicros();
  for (int i = 0; i < 1000; ++i) {
    int64_t now = RealClock()->MonotonicMicros();
    ASSERT_GE(now, last);
    last = now;
  }
}

TEST(ClockTest, RealSleepOfZeroOrLessReturns) {
  RealClock()->SleepForMicros(0);
  RealClock()->SleepForMicros(-5);
}

TEST(ClockTest, ManualSleepAdvancesBothTimesAndIsRecorded) {
  ManualClock clock(5000000);
  EXPECT_EQ(clock.NowMicros(), 5000000);
  EXPECT_EQ(clock.MonotonicMicros(), 0);
  clock.SleepForMillis(250);
  clock.SleepForMicros(7);
  EXPECT_EQ(clock.NowMicros(), 5250007);
  EXPECT_EQ(clock.MonotonicMicros(), 250007);
  EXPECT_EQ(clock.SleepsMicros(), (std::vector<int64_t>{250000, 7}));
  EXPECT_EQ(clock.SleepsMillis(), (std::vector<int64_t>{250, 0}));
}

TEST(ClockTest, ManualWallJumpLeavesMonotonicTimeAlone) {
  ManualClock clock;
  clock.AdvanceMillis(3);
  clock.SetNowMillis(42);
  EXPECT_EQ(clock.NowMillis(), 42);
  EXPECT_EQ(clock.MonotonicMillis(), 3);
  clock.SleepForMicros(-1);  // recorded, time unchanged
  EXPECT_EQ(clock.MonotonicMillis(), 3);
  EXPECT_EQ(clock.SleepsMicros().size(), 1u);
}

TEST(ClockTest, ManualClockIsSafeAcrossThreads) {
  ManualClock clock(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) clock.SleepForMicros(1);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(clock.NowMicros(), 4000);
  EXPECT_EQ(clock.SleepsMicros().size(), 4000u);
}

}  // namespace
}  // namespace lakestream
