// What a crashed or retried load leaves behind in a plain Parquet folder and
// in a Delta table (docs/delta-vs-parquet.md quotes these figures). A load
// writes 4 files of 250 rows; the storage "crashes" (every call fails) at
// the 3rd file's publish, or at the commit.
#include <gtest/gtest.h>

#include <iostream>

#include "delta/operations.h"
#include "delta/write_test_util.h"
#include "io/fault_injection_file_system.h"
#include "parquet/file_reader.h"

namespace lakestream::maintenance {
namespace {

using delta::testing::EventRows;
using delta::testing::EventSchema;
using io::FaultInjectionFileSystem;
using io::FsOp;

constexpr int kFiles = 4;
constexpr int kRowsPerFile = 250;

// What a plain-Parquet reader sees: every *.parquet file under the folder.
int64_t PlainParquetRows(io::FileSystem& fs, const std::string& dir, int64_t* files) {
  int64_t rows = 0;
  *files = 0;
  auto listing = fs.List(dir + "/").value();
  for (const auto& f : listing) {
    if (!f.path.ends_with(".parquet")) continue;
    ++*files;
    rows += parquet::FileReader::Open(fs, f.path).value()->num_rows();
  }
  return rows;
}

// What a Delta reader sees: the rows of the latest snapshot (0 without one).
int64_t DeltaRows(const std::shared_ptr<io::FileSystem>& fs, const std::string& root) {
  auto store = std::make_shared<delta::LogStore>(fs, root);
  if (store->List().value().empty()) return 0;
  return static_cast<int64_t>(delta::testing::ReadAll(store).size());
}

delta::TableWriterOptions OneFilePerBatch() {
  delta::TableWriterOptions w;
  w.target_file_size = 1;  // close the file after every batch
  w.shred_batch_rows = kRowsPerFile;
  return w;
}

// The plain-Parquet load: 4 files written straight into the folder.
Status PlainLoad(std::shared_ptr<io::FileSystem> fs, const std::string& dir, int64_t first_id) {
  ASSIGN_OR_RETURN(auto w, delta::TableWriter::Make(fs, dir, EventSchema(), {}, OneFilePerBatch()));
  RETURN_IF_ERROR(w->Write(EventRows(first_id, kFiles * kRowsPerFile)));
  return w->Finish().status();
}

// The Delta load: the same 4 files, then one commit (txn for retries).
Status DeltaLoad(std::shared_ptr<io::FileSystem> fs, const std::string& root, int64_t first_id,
                 std::optional<int64_t> batch_id) {
  auto store = std::make_shared<delta::LogStore>(fs, root);
  delta::WriteRequest req;
  req.writer = OneFilePerBatch();
  req.commit.max_attempts = 2;
  req.commit.initial_backoff_ms = 0;
  if (batch_id) {
    req.app_id = "loader";
    req.app_version = *batch_id;
  }
  return delta::WriteRows(store, EventSchema(), EventRows(first_id, kFiles * kRowsPerFile), req)
      .status();
}

TEST(DeltaVsParquetTest, CrashedLoadIsHalfVisibleInParquetAndInvisibleInDelta) {
  auto base = io::NewMemoryFileSystem();
  auto fi = std::make_shared<FaultInjectionFileSystem>(base);
  // Crash while publishing the 3rd data file.
  fi->FailNth(FsOp::kClose, 3, FaultInjectionFileSystem::Fault::kIOError, -1);
  EXPECT_FALSE(PlainLoad(fi, "/plain", 0).ok());
  fi->ClearFaults();
  fi->ResetCounts();
  fi->FailNth(FsOp::kClose, 3, FaultInjectionFileSystem::Fault::kIOError, -1);
  EXPECT_FALSE(DeltaLoad(fi, "/delta", 0, std::nullopt).ok());
  fi->ClearFaults();
  int64_t plain_files = 0;
  int64_t plain_rows = PlainParquetRows(*base, "/plain", &plain_files);
  int64_t delta_rows = DeltaRows(base, "/delta");
  std::cout << "crash at 3rd file: plain parquet readers see " << plain_files << " files, "
            << plain_rows << " of " << kFiles * kRowsPerFile << " rows; delta readers see "
            << delta_rows << " rows\n";
  EXPECT_EQ(plain_files, 2);
  EXPECT_EQ(plain_rows, 2 * kRowsPerFile);  // a partial load, silently
  EXPECT_EQ(delta_rows, 0);                 // nothing until the commit

  // Crash at the commit itself (all 4 files are on storage already).
  fi->FailNth(FsOp::kPutIfAbsent, 1, FaultInjectionFileSystem::Fault::kIOError, -1);
  EXPECT_FALSE(DeltaLoad(fi, "/delta2", 0, std::nullopt).ok());
  fi->ClearFaults();
  int64_t orphans = 0;
  auto listing = base->List("/delta2/").value();
  for (const auto& f : listing) orphans += f.path.ends_with(".parquet");
  std::cout << "crash at the commit: " << orphans << " data files on storage, delta readers see "
            << DeltaRows(base, "/delta2") << " rows\n";
  EXPECT_EQ(DeltaRows(base, "/delta2"), 0);
}

TEST(DeltaVsParquetTest, RetriedLoadDuplicatesInParquetAndIsANoOpInDelta) {
  auto fs = io::NewMemoryFileSystem();
  // The load succeeded, but the job died before recording it, so it runs again.
  ASSERT_TRUE(PlainLoad(fs, "/plain", 0).ok());
  ASSERT_TRUE(PlainLoad(fs, "/plain", 0).ok());
  ASSERT_TRUE(DeltaLoad(fs, "/delta", 0, 17).ok());
  ASSERT_TRUE(DeltaLoad(fs, "/delta", 0, 17).ok());  // same batch id: skipped
  int64_t plain_files = 0;
  int64_t plain_rows = PlainParquetRows(*fs, "/plain", &plain_files);
  int64_t delta_rows = DeltaRows(fs, "/delta");
  std::cout << "retried load: plain parquet " << plain_rows << " rows (" << plain_files
            << " files), delta " << delta_rows << " rows\n";
  EXPECT_EQ(plain_rows, 2 * kFiles * kRowsPerFile);
  EXPECT_EQ(delta_rows, kFiles * kRowsPerFile);
  auto snap = delta::Snapshot::Load(std::make_shared<delta::LogStore>(fs, "/delta")).value();
  EXPECT_EQ(snap->version(), 0);
  EXPECT_EQ(snap->TransactionVersion("loader"), 17);
}

}  // namespace
}  // namespace lakestream::maintenance
