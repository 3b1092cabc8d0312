#include "common/retry.h"

#include <gtest/gtest.h>

#include "common/manual_clock.h"

namespace lakestream {
namespace {

class RetryTest : public ::testing::Test {
 protected:
  RetryPolicy Policy() {
    RetryPolicy p;
    p.max_attempts = 5;
    p.initial_backoff_ms = 100;
    p.max_backoff_ms = 1000;
    p.clock = &clock_;
    p.seed = 42;
    return p;
  }
  ManualClock clock_;
};

TEST_F(RetryTest, UnavailableIsRetriedUntilTheAttemptsRunOut) {
  int calls = 0;
  Status s = Retry(Policy(), [&](RetryAttempt& a) {
    EXPECT_EQ(a.number, ++calls);
    return Status::Unavailable("down " + std::to_string(calls));
  });
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_EQ(s.message(), "down 5");  // the last failure, unchanged
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(clock_.SleepsMicros().size(), 4u);  // no sleep after the last attempt
}

TEST_F(RetryTest, SuccessAfterFailuresReturnsTheValue) {
  int calls = 0;
  Result<int> r = Retry(Policy(), [&](RetryAttempt&) -> Result<int> {
    if (++calls < 3) return Status::Unavailable("busy");
    return 7;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(calls, 3);
}

TEST_F(RetryTest, NonRetryableFailureReturnsAtOnceWithoutSleeping) {
  int calls = 0;
  Status s = Retry(Policy(), [&](RetryAttempt&) {
    ++calls;
    return Status::InvalidArgument("bad");
  });
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock_.SleepsMicros().empty());
}

TEST_F(RetryTest, IOErrorRetriesOnlyWhenTheCallerSaysSo) {
  int calls = 0;
  auto io = [&](RetryAttempt&) {
    ++calls;
    return Status::IOError("disk");
  };
  EXPECT_TRUE(Retry(Policy(), io).IsIOError());
  EXPECT_EQ(calls, 1);
  RetryPolicy p = Policy();
  p.retry_io_errors = true;
  calls = 0;
  EXPECT_TRUE(Retry(p, io).IsIOError());
  EXPECT_EQ(calls, 5);
}

TEST_F(RetryTest, AttemptOverrulesTheRetryDecision) {
  int calls = 0;
  Status s = Retry(Policy(), [&](RetryAttempt& a) {
    ++calls;
    a.retry = calls < 2;  // a Conflict the caller knows is transient, once
    return Status::Conflict("race");
  });
  EXPECT_TRUE(s.IsConflict());
  EXPECT_EQ(calls, 2);
}

TEST_F(RetryTest, FullJitterDelaysStayWithinTheDoublingCappedBackoff) {
  RetryPolicy p = Policy();
  p.max_attempts = 10;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    ManualClock clock;
    p.clock = &clock;
    p.seed = seed;
    (void)Retry(p, [](RetryAttempt&) { return Status::Unavailable("x"); });
    std::vector<int64_t> sleeps = clock.SleepsMillis();
    ASSERT_EQ(sleeps.size(), 9u);
    for (size_t i = 0; i < sleeps.size(); ++i) {
      const int64_t cap = std::min<int64_t>(1000, int64_t{100} << i);
      EXPECT_GE(sleeps[i], 0) << "retry " << i + 1;
      EXPECT_LE(sleeps[i], cap) << "retry " << i + 1;
    }
  }
}

TEST_F(RetryTest, BackoffDelayIsTheJitterRangeOfTheCappedExponential) {
  RetryPolicy p = Policy();
  EXPECT_EQ(BackoffDelayMs(p, 1, 0.0), 0);
  EXPECT_EQ(BackoffDelayMs(p, 1, 0.5), 50);
  EXPECT_EQ(BackoffDelayMs(p, 3, 0.5), 200);
  EXPECT_EQ(BackoffDelayMs(p, 30, 0.999), 999);  // capped at max_backoff
  p.jitter_low = 0.8;
  p.jitter_high = 1.2;
  EXPECT_EQ(BackoffDelayMs(p, 2, 0.0), 160);
  EXPECT_EQ(BackoffDelayMs(p, 2, 0.5), 200);
  p.jitter_low = p.jitter_high = 1.0;  // no jitter
  EXPECT_EQ(BackoffDelayMs(p, 4, 0.123), 800);
}

TEST_F(RetryTest, RetryAfterHintWinsOverTheBackoffAndIsCapped) {
  RetryPolicy p = Policy();
  p.max_retry_after_ms = 5000;
  int calls = 0;
  (void)Retry(p, [&](RetryAttempt& a) {
    ++calls;
    if (calls == 1) a.retry_after_ms = 3000;   // longer than any backoff
    if (calls == 2) a.retry_after_ms = 0;      // "retry now"
    if (calls == 3) a.retry_after_ms = 90000;  // capped
    return Status::Unavailable("429");
  });
  std::vector<int64_t> sleeps = clock_.SleepsMillis();
  ASSERT_EQ(sleeps.size(), 4u);
  EXPECT_EQ(sleeps[0], 3000);
  EXPECT_EQ(sleeps[1], 0);
  EXPECT_EQ(sleeps[2], 5000);
  EXPECT_LE(sleeps[3], 800);  // no hint: the backoff again
}

TEST_F(RetryTest, DeadlineStopsBeforeASleepThatWouldPassIt) {
  RetryPolicy p = Policy();
  p.max_attempts = 0;  // unbounded: only the deadline ends it
  p.jitter_low = p.jitter_high = 1.0;
  p.deadline_ms = 1000;
  int calls = 0;
  Status s = Retry(p, [&](RetryAttempt&) {
    ++calls;
    return Status::Unavailable("down");
  });
  EXPECT_TRUE(s.IsUnavailable());
  // Sleeps 100 + 200 + 400 = 700 ms; the next (800) would end at 1500 > 1000.
  EXPECT_EQ(clock_.SleepsMillis(), (std::vector<int64_t>{100, 200, 400}));
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock_.MonotonicMillis(), 700);
}

TEST_F(RetryTest, OnRetryReportsEachRetryWithItsDelay) {
  RetryPolicy p = Policy();
  p.max_attempts = 3;
  std::vector<std::pair<int, int64_t>> seen;
  p.on_retry = [&](int n, const Status& why, int64_t delay) {
    EXPECT_EQ(why.message(), "down");
    seen.emplace_back(n, delay);
  };
  (void)Retry(p, [](RetryAttempt&) { return Status::Unavailable("down"); });
  std::vector<int64_t> sleeps = clock_.SleepsMillis();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(1, sleeps[0]));
  EXPECT_EQ(seen[1], std::make_pair(2, sleeps[1]));
}

