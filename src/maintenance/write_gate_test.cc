// OPTIMIZE and ARCHIVE rewrite a table, so they refuse tables whose writer
// features lakestream does not honour (delta/features.h) before reading or
// writing anything: here a column-mapped table (columnMapping, mode name,
// which lakestream writes) whose protocol also lists a writer feature
// lakestream does not know (futureWriterFeature).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "maintenance/archive.h"
#include "maintenance/optimize.h"

namespace lakestream::maintenance {
namespace {

namespace stdfs = std::filesystem;

class WriteGateTest : public ::testing::Test {
 protected:
  // delta-rs's table_with_column_mapping, copied into memory at /t.
  void SetUp() override {
    stdfs::path src =
        stdfs::path(LAKESTREAM_TESTDATA_DIR) / "delta-rs" / "table_with_column_mapping";
    for (const auto& e : stdfs::recursive_directory_iterator(src)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      std::string rel = stdfs::relative(e.path(), src).generic_string();
      ASSERT_TRUE(fs_->PutIfAbsent("/t/" + rel, bytes.str()).ok()) << rel;
    }
    ASSERT_TRUE(live_
                    ->WriteCommit(1, R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,)"
                                     R"("readerFeatures":["columnMapping"],"writerFeatures":)"
                                     R"(["columnMapping","futureWriterFeature"]}})"
                                     "\n")
                    .ok());
    auto snap = delta::Snapshot::Load(live_);
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    files_before_ = Count("/t");
  }

  size_t Count(const std::string& dir) {
    auto all = fs_->List(dir);
    return all.ok() ? all->size() : 0;
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<delta::LogStore> live_ = std::make_shared<delta::LogStore>(fs_, "/t");
  size_t files_before_ = 0;
};

TEST_F(WriteGateTest, OptimizeRefusesATableWithAnUnknownWriterFeatureNamingIt) {
  OptimizeOptions o;
  o.table = live_;
  OptimizeReport report;
  Status s = RunOptimize(o, &report);
  ASSERT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_NE(s.message().find("futureWriterFeature"), std::string::npos) << s.message();
  EXPECT_EQ(Count("/t"), files_before_) << "nothing written";
}

TEST_F(WriteGateTest, ArchiveRefusesALiveTableWithAnUnknownWriterFeatureNamingIt) {
  ArchiveOptions o;
  o.live = live_;
  o.archive = std::make_shared<delta::LogStore>(fs_, "/archive");
  o.cutoff_date = "2030-01-01";
  o.partition_column = "Company Very Short";
  ArchiveReport report;
  Status s = RunArchive(o, &report);
  ASSERT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_NE(s.message().find("futureWriterFeature"), std::string::npos) << s.message();
  EXPECT_EQ(Count("/t"), files_before_);
  EXPECT_EQ(Count("/archive"), 0u);
}

}  // namespace
}  // namespace lakestream::maintenance
