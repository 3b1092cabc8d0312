#include "delta/operations.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "delta/history.h"
#include "delta/log_cleanup.h"
#include "delta/table_config.h"
#include "delta/vacuum.h"
#include "delta/write_test_util.h"
#include "io/fault_injection_file_system.h"

namespace lakestream::delta {
namespace {

using testing::EventRows;
using testing::EventSchema;
using testing::ExpectValidCommits;
using testing::Ids;
using testing::ReadAll;

class OperationsTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");

  WriteRequest Append(std::vector<std::string> parts = {"country"}) {
    WriteRequest r;
    r.partition_columns = std::move(parts);
    return r;
  }
  std::shared_ptr<const Snapshot> Latest() { return Snapshot::Load(store_).value(); }
};

TEST_F(OperationsTest, CreateTableWritesProtocolAndMetadata) {
  auto c = CreateTable(store_, EventSchema(), {"country"}, {{"delta.checkpointInterval", "5"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->version, 0);
  auto snap = Latest();
  // In-commit timestamps are on by default: writer 7 with the writer-only feature and the
  // two writer version 2 implied; reader 1, so no reader feature list.
  EXPECT_EQ(snap->protocol().min_reader_version, 1);
  EXPECT_EQ(snap->protocol().min_writer_version, 7);
  EXPECT_FALSE(snap->protocol().reader_features.has_value());
  EXPECT_EQ(snap->protocol().writer_features,
            (std::vector<std::string>{"appendOnly", "invariants", "inCommitTimestamp"}));
  EXPECT_EQ(snap->metadata().Config("delta.enableInCommitTimestamps"), "true");
  EXPECT_EQ(snap->metadata().Config("delta.checkpointInterval"), "5");
  EXPECT_EQ(snap->schema(), EventSchema());
  EXPECT_EQ(snap->partition_columns(), std::vector<std::string>{"country"});
  EXPECT_EQ(snap->metadata().id.size(), 36u);
  EXPECT_TRUE(snap->metadata().created_time.has_value());
  EXPECT_TRUE(CreateTable(store_, EventSchema(), {}).status().IsAlreadyExists());
  ExpectValidCommits(*store_);
}

TEST_F(OperationsTest, ATimestampNtzColumnMakesTheNewTableListTheTimestampNtzFeature) {
  // PROTOCOL.md: a table with timestamp_ntz columns needs reader 3 / writer 7 and the
  // timestampNtz feature; Spark refuses such a table without it. A nested one counts too.
  DeltaType schema = *ParseSchemaString(
      R"j({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)j"
      R"j({"name":"s","type":{"type":"struct","fields":[{"name":"t","type":"timestamp_ntz",)j"
      R"j("nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]})j");
  ASSERT_TRUE(CreateTable(store_, schema, {}).ok());
  Protocol p = Latest()->protocol();
  EXPECT_EQ(p.min_reader_version, 3);
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_TRUE(p.HasReaderFeature("timestampNtz"));
  EXPECT_TRUE(p.HasWriterFeature("timestampNtz"));
  // Writer version 2's features stay listed (Spark checks "invariants" for NOT NULL columns).
  EXPECT_TRUE(p.HasWriterFeature("invariants"));
  EXPECT_TRUE(p.HasWriterFeature("appendOnly"));
  // Without one, and with in-commit timestamps turned off: the plain (1, 2) protocol, no
  // feature lists.
  auto other = std::make_shared<LogStore>(fs_, "/u");
  WriteRequest plain = Append();
  plain.configuration["delta.enableInCommitTimestamps"] = "false";
  ASSERT_TRUE(WriteRows(other, EventSchema(), EventRows(0, 3), plain).ok());
  Protocol q = Snapshot::Load(other).value()->protocol();
  EXPECT_EQ(q, Protocol{});
}

TEST_F(OperationsTest, AppendCreatesThenAppendsAndCommitInfoHasMetrics) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), Append()).ok());
  auto r = WriteRows(store_, EventSchema(), EventRows(30, 30), Append());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->commit.version, 1);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 60u);
  auto snap = Latest();
  auto ci = nlohmann::json::parse(snap->commit_info()->json);
  EXPECT_EQ(ci["operation"], "WRITE");
  EXPECT_EQ(ci["operationParameters"]["mode"], "Append");
  EXPECT_EQ(ci["operationMetrics"]["numFiles"], "3");
  EXPECT_EQ(ci["operationMetrics"]["numOutputRows"], "30");
  EXPECT_EQ(ci["isBlindAppend"], true);
  EXPECT_EQ(ci["engineInfo"], "lakestream/0.1.0");
  ExpectValidCommits(*store_);
}

TEST_F(OperationsTest, SchemaMismatchIsRejected) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 3), Append()).ok());
  DeltaType other = EventSchema();
  other.fields.pop_back();
  EXPECT_TRUE(WriteRows(store_, other, std::vector<parquet::Value>{}, Append())
                  .status()
                  .IsInvalidArgument());
}

