#include "serve/scheduler.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/time_format.h"
#include "delta/log_store.h"
#include "delta/operations.h"
#include "delta/snapshot.h"
#include "serve/maintenance_jobs.h"
#include "serve/testing_scheduler_fixture.h"

namespace lakestream::serve {
namespace {

double Sample(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  EXPECT_NE(at, std::string::npos) << series << " not in\n" << text;
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class SchedulerTest : public testing::SchedulerFixture {};

TEST_F(SchedulerTest, ArchiveJobMovesOldPartitionsAndCountsTheRows) {
  const std::string live = (dir_ / "events").string();
  const std::string archive = (dir_ / "archive").string();
  using K = delta::DeltaType::Kind;
  delta::DeltaType schema;
  schema.kind = K::kStruct;
  schema.fields.push_back({"id", delta::DeltaType{K::kLong}, false});
  schema.fields.push_back({"event_date", delta::DeltaType{K::kDate}, false});
  const int32_t old_day = *ParseDate("2020-01-01");
  const int32_t today =
      static_cast<int32_t>(std::chrono::duration_cast<std::chrono::hours>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count() /
                           24);
  std::vector<parquet::Value> rows;
  for (int i = 0; i < 5; ++i) {
    rows.push_back(parquet::Value::Struct(
        {parquet::Value::Int64(i), parquet::Value::Int32(i < 3 ? old_day : today)}));
  }
  auto store = delta::LogStore::OpenLocal(live);
  ASSERT_TRUE(store.ok());
  delta::WriteRequest req;
  req.partition_columns = {"event_date"};
  ASSERT_TRUE(delta::WriteRows(*store, schema, rows, req).ok());

  Schedule daily;
  daily.kind = Schedule::Kind::kDaily;
  scheduler_->Add(
      NewArchiveJob("archive-events", daily, live, archive, "event_date", 365LL * 86400000));
  Status st = scheduler_->RunNow("archive-events");
  ASSERT_TRUE(st.ok()) << st.ToString();
  const std::string text = reg_.Expose();
  EXPECT_EQ(Sample(text, "lakestream_job_rows_total{job_name=\"archive-events\"}"), 3);
  EXPECT_EQ(Sample(text, "lakestream_job_runs_total{job_name=\"archive-events\",status=\"ok\"}"),
            1);
  EXPECT_EQ(Sample(text, "lakestream_job_last_run_failed{job_name=\"archive-events\"}"), 0);
  auto a = delta::Snapshot::Load(*delta::LogStore::OpenLocal(archive));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto l = delta::Snapshot::Load(*store);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*a)->total_records(), 3);
  EXPECT_EQ((*l)->total_records(), 2);
  // Nothing left to move: a no-op run, 0 rows.
  ASSERT_TRUE(scheduler_->RunNow("archive-events").ok());
  EXPECT_EQ(Sample(reg_.Expose(), "lakestream_job_rows_total{job_name=\"archive-events\"}"), 3);
  ASSERT_TRUE(run_log_->Flush().ok());  // ok rows are grouped
  auto log_rows = run_log_->Read(0, false);
  ASSERT_TRUE(log_rows.ok());
  ASSERT_EQ(log_rows->size(), 2u);
  EXPECT_EQ((*log_rows)[0].rows, 3);
}

TEST_F(SchedulerTest, ScheduledFailuresAreCountedLoggedAndRetriedAtTheNextSlot) {
  Schedule every;
  every.interval_ms = 50;
  every.run_at_start = true;
  std::atomic<int> calls{0};
  scheduler_->Add(std::make_unique<FunctionJob>(
      "flaky", every, [&](const std::atomic<bool>&) -> Result<JobOutcome> {
        if (++calls <= 2) return Status::IOError("injected");
        return JobOutcome{4, 40, "fine"};
      }));
  scheduler_->Start();
  for (int i = 0; i < 400 && calls.load() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  scheduler_->Stop();
  ASSERT_GE(calls.load(), 3);
  const std::string text = reg_.Expose();
  EXPECT_EQ(Sample(text, "lakestream_job_runs_total{job_name=\"flaky\",status=\"failed\"}"), 2);
  EXPECT_EQ(Sample(text, "lakestream_job_last_run_failed{job_name=\"flaky\"}"), 0);
  auto failed = run_log_->Read(0, true);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 2u);
  EXPECT_EQ((*failed)[0].error, "IOError: injected");
  EXPECT_TRUE(scheduler_->RunNow("nope").IsNotFound());
}

}  // namespace
}  // namespace lakestream::serve