TEST_F(RetryTest, StopFlagEndsTheLoopWithoutAnotherAttempt) {
  RetryPolicy p = Policy();
  p.max_attempts = 0;
  std::atomic<bool> stop{false};
  p.stop = &stop;
  int calls = 0;
  Status s = Retry(p, [&](RetryAttempt&) {
    if (++calls == 3) stop = true;
    return Status::Unavailable("down");
  });
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_EQ(calls, 3);
}

TEST_F(RetryTest, SleepUnlessStoppedSleepsTheWholeTimeOrStopsEarly) {
  EXPECT_TRUE(SleepUnlessStopped(&clock_, 95, nullptr));
  std::atomic<bool> stop{false};
  EXPECT_TRUE(SleepUnlessStopped(&clock_, 45, &stop));
  EXPECT_EQ(clock_.MonotonicMillis(), 140);
  EXPECT_EQ(clock_.SleepsMillis(), (std::vector<int64_t>{95, 20, 20, 5}));
  stop = true;
  EXPECT_FALSE(SleepUnlessStopped(&clock_, 1000, &stop));
  EXPECT_EQ(clock_.MonotonicMillis(), 140);
}

TEST_F(RetryTest, BackoffResetStartsFromTheInitialDelay) {
  RetryPolicy p = Policy();
  p.jitter_low = p.jitter_high = 1.0;
  Backoff b(p);
  EXPECT_EQ(b.NextDelayMs(), 100);
  EXPECT_EQ(b.NextDelayMs(), 200);
  b.Reset();
  EXPECT_EQ(b.NextDelayMs(), 100);
  EXPECT_EQ(b.retries(), 1);
}

TEST_F(RetryTest, ValidateNamesTheBadField) {
  RetryPolicy p = Policy();
  p.jitter_low = 0.9;
  p.jitter_high = 0.1;
  Status s = ValidateRetryPolicy(p, "azure");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "azure: retry.jitter: need 0 <= jitter_low <= jitter_high");
  p = Policy();
  p.max_backoff_ms = 10;
  EXPECT_NE(ValidateRetryPolicy(p, "x").message().find("retry.max_backoff_ms"), std::string::npos);
  EXPECT_TRUE(ValidateRetryPolicy(Policy(), "x").ok());
}

}  // namespace
}  // namespace lakestream