TEST_F(OperationsTest, OverwriteReplacesEverything) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), Append()).ok());
  WriteRequest o = Append();
  o.mode = SaveMode::kOverwrite;
  auto r = WriteRows(store_, EventSchema(), EventRows(100, 5), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_removed, 3);
  auto ids = Ids(ReadAll(store_));
  EXPECT_EQ(ids, (std::multiset<int64_t>{100, 101, 102, 103, 104}));
  EXPECT_EQ(Ids(ReadAll(store_, 0)).size(), 30u);  // time travel still sees the old data
  ExpectValidCommits(*store_);
}

TEST_F(OperationsTest, ReplaceWhereOverwritesOnlyMatchingPartitions) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), Append()).ok());
  WriteRequest o = Append();
  o.mode = SaveMode::kOverwrite;
  o.replace_where = "country = 'DE'";
  auto rows = EventRows(0, 30);
  std::vector<parquet::Value> de;
  for (auto& r : rows) {
    if (r.items[1].bytes == "DE") {
      r.items[0].i64 += 1000;
      de.push_back(r);
    }
  }
  auto r = WriteRows(store_, EventSchema(), de, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_removed, 1);
  auto ids = Ids(ReadAll(store_));
  EXPECT_EQ(ids.size(), 30u);
  EXPECT_EQ(ids.count(1000), 1u);  // id 0 is DE
  EXPECT_EQ(ids.count(0), 0u);
  EXPECT_EQ(ids.count(1), 1u);
  // Rows outside the predicate are refused, and their files cleaned up.
  auto bad = WriteRows(store_, EventSchema(), EventRows(0, 3), o);
  EXPECT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
  ExpectValidCommits(*store_);
}

TEST_F(OperationsTest, DeleteDropsWholeFilesAndRewritesPartialOnes) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), Append()).ok());
  auto d = DeleteWhere(store_, "country = 'FR'");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->files_removed, 1);
  EXPECT_EQ(d->files_rewritten, 0);  // proven by the partition value
  EXPECT_EQ(d->rows_deleted, 10);
  auto d2 = DeleteWhere(store_, "id >= 20 AND country = 'DE'");
  ASSERT_TRUE(d2.ok()) << d2.status().ToString();
  EXPECT_EQ(d2->files_rewritten, 1);
  auto ids = Ids(ReadAll(store_));
  for (int64_t id : ids) {
    EXPECT_NE(id % 3, 1) << id;                   // FR gone
    EXPECT_FALSE(id % 3 == 0 && id >= 20) << id;  // DE >= 20 gone
  }
  EXPECT_EQ(ids.size(), 10u + 7u);
  // Stats prove a non-matching delete needs no commit.
  auto d3 = DeleteWhere(store_, "id > 1000");
  ASSERT_TRUE(d3.ok());
  EXPECT_EQ(d3->commit.version, -1);
  ExpectValidCommits(*store_);
}

TEST_F(OperationsTest, RestoreReturnsToAnOldFileSet) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), Append()).ok());
  ASSERT_TRUE(DeleteWhere(store_, "country = 'FR'").ok());
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(30, 3), Append()).ok());
  auto r = RestoreTable(store_, 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_added, 1);
  EXPECT_EQ(r->files_removed, 3);
  EXPECT_EQ(Ids(ReadAll(store_)), Ids(ReadAll(store_, 0)));
  auto hist = ReadHistory(*store_, store_->List().value(), std::nullopt);
  ASSERT_TRUE(hist.ok());
  EXPECT_EQ(*hist->front().commit_info->operation, "RESTORE");
  ExpectValidCommits(*store_);
}

TEST_F(OperationsTest, TxnMakesReplaysNoOps) {
  WriteRequest w = Append();
  w.app_id = "stream-1";
  w.app_version = 7;
  auto a = WriteRows(store_, EventSchema(), EventRows(0, 10), w);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->skipped);
  auto b = WriteRows(store_, EventSchema(), EventRows(0, 10), w);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->skipped);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 10u);
  EXPECT_EQ(Latest()->TransactionVersion("stream-1"), 7);
  w.app_version = 8;
  ASSERT_FALSE(WriteRows(store_, EventSchema(), EventRows(10, 10), w)->skipped);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 20u);
  ExpectValidCommits(*store_);
}

// Two attempts of one idempotent write race: the one that loses to the other's commit of the
// same txn reports skipped (nothing written twice), not Conflict.
TEST_F(OperationsTest, IdempotentWriteThatLosesTheRaceToItsOwnTxnIsSkipped) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 5), Append()).ok());
  WriteRequest w = Append();
  w.app_id = "job-1";
  w.app_version = 3;
  Result<WriteResult> first = Status::Internal("not run");
  auto second = WriteRows(
      store_, EventSchema(),
      [&](TableWriter* tw) {
        // The other attempt commits while this one (its snapshot already taken) writes.
        first = WriteRows(store_, EventSchema(), EventRows(5, 10), w);
        return tw->Write(EventRows(5, 10));
      },
      w);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->skipped);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->skipped);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 15u);
  ExpectValidCommits(*store_);
}

