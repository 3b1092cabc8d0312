#include "maintenance/archive.h"

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "common/time_format.h"
#include "delta/operations.h"
#include "delta/table_writer.h"
#include "delta/write_test_util.h"
#include "io/fault_injection_file_system.h"

namespace lakestream::maintenance {
namespace {

using delta::testing::EventRow;
using delta::testing::EventSchema;
using delta::testing::Ids;
using delta::testing::ReadAll;
using io::FaultInjectionFileSystem;
using io::FsOp;

constexpr int32_t kFirstDay = 20000;  // 2024-10-04
constexpr int kDays = 6;
constexpr int32_t kCutoffDay = kFirstDay + 3;  // days 0..2 move

// A memory filesystem with tiers: records the tier of every file SetTier
// touched, and like Azure Blob refuses to read archive-tier files (offline
// until rehydrated).
class TieredMemoryFileSystem final : public io::FileSystem {
 public:
  Result<std::unique_ptr<io::RandomAccessFile>> OpenForRead(const std::string& p) override {
    auto it = tiers.find(p);
    if (it != tiers.end() && it->second == io::StorageTier::kArchive) {
      return Status::Unavailable(p + ": blob is in the archive tier");
    }
    return base_->OpenForRead(p);
  }
  Result<std::unique_ptr<io::WritableFile>> OpenForWrite(const std::string& p) override {
    return base_->OpenForWrite(p);
  }
  Status PutIfAbsent(const std::string& p, std::string_view d) override {
    return base_->PutIfAbsent(p, d);
  }
  Result<std::vector<io::FileInfo>> List(const std::string& p) override { return base_->List(p); }
  Result<io::FileInfo> Stat(const std::string& p) override { return base_->Stat(p); }
  Status Delete(const std::string& p) override { return base_->Delete(p); }
  bool SupportsTiers() const override { return true; }
  Status SetTier(const std::string& p, io::StorageTier t) override {
    RETURN_IF_ERROR(base_->Stat(p).status());
    tiers[p] = t;
    return Status::OK();
  }
  std::map<std::string, io::StorageTier> tiers;

 private:
  std::shared_ptr<io::FileSystem> base_ = io::NewMemoryFileSystem();
};

// A memory filesystem whose published .parquet files all hold `replacement`.
class DamagingFileSystem final : public io::FileSystem {
 public:
  explicit DamagingFileSystem(std::string replacement) : replacement_(std::move(replacement)) {}
  Result<std::unique_ptr<io::RandomAccessFile>> OpenForRead(const std::string& p) override {
    return base_->OpenForRead(p);
  }
  Result<std::unique_ptr<io::WritableFile>> OpenForWrite(const std::string& p) override {
    ASSIGN_OR_RETURN(auto inner, base_->OpenForWrite(p));
    if (!p.ends_with(".parquet")) return inner;
    return std::unique_ptr<io::WritableFile>(new Damaged(std::move(inner), replacement_));
  }
  Status PutIfAbsent(const std::string& p, std::string_view d) override {
    return base_->PutIfAbsent(p, d);
  }
  Result<std::vector<io::FileInfo>> List(const std::string& p) override { return base_->List(p); }
  Result<io::FileInfo> Stat(const std::string& p) override { return base_->Stat(p); }
  Status Delete(const std::string& p) override { return base_->Delete(p); }

 private:
  class Damaged final : public io::WritableFile {
   public:
    Damaged(std::unique_ptr<io::WritableFile> inner, std::string bytes)
        : inner_(std::move(inner)), bytes_(std::move(bytes)) {}
    Status Append(std::string_view) override { return Status::OK(); }
    Status Close() override {
      RETURN_IF_ERROR(inner_->Append(bytes_));
      return inner_->Close();
    }
    uint64_t BytesWritten() const override { return inner_->BytesWritten(); }

