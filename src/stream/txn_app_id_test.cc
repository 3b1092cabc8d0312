#include "stream/txn_app_id.h"

#include <gtest/gtest.h>

#include "delta/log_store.h"
#include "delta/operations.h"
#include "delta/snapshot.h"
#include "delta/transaction.h"
#include "io/file_system.h"
#include "stream/delta_batch_sink.h"

namespace lakestream::stream {
namespace {

TEST(TxnAppIdTest, NamesWithTheSeparatorNeverCollide) {
  // The legacy format joined the parts with '-', which both names may hold.
  EXPECT_EQ(LegacyTxnAppId("a-b", "c", 0), LegacyTxnAppId("a", "b-c", 0));
  EXPECT_NE(TxnAppId("a-b", "c", 0), TxnAppId("a", "b-c", 0));
  EXPECT_NE(TxnAppId("a/b", "c", 0), TxnAppId("a", "b/c", 0));
  EXPECT_EQ(TxnAppId("clickstream", "clicks", 3), "clickstream/clicks/3");
  EXPECT_EQ(TxnAppIdPartition("clickstream/clicks/3", "clickstream", "clicks"), 3);
  EXPECT_EQ(TxnAppIdPartition("clickstream-clicks-3", "clickstream", "clicks"), 3);
  EXPECT_EQ(TxnAppIdPartition("clickstream/clicks/3", "clickstream", "click"), std::nullopt);
  EXPECT_EQ(TxnAppIdPartition("clickstream/clicks/x", "clickstream", "clicks"), std::nullopt);
  EXPECT_EQ(TxnAppIdPartition("clickstream/clicks/", "clickstream", "clicks"), std::nullopt);
}

TEST(TxnAppIdTest, TheCurrentFormatWinsOverTheLegacyOne) {
  std::map<std::string, delta::SetTransaction> txns;
  txns["p-t-0"] = {"p-t-0", 10, std::nullopt};
  txns["p/t/0"] = {"p/t/0", 25, std::nullopt};
  txns["p-t-1"] = {"p-t-1", 7, std::nullopt};
  txns["other/t/2"] = {"other/t/2", 99, std::nullopt};
  std::map<int32_t, int64_t> want = {{0, 25}, {1, 7}};
  EXPECT_EQ(PartitionTxnVersions(txns, "p", "t"), want);
}

class TxnAppIdSinkTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();

  std::unique_ptr<BatchSink> OpenSink(const std::string& pipeline_id) {
    DeltaSinkOptions o;
    o.fs = fs_;
    o.events_table = "/events";
    o.quarantine_table = "/quarantine";
    auto sink = NewDeltaBatchSink(o);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    TableLayout layout;
    layout.pipeline_id = pipeline_id;
    layout.event_columns = {{"event_id", pipeline::ColumnType::kString, false, ""}};
    layout.quarantine_columns = QuarantineColumns();
    Status s = (*sink)->Open(layout);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::move(sink).value();
  }

  // A batch of offsets [first, last] of one partition (its data files do not matter here).
  static MicroBatch Batch(const std::string& topic, int64_t first, int64_t last) {
    MicroBatch b;
    b.sequence = 1;
    b.first_offsets[{topic, 0}] = first;
    b.last_offsets[{topic, 0}] = last;
    return b;
  }

  std::optional<int64_t> Committed(BatchSink& sink, const std::string& topic) {
    auto r = sink.CommittedOffset(TableRole::kEvents, {topic, 0});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::nullopt;
  }
};

TEST_F(TxnAppIdSinkTest, TwoPipelinesWhoseNamesCollideKeepTheirOwnOffsets) {
  // Pipeline "a-b" reading topic "c" and pipeline "a" reading topic "b-c" write one table.
  auto first = OpenSink("a-b");
  ASSERT_TRUE(first->Commit(Batch("c", 0, 99)).ok());
  auto second = OpenSink("a");
  // The second pipeline has committed nothing: it must start at the beginning, not skip
  // 100 offsets of its topic as if they were its own.
  EXPECT_EQ(Committed(*second, "b-c"), std::nullopt);
  Status s = second->Commit(Batch("b-c", 0, 9));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Committed(*second, "b-c"), 9);
  EXPECT_EQ(Committed(*first, "c"), 99);
}

TEST_F(TxnAppIdSinkTest, ATableWithLegacyTxnsResumesFromThemAndMovesToTheCurrentFormat) {
  // A table written by an older lakestream: partition 0 of topic "clicks" committed up to
  // offset 41 under the legacy appId.
  auto sink = OpenSink("clickstream");
  auto store = std::make_shared<delta::LogStore>(fs_, "/events");
  {
    auto snap = delta::Snapshot::Load(store);
    ASSERT_TRUE(snap.ok());
    delta::Transaction txn(store, *snap);
    txn.SetTransaction(LegacyTxnAppId("clickstream", "clicks", 0), 41);
    txn.SetOperation("STREAMING UPDATE", {});
    ASSERT_TRUE(txn.Commit().ok());
  }
  // Resumes at 42: nothing replayed...
  EXPECT_EQ(Committed(*sink, "clicks"), 41);
  // ...and a batch re-reading offsets the table holds is refused (no duplicates).
  EXPECT_TRUE(sink->Commit(Batch("clicks", 30, 45)).IsConflict());
  // The next batch commits and records the current appId.
  Status s = sink->Commit(Batch("clicks", 42, 50));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto snap = delta::Snapshot::Load(store);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->TransactionVersion(TxnAppId("clickstream", "clicks", 0)), 50);
  EXPECT_EQ((*snap)->TransactionVersion(LegacyTxnAppId("clickstream", "clicks", 0)), 41);
  EXPECT_EQ(Committed(*sink, "clicks"), 50);
  // From now on the current appId decides (a later batch is fenced against 50, not 41).
  EXPECT_TRUE(sink->Commit(Batch("clicks", 45, 60)).IsConflict());
  EXPECT_TRUE(sink->Commit(Batch("clicks", 51, 60)).ok());
  EXPECT_EQ(Committed(*sink, "clicks"), 60);
}

}  // namespace
}  // namespace lakestream::stream
