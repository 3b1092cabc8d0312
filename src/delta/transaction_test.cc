#include "delta/transaction.h"

#include <gtest/gtest.h>

#include <thread>

#include "delta/operations.h"
#include "delta/vacuum.h"
#include "delta/write_test_util.h"
#include "io/fault_injection_file_system.h"

namespace lakestream::delta {
namespace {

using io::FaultInjectionFileSystem;
using io::FsOp;
using testing::EventRows;
using testing::EventSchema;
using testing::ExpectValidCommits;
using testing::Ids;
using testing::ReadAll;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30), Request()).ok());
  }
  // Memory-FS file times are a logical clock near the epoch, so the log
  // retention is set out of reach (cleanup is tested in operations_test).
  static WriteRequest Request() {
    WriteRequest r;
    r.configuration = {{"delta.logRetentionDuration", "interval 100000 weeks"}};
    r.partition_columns = {"country"};
    r.commit.initial_backoff_ms = 1;
    return r;
  }
  std::shared_ptr<const Snapshot> Latest() { return Snapshot::Load(store_).value(); }
  std::vector<AddFile> WriteFiles(int64_t first_id, int n) {
    auto w = TableWriter::Make(fs_, "/t", EventSchema(), {"country"}).value();
    EXPECT_TRUE(w->Write(EventRows(first_id, n)).ok());
    return w->Finish().value();
  }
  const AddFile& FileOf(const Snapshot& s, const std::string& country) {
    for (const auto& f : s.files()) {
      if (f.partition_values.at("country") == country) return f;
    }
    ADD_FAILURE() << "no file for " << country;
    return s.files().front();
  }

  std::shared_ptr<FaultInjectionFileSystem> fs_ =
      std::make_shared<FaultInjectionFileSystem>(io::NewMemoryFileSystem());
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");
};

TEST_F(TransactionTest, ConcurrentBlindAppendsCommute) {
  auto snap = Latest();
  Transaction a(store_, snap), b(store_, snap);
  a.AddFiles(WriteFiles(100, 3));
  b.AddFiles(WriteFiles(200, 3));
  auto ra = a.Commit();
  auto rb = b.Commit();
  ASSERT_TRUE(ra.ok() && rb.ok()) << rb.status().ToString();
  EXPECT_EQ(ra->version, 1);
  EXPECT_EQ(rb->version, 2);
  EXPECT_EQ(rb->attempts, 2);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 36u);
  ExpectValidCommits(*store_);
}

TEST_F(TransactionTest, AFailedPostCommitCheckpointIsReportedAndTheCommitStands) {
  for (int v = 1; v < 10; ++v) {
    Transaction t(store_, Latest());
    t.AddFiles(WriteFiles(100 * v, 1));
    ASSERT_TRUE(t.Commit().ok());
  }
  // Version 10 is due for a checkpoint (the default interval); its file cannot be written.
  Transaction t(store_, Latest());
  t.AddFiles(WriteFiles(5000, 1));
  fs_->FailNth(FsOp::kOpenForWrite, 1, FaultInjectionFileSystem::Fault::kIOError, 1000);
  auto r = t.Commit();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 10);
  EXPECT_FALSE(r->checkpointed);
  EXPECT_NE(r->checkpoint_error.find("IOError"), std::string::npos) << r->checkpoint_error;
  EXPECT_GT(fs_->InjectedFailures(), 0);
  fs_->ClearFaults();
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 40u);
}

TEST_F(TransactionTest, TwoOverwritesOfOnePartitionConflict) {
  auto snap = Latest();
  auto pred = BoundPredicate::Bind(ParsePredicate("country = 'DE'").value(), snap->schema(),
                                   snap->partition_columns());
  Transaction a(store_, snap), b(store_, snap);
  for (Transaction* t : {&a, &b}) {
    t->ReadPredicate(*pred);
    t->Remove(FileOf(*snap, "DE"));
  }
  a.AddFiles(WriteFiles(300, 1));
  b.AddFiles(WriteFiles(303, 1));
  ASSERT_TRUE(a.Commit().ok());
  auto rb = b.Commit();
  ASSERT_TRUE(rb.status().IsConflict()) << rb.status().ToString();
  EXPECT_NE(rb.status().message().find("ConcurrentDeleteDelete"), std::string::npos);
}

TEST_F(TransactionTest, AppendIntoAPartitionAnOverwriteReadConflicts) {
  auto snap = Latest();
  auto pred = BoundPredicate::Bind(ParsePredicate("country = 'DE'").value(), snap->schema(),
                                   snap->partition_columns());
  Transaction over(store_, snap), fr(store_, snap), de(store_, snap);
  over.ReadPredicate(*pred);
  over.Remove(FileOf(*snap, "DE"));
  fr.AddFiles(WriteFiles(301, 1));  // id 301 -> FR
  ASSERT_TRUE(fr.Commit().ok());
  de.AddFiles(WriteFiles(300, 1));  // id 300 -> DE
  ASSERT_TRUE(de.Commit().ok());
  auto r = over.Commit();
  ASSERT_TRUE(r.status().IsConflict()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("ConcurrentAppend"), std::string::npos);
}