// Parquet data files under `root` (the table's, not its log).
size_t DataFiles(io::FileSystem& fs, const std::string& root) {
  size_t n = 0;
  auto listing = fs.List(root + "/");
  EXPECT_TRUE(listing.ok()) << listing.status().ToString();
  if (!listing.ok()) return 0;
  for (const auto& f : *listing) {
    n += f.path.find("_delta_log") == std::string::npos &&
         f.path.size() > 8 && f.path.compare(f.path.size() - 8, 8, ".parquet") == 0;
  }
  return n;
}

TEST_F(OperationsTest, CommitWhoseOutcomeIsUnknownKeepsItsDataFiles) {
  // The put of version 1 fails and so does reading it back: the commit may have landed,
  // so the files it references must stay.
  auto fs = std::make_shared<io::FaultInjectionFileSystem>(fs_);
  auto store = std::make_shared<LogStore>(fs, "/t");
  ASSERT_TRUE(WriteRows(store, EventSchema(), EventRows(0, 10), Append()).ok());
  size_t before = DataFiles(*fs_, "/t");
  fs->FailNth(io::FsOp::kPutIfAbsent, 1, io::FaultInjectionFileSystem::Fault::kIOError);
  fs->FailNth(io::FsOp::kOpenForRead, 1, io::FaultInjectionFileSystem::Fault::kIOError, -1,
              "00000000000000000001.json");
  auto r = WriteRows(store, EventSchema(), EventRows(100, 10), Append());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().outcome_unknown()) << r.status().ToString();
  EXPECT_GT(DataFiles(*fs_, "/t"), before);
}

TEST_F(OperationsTest, DefinitelyFailedCommitDeletesItsFilesWhateverItsMessageSays) {
  // Every put fails and reading back finds nothing: the commit definitely failed, and its
  // files go, even though the table's path holds the words "outcome unknown" (callers used
  // to search the message for them).
  auto fs = std::make_shared<io::FaultInjectionFileSystem>(fs_);
  auto store = std::make_shared<LogStore>(fs, "/outcome unknown/t");
  WriteRequest req = Append();
  req.commit.max_attempts = 2;
  req.commit.initial_backoff_ms = 1;
  ASSERT_TRUE(WriteRows(store, EventSchema(), EventRows(0, 10), req).ok());
  size_t before = DataFiles(*fs_, "/outcome unknown/t");
  fs->FailNth(io::FsOp::kPutIfAbsent, 1, io::FaultInjectionFileSystem::Fault::kIOError, -1);
  auto r = WriteRows(store, EventSchema(), EventRows(100, 10), req);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.status().outcome_unknown()) << r.status().ToString();
  EXPECT_EQ(DataFiles(*fs_, "/outcome unknown/t"), before);
}

TEST_F(OperationsTest, CheckpointsEveryIntervalAndCleansExpiredLogs) {
  ASSERT_TRUE(CreateTable(store_, EventSchema(), {}, {{"delta.checkpointInterval", "3"}}).ok());
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(i * 5, 5), Append({})).ok());
  }
  auto listing = store_->List().value();
  EXPECT_EQ(listing.checkpoints.count(6), 1u);
  // Memory-FS file times are tiny, so every commit is past the 30-day log
  // retention: the post-commit cleanup kept only checkpoint 6 and later.
  EXPECT_EQ(listing.checkpoints.count(3), 0u);
  EXPECT_EQ(listing.commits.begin()->first, 6);
  auto snap = Latest();
  EXPECT_EQ(snap->checkpoint_version(), 6);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 35u);
  // With a retention nothing has reached, nothing goes.
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(100, 5), Append({})).ok());
  auto deleted = CleanupExpiredLogs(*store_, 0, kDefaultLogRetentionMs);
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->empty());
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 40u);
}

TEST_F(OperationsTest, VacuumDeletesUnreferencedOldFilesOnly) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), Append()).ok());
  ASSERT_TRUE(DeleteWhere(store_, "country = 'FR'").ok());
  ASSERT_TRUE(fs_->WriteFile("/t/country=DE/orphan.parquet", "x").ok());
  ASSERT_TRUE(fs_->WriteFile("/t/_hidden/file", "x").ok());
  VacuumOptions o;
  o.retention_ms = 0;
  EXPECT_TRUE(Vacuum(store_, o).status().IsInvalidArgument());  // shorter than 7 days
  o.allow_short_retention = true;
  o.dry_run = true;
  o.now_ms = NowMillis() + 10;
  auto dry = Vacuum(store_, o);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->files.size(), 2u);  // the orphan and the removed FR file
  EXPECT_TRUE(*fs_->Exists("/t/country=DE/orphan.parquet"));
  o.dry_run = false;
  auto done = Vacuum(store_, o);
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(*fs_->Exists("/t/country=DE/orphan.parquet"));
  EXPECT_TRUE(*fs_->Exists("/t/_hidden/file"));
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 20u);
  EXPECT_TRUE(RestoreTable(store_, 0).status().IsNotFound());  // FR file is gone
}

}  // namespace
}  // namespace lakestream::delta
