#include "serve/run_log.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/manual_clock.h"

namespace lakestream::serve {
namespace {

constexpr int64_t kDayMs = 86400000;

class RunLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("runlog_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<RunLog> Open(int64_t group_rows = 1000) {
    RunLogOptions o;
    o.state_dir = dir_.string();
    o.group_rows = group_rows;
    o.group_ms = 3600 * 1000;
    o.clock = &clock_;
    auto log = RunLog::Open(o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return std::move(*log);
  }
  static RunRow Row(const std::string& job, int64_t start_ms, const std::string& status = "ok") {
    RunRow r;
    r.job = job;
    r.run_id = job + std::to_string(start_ms);
    r.started_us = start_ms * 1000;
    r.ended_us = (start_ms + 1500) * 1000;
    r.status = status;
    r.rows = 7;
    r.bytes = 700;
    if (status != "ok") r.error = "IOError: boom";
    r.offsets = "{\"t[0]\":41}";
    return r;
  }
  std::filesystem::path dir_;
  int64_t now_ms_ = 1764000000000;
  ManualClock clock_{now_ms_ * 1000};
};

TEST_F(RunLogTest, OkRowsAreGroupedButAFailureIsWrittenAtOnce) {
  auto log = Open(/*group_rows=*/3);
  ASSERT_TRUE(log->Append(Row("stream", now_ms_)).ok());
  ASSERT_TRUE(log->Append(Row("stream", now_ms_ + 1)).ok());
  EXPECT_EQ(log->buffered(), 2u);
  EXPECT_TRUE(log->Read(0, false)->empty());  // nothing committed yet
  ASSERT_TRUE(log->Append(Row("vacuum", now_ms_ + 2, "failed")).ok());
  EXPECT_EQ(log->buffered(), 0u);
  auto rows = log->Read(0, false);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  const RunRow& f = (*rows)[2];
  EXPECT_EQ(f.job, "vacuum");
  EXPECT_EQ(f.status, "failed");
  EXPECT_EQ(f.error, "IOError: boom");
  EXPECT_EQ(f.rows, 7);
  EXPECT_EQ(f.bytes, 700);
  EXPECT_EQ(f.offsets, "{\"t[0]\":41}");
  EXPECT_EQ(f.started_us, (now_ms_ + 2) * 1000);
  EXPECT_EQ(f.ended_us, (now_ms_ + 2 + 1500) * 1000);
  auto failed = log->Read(0, true);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].job, "vacuum");
}

TEST_F(RunLogTest, RetentionKeepsExactlyTheThirtyDayWindow) {
  auto log = Open();
  // One ok row and one failed row per day for 45 days, the newest today.
  for (int d = 44; d >= 0; --d) {
    ASSERT_TRUE(log->Append(Row("stream", now_ms_ - d * kDayMs + 1000)).ok());
    ASSERT_TRUE(log->Append(Row("checkpoint", now_ms_ - d * kDayMs + 2000, "failed")).ok());
  }
  ASSERT_TRUE(log->Flush().ok());
  ASSERT_EQ(log->Read(0, false)->size(), 90u);
  auto deleted = log->DeleteOlderThan(30 * kDayMs);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  // Days 44..31 are older than 30 days; day 30 started 1-2 s after the cutoff.
  EXPECT_EQ(*deleted, 28);
  auto rows = log->Read(0, false);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 62u);
  const int64_t cutoff_us = (now_ms_ - 30 * kDayMs) * 1000;
  for (const RunRow& r : *rows) EXPECT_GE(r.started_us, cutoff_us);
  EXPECT_EQ(rows->front().started_us, cutoff_us + 1000 * 1000);
  // A second pass deletes nothing; --since narrows further.
  EXPECT_EQ(*log->DeleteOlderThan(30 * kDayMs), 0);
  auto since = SinceToMicros("7d", now_ms_);
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(log->Read(*since, false)->size(), 16u);  // days 7..0 (day 7 is 1 s inside)
  EXPECT_EQ(log->Read(*since, true)->size(), 8u);
}

TEST_F(RunLogTest, ReadingBeforeAnyRowIsEmptyAndBadSinceIsAnError) {
  auto log = Open();
  auto rows = log->Read(0, false);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE(rows->empty());
  EXPECT_TRUE(SinceToMicros("30 days", now_ms_).status().IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::serve
