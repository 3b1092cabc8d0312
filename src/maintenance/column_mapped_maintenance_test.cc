// OPTIMIZE (bin-packing and Z-order) and ARCHIVE on a column-mapped table
// (mode name) after a rename and a drop: the rows stay the same, the new
// files store physical names with field ids, and stats and partition values
// stay keyed by physical names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "delta/alter.h"
#include "delta/column_mapping_writer.h"
#include "delta/operations.h"
#include "delta/write_test_util.h"
#include "maintenance/archive.h"
#include "maintenance/optimize.h"
#include "parquet/file_reader.h"

namespace lakestream::maintenance {
namespace {

using delta::testing::EventRows;
using delta::testing::EventSchema;
using delta::testing::Ids;
using delta::testing::ReadAll;

class ColumnMappedMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    delta::WriteRequest r;
    r.partition_columns = {"event_date"};
    r.configuration = {{"delta.columnMapping.mode", "name"}};
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(delta::WriteRows(live_, EventSchema(), EventRows(i * 10, 10), r).ok());
    }
    ASSERT_TRUE(delta::RenameColumn(live_, "amount", "total").ok());
    ASSERT_TRUE(delta::DropColumn(live_, "ts").ok());
    before_ = ReadAll(live_);
  }
  std::shared_ptr<const delta::Snapshot> Latest(std::shared_ptr<delta::LogStore> s) {
    return delta::Snapshot::Load(s).value();
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<delta::LogStore> live_ = std::make_shared<delta::LogStore>(fs_, "/t");
  std::vector<parquet::Value> before_;
};

TEST_F(ColumnMappedMaintenanceTest, ZOrderOptimizeKeepsRowsAndWritesPhysicalNames) {
  OptimizeOptions o;
  o.table = live_;
  o.zorder_by = {"total"};
  OptimizeReport report;
  Status s = RunOptimize(o, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.files_removed, 6);
  EXPECT_EQ(report.files_added, 2);
  auto snap = Latest(live_);
  EXPECT_EQ(Ids(ReadAll(live_)), Ids(before_));
  const delta::StructField* total = snap->schema().FindField("total");
  std::string physical = *delta::PhysicalNameOf(*total);
  for (const auto& f : snap->files()) {
    auto reader = parquet::FileReader::Open(*fs_, "/t/" + f.path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    bool found = false;
    for (const auto& c : (*reader)->schema().root().children) {
      if (c.name == physical) found = c.field_id == delta::ColumnIdOf(*total);
      EXPECT_NE(c.name, "total");
    }
    EXPECT_TRUE(found) << "total stored as " << physical << " with its field id";
    nlohmann::json stats = nlohmann::json::parse(*f.stats);
    EXPECT_TRUE(stats["maxValues"].contains(physical)) << *f.stats;
  }
  delta::ScanOptions so;
  so.columns = {"id", "total"};
  so.where = "total > 43";
  EXPECT_EQ(delta::testing::ScanText(live_, so), "{\"id\":29,\"total\":43.5}\n");
}

TEST_F(ColumnMappedMaintenanceTest, ArchiveFindsDatesByThePhysicalPartitionKey) {
  ArchiveOptions o;
  o.live = live_;
  o.archive = std::make_shared<delta::LogStore>(fs_, "/archive");
  o.cutoff_date = "2024-10-05";  // event_date is 2024-10-04 (even ids) or -05 (odd)
  ArchiveReport report;
  Status s = RunArchive(o, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(report.partitions.size(), 1u);
  EXPECT_EQ(report.partitions[0].rows, 15);
  std::multiset<int64_t> even, odd;
  for (int64_t id = 0; id < 30; ++id) (id % 2 ? odd : even).insert(id);
  EXPECT_EQ(Ids(ReadAll(o.archive)), even);
  EXPECT_EQ(Ids(ReadAll(live_)), odd);
  EXPECT_EQ(Latest(o.archive)->schema().FindField("total") != nullptr, true);
}

}  // namespace
}  // namespace lakestream::maintenance