TEST_F(TransactionTest, SameAppIdConflictsAndMetadataChangesConflict) {
  auto snap = Latest();
  Transaction a(store_, snap), b(store_, snap), c(store_, snap), m(store_, snap);
  a.SetTransaction("app", 1);
  b.SetTransaction("app", 1);
  c.AddFiles(WriteFiles(400, 1));
  ASSERT_TRUE(a.Commit().ok());
  EXPECT_TRUE(b.Commit().status().IsConflict());
  Metadata md = snap->metadata();
  md.configuration["delta.checkpointInterval"] = "3";
  m.SetMetadata(md);
  ASSERT_TRUE(m.Commit().ok());                   // rebased over a's txn-only commit
  EXPECT_TRUE(c.Commit().status().IsConflict());  // metadata changed under it
}

TEST_F(TransactionTest, ThreadsAppendingAtOnceLoseAndDuplicateNothing) {
  constexpr int kThreads = 8, kCommits = 4, kRows = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int c = 0; c < kCommits; ++c) {
        WriteRequest r = Request();
        r.commit.max_attempts = 100;
        int64_t first = 1000 + (t * kCommits + c) * kRows;
        auto res = WriteRows(store_, EventSchema(), EventRows(first, kRows), r);
        if (!res.ok()) {
          ++failures;
          ADD_FAILURE() << res.status().ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto ids = Ids(ReadAll(store_));
  EXPECT_EQ(ids.size(), 30u + kThreads * kCommits * kRows);
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_EQ(Latest()->version(), kThreads * kCommits);
  ExpectValidCommits(*store_);
}

TEST_F(TransactionTest, AmbiguousCommitIsRecognisedAsOurs) {
  fs_->FailNth(FsOp::kPutIfAbsent, 1, FaultInjectionFileSystem::Fault::kAfterEffect);
  auto r = WriteRows(store_, EventSchema(), EventRows(100, 6), Request());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->commit.version, 1);
  EXPECT_EQ(r->commit.attempts, 1);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 36u);
}

TEST_F(TransactionTest, UnavailablePutIsRetried) {
  fs_->FailNth(FsOp::kPutIfAbsent, 1, FaultInjectionFileSystem::Fault::kUnavailable, 2);
  auto r = WriteRows(store_, EventSchema(), EventRows(100, 6), Request());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->commit.attempts, 3);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 36u);
}

// Fails each storage call of an append in turn: the table always reads as
// the old version or the new one, never anything in between.
TEST_F(TransactionTest, CrashAtEveryStepLeavesOldOrNewVersion) {
  fs_->ResetCounts();
  {
    auto probe = std::make_shared<FaultInjectionFileSystem>(io::NewMemoryFileSystem());
    auto probe_store = std::make_shared<LogStore>(probe, "/t");
    ASSERT_TRUE(WriteRows(probe_store, EventSchema(), EventRows(0, 30), Request()).ok());
    probe->ResetCounts();
    ASSERT_TRUE(WriteRows(probe_store, EventSchema(), EventRows(100, 6), Request()).ok());
    for (FsOp op : {FsOp::kOpenForRead, FsOp::kOpenForWrite, FsOp::kAppend, FsOp::kClose,
                    FsOp::kPutIfAbsent, FsOp::kList, FsOp::kStat}) {
      for (int64_t n = 1; n <= probe->Count(op); ++n) {
        for (auto fault : {FaultInjectionFileSystem::Fault::kIOError,
                           FaultInjectionFileSystem::Fault::kAfterEffect}) {
          auto fs = std::make_shared<FaultInjectionFileSystem>(io::NewMemoryFileSystem());
          auto store = std::make_shared<LogStore>(fs, "/t");
          ASSERT_TRUE(WriteRows(store, EventSchema(), EventRows(0, 30), Request()).ok());
          fs->FailNth(op, n, fault);
          auto r = WriteRows(store, EventSchema(), EventRows(100, 6), Request());
          fs->ClearFaults();
          size_t rows = Ids(ReadAll(store)).size();
          SCOPED_TRACE(std::string(io::FsOpName(op)) + " #" + std::to_string(n));
          if (r.ok()) {
            EXPECT_EQ(rows, 36u);
          } else {
            EXPECT_TRUE(rows == 30u || rows == 36u) << rows << " " << r.status().ToString();
          }
          ExpectValidCommits(*store);
        }
      }
    }
  }
}

TEST_F(TransactionTest, OrphansOfACrashedWriterAreVacuumed) {
  // The writer "dies" after writing data files: no commit, no cleanup.
  fs_->FailNth(FsOp::kPutIfAbsent, 1, FaultInjectionFileSystem::Fault::kIOError, -1);
  fs_->FailNth(FsOp::kDelete, 1, FaultInjectionFileSystem::Fault::kIOError, -1);
  auto r = WriteRows(store_, EventSchema(), EventRows(100, 6), Request());
  EXPECT_FALSE(r.ok());
  fs_->ClearFaults();
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 30u);
  VacuumOptions o;
  o.retention_ms = 0;
  o.allow_short_retention = true;
  o.now_ms = NowMillis() + 10;
  auto v = Vacuum(store_, o);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->files.size(), 3u);  // one orphan per partition
  auto all = fs_->List("/t/").value();
  int data_files = 0;
  for (const auto& f : all)
    data_files += f.path.ends_with(".parquet") && f.path.find("_delta_log") == std::string::npos;
  EXPECT_EQ(data_files, 3);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 30u);
}

}  // namespace
}  // namespace lakestream::delta
