#include "maintenance/checkpoint_job.h"

#include <gtest/gtest.h>

#include "delta/operations.h"
#include "delta/snapshot.h"
#include "delta/write_test_util.h"

namespace lakestream::maintenance {
namespace {

TEST(CheckpointJobTest, WritesOnceThenCleansExpiredLogs) {
  auto fs = io::NewMemoryFileSystem();
  auto store = std::make_shared<delta::LogStore>(fs, "/t");
  for (int i = 0; i < 3; ++i) {
    delta::WriteRequest req;
    ASSERT_TRUE(delta::WriteRows(store, delta::testing::EventSchema(),
                                 delta::testing::EventRows(i * 10, 10), req)
                    .ok());
  }
  CheckpointJobOptions o;
  o.table = store;
  o.now_ms = 1000;  // the memory filesystem's mtimes are a logical clock from 0
  CheckpointJobReport r;
  ASSERT_TRUE(RunCheckpoint(o, &r).ok());
  EXPECT_EQ(r.version, 2);
  EXPECT_TRUE(r.written);
  EXPECT_EQ(r.log_files_deleted, 0);  // nothing is 30 days old
  auto snap = delta::Snapshot::Load(store).value();
  EXPECT_EQ(snap->checkpoint_version(), 2);
  // Again: the version has its checkpoint already.
  ASSERT_TRUE(RunCheckpoint(o, &r).ok());
  EXPECT_FALSE(r.written);
  // 31 days later the commits before the checkpoint expire.
  o.now_ms = 1000 + 31LL * 24 * 3600 * 1000;
  ASSERT_TRUE(RunCheckpoint(o, &r).ok());
  EXPECT_EQ(r.log_files_deleted, 2);  // versions 0 and 1
  EXPECT_EQ(delta::testing::ReadAll(store).size(), 30u);
  CheckpointJobOptions missing;
  missing.table = std::make_shared<delta::LogStore>(fs, "/nope");
  EXPECT_TRUE(RunCheckpoint(missing, &r).IsNotFound());
}

}  // namespace
}  // namespace lakestream::maintenance
