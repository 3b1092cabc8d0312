#include "common/manual_clock.h"
#include "stream/table_file_writer.h"

#include <gtest/gtest.h>

#include <set>

#include "delta/uri.h"
#include "io/fault_injection_file_system.h"
#include "parquet/file_reader.h"

namespace lakestream::stream {
namespace {

using pipeline::ColumnSpec;
using pipeline::ColumnType;

class TableFileWriterTest : public ::testing::TestWithParam<bool> {
 protected:
  mutable ManualClock clock_{int64_t{1700000000000} * 1000};
  std::vector<ColumnSpec> Columns() const {
    return {{"id", ColumnType::kInt64, false, ""}, {"name", ColumnType::kString, true, ""}};
  }
  TableFileWriterOptions Options() const {
    TableFileWriterOptions o;
    o.batch_rows = 100;  // many encode batches per file
    o.encode_thread = GetParam();
    o.clock = &clock_;
    return o;
  }
  static std::string Record(int64_t id) {
    return "{\"id\":" + std::to_string(id) + ",\"name\":\"n" + std::to_string(id) + "\"}";
  }
  // Every id in the staged files (read back from Parquet), checking row counts.
  std::multiset<int64_t> ReadIds(const std::vector<StagedFile>& files) {
    std::multiset<int64_t> ids;
    ReadIdsInto(files, &ids);
    return ids;
  }
  void ReadIdsInto(const std::vector<StagedFile>& files, std::multiset<int64_t>* out) {
    std::multiset<int64_t>& ids = *out;
    for (const StagedFile& f : files) {
      auto decoded = delta::DecodeUriPath(f.path);  // add.path is URI-encoded
      ASSERT_TRUE(decoded.ok());
      auto reader = parquet::FileReader::Open(*fs_, "t/" + *decoded);
      EXPECT_TRUE(reader.ok()) << reader.status().ToString();
      if (!reader.ok()) continue;
      EXPECT_EQ((*reader)->num_rows(), f.num_records);
      for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
        auto col = (*reader)->ReadColumn(rg, 0);
        EXPECT_TRUE(col.ok());
        if (col.ok()) ids.insert(col->values.i64.begin(), col->values.i64.end());
      }
    }
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
};

TEST_P(TableFileWriterTest, RowsOfEveryPartitionLandOnceInFilesUnderTheirDirectories) {
  auto w = TableFileWriter::Make(fs_, "t", Columns(), {"day"}, Options());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::multiset<int64_t> want;
  for (int64_t i = 0; i < 2500; ++i) {
    std::vector<std::optional<std::string>> day;
    if (i % 3 == 0)
      day.push_back("2026-11-24");
    else if (i % 3 == 1)
      day.push_back("a b:c");
    else
      day.push_back(std::nullopt);
    ASSERT_TRUE((*w)->Add(day, Record(i)).ok());
    want.insert(i);
  }
  auto files = (*w)->Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  std::set<std::string> dirs;
  for (const StagedFile& f : *files) {
    dirs.insert(f.path.substr(0, f.path.find('/')));
    EXPECT_EQ(f.modification_time_ms, 1700000000000);
    EXPECT_GT(f.size, 0);
  }
  EXPECT_EQ(dirs, (std::set<std::string>{"day=2026-11-24", "day=a%2520b%253Ac",
                                         "day=__HIVE_DEFAULT_PARTITION__"}));
  EXPECT_EQ(ReadIds(*files), want);
  // The writer takes the next batch.
  ASSERT_TRUE((*w)->Add({"2026-11-25"}, Record(9)).ok());
  auto next = (*w)->Finish();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(ReadIds(*next), std::multiset<int64_t>{9});
}

TEST_P(TableFileWriterTest, FilesRollAtTheSizeTarget) {
  TableFileWriterOptions o = Options();
  o.file_size_target = 1;  // every encoded batch closes its file
  auto w = TableFileWriter::Make(fs_, "t", Columns(), {}, o);
  ASSERT_TRUE(w.ok());
  for (int64_t i = 0; i < 1000; ++i) ASSERT_TRUE((*w)->Add({}, Record(i)).ok());
  auto files = (*w)->Finish();
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 10u);
  EXPECT_EQ(ReadIds(*files).size(), 1000u);
}

TEST_P(TableFileWriterTest, BadRecordIsRejectedAndTheRestIsKept) {
  auto w = TableFileWriter::Make(fs_, "t", Columns(), {}, Options());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Add({}, Record(1)).ok());
  Status bad = (*w)->Add({}, "{\"id\":\"x\"}");
  EXPECT_TRUE(bad.IsInvalidArgument()) << bad.ToString();
  ASSERT_TRUE((*w)->Add({}, Record(2)).ok());
  auto files = (*w)->Finish();
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(ReadIds(*files), (std::multiset<int64_t>{1, 2}));
}

TEST_P(TableFileWriterTest, StorageFailureSurfacesAsAnErrorThatIsNotABadRecord) {
  auto faulty = std::make_shared<io::FaultInjectionFileSystem>(fs_);
  faulty->FailNth(io::FsOp::kAppend, 1, io::FaultInjectionFileSystem::Fault::kIOError, -1);
  auto w = TableFileWriter::Make(faulty, "t", Columns(), {}, Options());
  ASSERT_TRUE(w.ok());
  Status first_error;
  for (int64_t i = 0; i < 5000 && first_error.ok(); ++i) first_error = (*w)->Add({}, Record(i));
  Result<std::vector<StagedFile>> files =
      first_error.ok() ? (*w)->Finish() : Result<std::vector<StagedFile>>(first_error);
  ASSERT_FALSE(files.ok());
  EXPECT_FALSE(files.status().IsInvalidArgument()) << files.status().ToString();
  // After an abort the writer works again.
  (*w)->Abort();
  faulty->ClearFaults();
  ASSERT_TRUE((*w)->Add({}, Record(7)).ok());
  auto again = (*w)->Finish();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ReadIds(*again), std::multiset<int64_t>{7});
}

TEST_P(TableFileWriterTest, AbortPublishesNothing) {
  auto w = TableFileWriter::Make(fs_, "t", Columns(), {}, Options());
  ASSERT_TRUE(w.ok());
  for (int64_t i = 0; i < 1000; ++i) ASSERT_TRUE((*w)->Add({}, Record(i)).ok());
  (*w)->Abort();
  auto listed = fs_->List("t/");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  auto files = (*w)->Finish();
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
}

INSTANTIATE_TEST_SUITE_P(EncodeThread, TableFileWriterTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Threaded" : "Inline"; });

}  // namespace
}  // namespace lakestream::stream