   private:
    std::unique_ptr<io::WritableFile> inner_;
    std::string bytes_;
  };
  std::shared_ptr<io::FileSystem> base_ = io::NewMemoryFileSystem();
  std::string replacement_;
};

// Three appends of rows spread over six days (each append: one file per day); with
// `configuration` for the table.
void BuildLiveTable(const std::shared_ptr<io::FileSystem>& fs,
                    const delta::StringMap& configuration = {}) {
  auto store = std::make_shared<delta::LogStore>(fs, "/live");
  static const char* kCountries[] = {"DE", "FR", "US"};
  int64_t id = 0;
  for (int append = 0; append < 3; ++append) {
    std::vector<parquet::Value> rows;
    for (int i = 0; i < 30 + append * 7; ++i, ++id) {
      rows.push_back(EventRow(id, kCountries[id % 3], kFirstDay + static_cast<int32_t>(id % kDays),
                              static_cast<double>(id), 1'700'000'000'000'000 + id));
    }
    delta::WriteRequest req;
    req.partition_columns = {"event_date"};
    req.configuration = configuration;
    auto r = delta::WriteRows(store, EventSchema(), rows, req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }
  void Reset() {
    base_ = io::NewMemoryFileSystem();
    BuildLiveTable(base_);
    all_ids_ = Ids(ReadAll(std::make_shared<delta::LogStore>(base_, "/live")));
    fi_ = std::make_shared<FaultInjectionFileSystem>(base_);
  }
  ArchiveOptions Options(std::shared_ptr<io::FileSystem> fs = nullptr) {
    if (!fs) fs = fi_;
    ArchiveOptions o;
    o.live = std::make_shared<delta::LogStore>(fs, "/live");
    o.archive = std::make_shared<delta::LogStore>(fs, "/archive");
    o.cutoff_date = FormatDate(kCutoffDay);
    o.commit.initial_backoff_ms = 0;
    o.commit.max_backoff_ms = 0;
    return o;
  }
  // No loss, no duplicates: live + archive hold every original row exactly
  // once, old days only in the archive, recent days only in the live table.
  void ExpectMovedExactlyOnce() {
    auto live_rows = ReadAll(std::make_shared<delta::LogStore>(base_, "/live"));
    auto arch_rows = ReadAll(std::make_shared<delta::LogStore>(base_, "/archive"));
    std::multiset<int64_t> both = Ids(live_rows);
    for (int64_t id : Ids(arch_rows)) both.insert(id);
    EXPECT_EQ(both, all_ids_);
    for (const auto& r : live_rows) EXPECT_GE(r.items[2].i32, kCutoffDay) << r.items[0].i64;
    for (const auto& r : arch_rows) EXPECT_LT(r.items[2].i32, kCutoffDay) << r.items[0].i64;
    EXPECT_FALSE(arch_rows.empty());
  }
  // Just before the archive's live commit made through fi_ (once the rows are counted),
  // another writer appends `row` to the live table; raced_ is its Status once it ran.
  void AppendBeforeTheLiveCommit(parquet::Value row) {
    raced_ = Status::Internal("the concurrent append never ran");
    fi_->BeforeNth(FsOp::kPutIfAbsent, 1, [this, row] {
      auto store = std::make_shared<delta::LogStore>(base_, "/live");
      delta::WriteRequest req;
      raced_ = delta::WriteRows(store, EventSchema(), {row}, req).status();
    }, "/live/_delta_log/");
  }
  int64_t LatestVersion(const std::string& root) {
    auto snap = delta::Snapshot::Load(std::make_shared<delta::LogStore>(base_, root));
    return snap.ok() ? (*snap)->version() : -1;
  }

  std::shared_ptr<io::FileSystem> base_;
  std::shared_ptr<FaultInjectionFileSystem> fi_;
  std::multiset<int64_t> all_ids_;
  Status raced_;
};

TEST_F(ArchiveTest, MovesOldPartitionsAndCountsRowsOnBothSides) {
  ArchiveReport r;
  ASSERT_TRUE(RunArchive(Options(), &r).ok());
  ExpectMovedExactlyOnce();
  ASSERT_EQ(r.partitions.size(), 3u);
  EXPECT_EQ(r.partitions[0].value, FormatDate(kFirstDay));
  EXPECT_EQ(r.files_copied, 9);  // 3 appends x 3 old days
  EXPECT_EQ(r.files_removed, 9);
  EXPECT_EQ(r.rows_live, r.rows_archive);
  EXPECT_EQ(r.archive_version, 0);
  EXPECT_EQ(r.live_version, 3);
  int64_t rows = 0;
  for (const auto& p : r.partitions) rows += p.rows;
  EXPECT_EQ(rows, r.rows_live);
  // Both commits carry the txn of the live table id.
  auto live = delta::Snapshot::Load(std::make_shared<delta::LogStore>(base_, "/live")).value();
  auto arch = delta::Snapshot::Load(std::make_shared<delta::LogStore>(base_, "/archive")).value();
  std::string app = ArchiveAppId(live->metadata().id);
  EXPECT_EQ(arch->TransactionVersion(app), 2);
  EXPECT_EQ(live->TransactionVersion(app), 2);
  EXPECT_EQ(arch->commit_info()->operation, "ARCHIVE");
  EXPECT_EQ(arch->partition_columns(), live->partition_columns());
  delta::testing::ExpectValidCommits(*arch->log_store());
  delta::testing::ExpectValidCommits(*live->log_store());
}

TEST_F(ArchiveTest, DeletionVectorsMoveWithTheirFilesAndDeletedRowsStayDeleted) {
  base_ = io::NewMemoryFileSystem();
  BuildLiveTable(base_, {{"delta.enableDeletionVectors", "true"}});
  fi_ = std::make_shared<FaultInjectionFileSystem>(base_);
  auto live_store = std::make_shared<delta::LogStore>(base_, "/live");
  auto d = delta::DeleteWhere(live_store, "amount < 20 AND amount > 1");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_GT(d->deletion_vectors_added, 0);
  std::multiset<int64_t> remaining = Ids(ReadAll(live_store));
  ASSERT_EQ(remaining.size() + 18, Ids(ReadAll(live_store, 2)).size());  // ids 2..19 deleted
  ArchiveReport r;
  Status s = RunArchive(Options(), &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto live_rows = ReadAll(live_store);
  auto arch_rows = ReadAll(std::make_shared<delta::LogStore>(base_, "/archive"));
  std::multiset<int64_t> both = Ids(live_rows);
  for (int64_t id : Ids(arch_rows)) both.insert(id);
  EXPECT_EQ(both, remaining);  // deleted rows do not come back in the archive
  for (int64_t id = 2; id < 20; ++id) EXPECT_EQ(both.count(id), 0u) << id;
  auto arch = delta::Snapshot::Load(std::make_shared<delta::LogStore>(base_, "/archive")).value();
  int with_dv = 0;
  for (const auto& f : arch->files()) with_dv += f.deletion_vector.has_value();
  EXPECT_GT(with_dv, 0);
  EXPECT_TRUE(arch->protocol().HasReaderFeature("deletionVectors"));
  EXPECT_EQ(r.rows_live, r.rows_archive);
}

TEST_F(ArchiveTest, NothingToMoveIsANoOpWithoutCommits) {
  ArchiveOptions o = Options();
  o.cutoff_date = FormatDate(kFirstDay);  // no partition is older
  ArchiveReport r;
  ASSERT_TRUE(RunArchive(o, &r).ok());
  EXPECT_TRUE(r.partitions.empty());
  EXPECT_EQ(r.archive_version, -1);
  EXPECT_EQ(r.live_version, -1);
  EXPECT_EQ(LatestVersion("/live"), 2);
  EXPECT_TRUE(base_->List("/archive").value().empty());
  // And a second run after a real archive moves nothing more.
  ASSERT_TRUE(RunArchive(Options(), &r).ok());
  ASSERT_TRUE(RunArchive(Options(), &r).ok());
  EXPECT_EQ(r.archive_version, -1);
  EXPECT_EQ(r.live_version, -1);
  EXPECT_EQ(LatestVersion("/live"), 3);
  EXPECT_EQ(LatestVersion("/archive"), 0);
}

TEST_F(ArchiveTest, DryRunListsPartitionsAndWritesNothing) {
  ArchiveOptions o = Options();
  o.dry_run = true;
  ArchiveReport r;
  ASSERT_TRUE(RunArchive(o, &r).ok());
  ASSERT_EQ(r.partitions.size(), 3u);
  int64_t rows = 0;
  for (const auto& p : r.partitions) rows += p.rows;
  EXPECT_GT(rows, 0);
  EXPECT_EQ(r.files_copied, 9);  // would copy
  EXPECT_EQ(r.live_version, -1);
  EXPECT_EQ(LatestVersion("/live"), 2);
  EXPECT_TRUE(base_->List("/archive").value().empty());
}

TEST_F(ArchiveTest, CrashBetweenTheCommitsIsResumedWithoutCopyingAgain) {
  // The live commit fails (a crash after the archive commit).
  fi_->FailNth(FsOp::kPutIfAbsent, 1, FaultInjectionFileSystem::Fault::kIOError, -1,
               "/live/_delta_log");
  ArchiveReport r;
  Status s = RunArchive(Options(), &r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(LatestVersion("/archive"), 0);
  EXPECT_EQ(LatestVersion("/live"), 2);  // rows are in both tables for now
  fi_->ClearFaults();
  ASSERT_TRUE(RunArchive(Options(), &r).ok());
  EXPECT_EQ(r.files_copied, 0);
  EXPECT_EQ(r.files_resumed, 9);
  EXPECT_EQ(r.archive_version, -1);  // no second archive commit
  EXPECT_EQ(r.live_version, 3);
  ExpectMovedExactlyOnce();
}

TEST_F(ArchiveTest, ConcurrentAppendToARecentDayCommutesWithTheArchive) {
  ArchiveOptions o = Options();
  AppendBeforeTheLiveCommit(EventRow(9000, "DE", kCutoffDay + 1, 1, 1));
  ArchiveReport r;
  Status s = RunArchive(o, &r);
  ASSERT_TRUE(raced_.ok()) << raced_.ToString();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(r.live_version, 4);  // rebased over the append (3)
  all_ids_.insert(9000);
  ExpectMovedExactlyOnce();
}

TEST_F(ArchiveTest, LateAppendToAnArchivedDayConflictsAndTheRerunMovesItToo) {
  ArchiveOptions o = Options();
  AppendBeforeTheLiveCommit(EventRow(9001, "FR", kFirstDay, 1, 1));
  ArchiveReport r;
  Status s = RunArchive(o, &r);
  ASSERT_TRUE(raced_.ok()) << raced_.ToString();
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  all_ids_.insert(9001);
  ASSERT_TRUE(RunArchive(Options(), &r).ok());
  EXPECT_EQ(r.files_resumed, 9);
  EXPECT_EQ(r.files_copied, 1);  // the late file
  ExpectMovedExactlyOnce();
}

TEST_F(ArchiveTest, ACopyWithOtherRowsFailsBeforeAnyCommit) {
  // The archive storage "loses" the copy's bytes: every data file it
  // publishes holds a 1-row Parquet file instead.
  auto scratch = io::NewMemoryFileSystem();
  auto w = delta::TableWriter::Make(scratch, "/x", EventSchema(), {}).value();
  ASSERT_TRUE(w->Write(EventRow(1, "DE", kFirstDay, 1, 1)).ok());
  auto adds = w->Finish().value();
  auto damaging =
      std::make_shared<DamagingFileSystem>(scratch->ReadFile("/x/" + adds[0].path).value());
  ArchiveOptions o = Options();
  o.archive = std::make_shared<delta::LogStore>(damaging, "/archive");
  ArchiveReport r;
  Status s = RunArchive(o, &r);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("rows but its copy"), std::string::npos) << s.ToString();
  EXPECT_TRUE(o.archive->List().value().empty());  // no archive commit
  EXPECT_EQ(LatestVersion("/live"), 2);            // nothing removed
}

TEST_F(ArchiveTest, ArchiveDataFilesGoToTheArchiveTierButTheLogDoesNot) {
  auto tiered = std::make_shared<TieredMemoryFileSystem>();
  ArchiveOptions o = Options();
  o.archive = std::make_shared<delta::LogStore>(tiered, "/archive");
  // Crash before the live commit, then resume: the resumed run must not
  // need to read the (now offline) archive copies.
  fi_->FailNth(FsOp::kPutIfAbsent, 1, FaultInjectionFileSystem::Fault::kIOError, -1,
               "/live/_delta_log");
  ArchiveReport r;
  ASSERT_FALSE(RunArchive(o, &r).ok());
  EXPECT_EQ(r.files_tiered, 9);
  fi_->ClearFaults();
  Status s = RunArchive(o, &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(r.files_resumed, 9);
  EXPECT_EQ(r.rows_live, r.rows_archive);
  EXPECT_EQ(tiered->tiers.size(), 9u);
  for (const auto& [path, tier] : tiered->tiers) {
    EXPECT_EQ(tier, io::StorageTier::kArchive);
    EXPECT_EQ(path.find("_delta_log"), std::string::npos) << path;
  }
  // The log stays readable.
  auto arch = delta::Snapshot::Load(o.archive).value();
  EXPECT_EQ(arch->files().size(), 9u);
  EXPECT_EQ(LatestVersion("/live"), 3);
}

TEST_F(ArchiveTest, BadOptionsAreRejected) {
  ArchiveReport r;
  ArchiveOptions o = Options();
  o.cutoff_date = "last year";
  EXPECT_TRUE(RunArchive(o, &r).IsInvalidArgument());
  o = Options();
  o.partition_column = "country";  // not a partition column
  EXPECT_TRUE(RunArchive(o, &r).IsInvalidArgument());
  o = Options();
  o.archive = o.live;
  EXPECT_TRUE(RunArchive(o, &r).IsInvalidArgument());
  EXPECT_EQ(CutoffDate("2026-11-24", 365).value(), "2025-11-24");
  EXPECT_EQ(DateOfMillis(0), "1970-01-01");
}

// Crash injection at every step: every call of every storage operation the
// archive job makes fails in turn (and every call after it, as after a
// crash); then a clean rerun must leave every row exactly once.
TEST_F(ArchiveTest, CrashAtEveryStorageCallThenRerunLosesAndDuplicatesNothing) {
  std::map<FsOp, int64_t> calls;
  {
    ArchiveReport r;
    fi_->ResetCounts();
    ASSERT_TRUE(RunArchive(Options(), &r).ok());
    for (FsOp op : {FsOp::kOpenForRead, FsOp::kOpenForWrite, FsOp::kAppend, FsOp::kClose,
                    FsOp::kPutIfAbsent, FsOp::kList, FsOp::kStat, FsOp::kDelete}) {
      calls[op] = fi_->Count(op);
    }
  }
  int runs = 0, failed = 0;
  for (auto fault :
       {FaultInjectionFileSystem::Fault::kIOError, FaultInjectionFileSystem::Fault::kAfterEffect}) {
    for (const auto& [op, n] : calls) {
      bool effect_ops = op == FsOp::kPutIfAbsent || op == FsOp::kClose;
      if (fault == FaultInjectionFileSystem::Fault::kAfterEffect && !effect_ops) continue;
      for (int64_t nth = 1; nth <= n; ++nth) {
        Reset();
        fi_->FailNth(op, nth, fault, -1);
        ArchiveReport r;
        Status first = RunArchive(Options(), &r);
        failed += first.ok() ? 0 : 1;
        fi_->ClearFaults();
        Status again = RunArchive(Options(), &r);
        ASSERT_TRUE(again.ok()) << io::FsOpName(op) << " #" << nth << ": " << again.ToString();
        SCOPED_TRACE(std::string(io::FsOpName(op)) + " #" + std::to_string(nth));
        ExpectMovedExactlyOnce();
        // A third run has nothing left to do.
        ASSERT_TRUE(RunArchive(Options(), &r).ok());
        EXPECT_EQ(r.archive_version, -1);
        EXPECT_EQ(r.live_version, -1);
        ++runs;
      }
    }
  }
  std::cout << "crash points: " << runs << " (first run failed in " << failed << ")\n";
  EXPECT_GT(runs, 50);
  EXPECT_GT(failed, runs / 2);
}

}  // namespace
}  // namespace lakestream::maintenance
