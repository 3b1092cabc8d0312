// Writing column-mapped tables: a new table in mode name or id gets ids,
// physical names and the protocol Spark expects; data files, stats and
// partition values speak physical names; an existing table turned to mode
// name keeps its files readable; DELETE (rewrite and DVs) honours it.
#include "delta/column_mapping_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "delta/features.h"
#include "delta/operations.h"
#include "delta/write_test_util.h"
#include "parquet/file_reader.h"

namespace lakestream::delta {
namespace {

using testing::EventRows;
using testing::EventSchema;
using testing::Ids;
using testing::ReadAll;
using testing::ScanText;

class ColumnMappingWriterTest : public ::testing::Test {
 protected:
  WriteRequest Request(StringMap config) {
    WriteRequest r;
    r.partition_columns = {"country"};
    r.configuration = std::move(config);
    return r;
  }
  std::shared_ptr<const Snapshot> Latest() { return Snapshot::Load(store_).value(); }
  std::unique_ptr<parquet::FileReader> OpenData(const AddFile& f) {
    auto r = parquet::FileReader::Open(*fs_, "/t/" + f.path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");
};

TEST_F(ColumnMappingWriterTest, ANewNameModeTableGetsIdsPhysicalNamesAndProtocol25) {
  // In-commit timestamps (on by default) would need writer 7: see the next test.
  auto w = WriteRows(store_, EventSchema(), EventRows(0, 30),
                     Request({{"delta.columnMapping.mode", "name"},
                              {"delta.enableInCommitTimestamps", "false"}}));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto snap = Latest();
  EXPECT_EQ(snap->protocol().min_reader_version, 2);
  EXPECT_EQ(snap->protocol().min_writer_version, 5);
  EXPECT_EQ(snap->column_mapping().mode(), ColumnMappingMode::kName);
  // Six top-level fields and info's two: ids 1..8, depth first.
  EXPECT_EQ(snap->metadata().Config("delta.columnMapping.maxColumnId"), "8");
  const DeltaType& s = snap->schema();
  EXPECT_EQ(ColumnIdOf(s.fields[0]), 1);
  EXPECT_EQ(ColumnIdOf(s.fields[5].type.fields[1]), 8);
  std::string country = *PhysicalNameOf(s.fields[1]);
  std::string info_b = *PhysicalNameOf(s.fields[5].type.fields[1]);
  EXPECT_EQ(country.rfind("col-", 0), 0u);
  EXPECT_EQ(s.fields[1].name, "country") << "the schema keeps logical names";

  const AddFile& f = snap->files()[0];
  EXPECT_EQ(f.partition_values.count(country), 1u) << "partition values by physical name";
  EXPECT_NE(f.path.find(country + "="), std::string::npos) << f.path;
  nlohmann::json stats = nlohmann::json::parse(*f.stats);
  EXPECT_TRUE(stats["minValues"].contains(*PhysicalNameOf(s.fields[0])));
  EXPECT_TRUE(stats["minValues"][*PhysicalNameOf(s.fields[5])].contains(info_b));
  EXPECT_FALSE(stats["minValues"].contains("id"));
  auto reader = OpenData(f);
  ASSERT_NE(reader, nullptr);
  const parquet::SchemaNode& top = reader->schema().root();
  EXPECT_EQ(top.children[0].name, *PhysicalNameOf(s.fields[0]));
  EXPECT_EQ(top.children[0].field_id, 1);
  EXPECT_EQ(top.children.back().children[1].name, info_b);
  EXPECT_EQ(top.children.back().children[1].field_id, 8);

  std::vector<parquet::Value> rows = ReadAll(store_);
  ASSERT_EQ(rows.size(), 30u);
  EXPECT_EQ(rows[0], EventRows(0, 1)[0]) << "the DE file's first row, as written";
  EXPECT_EQ(Ids(ReadAll(store_)), Ids(EventRows(0, 30)));
  ScanStats st;
  ScanOptions so;
  so.columns = {"id"};
  so.where = "country = 'DE' AND id < 4";
  EXPECT_EQ(ScanText(store_, so, &st), "{\"id\":0}\n{\"id\":3}\n");
  EXPECT_EQ(st.files_skipped, 2) << "FR and US skipped by their physical partition values";
}


TEST_F(ColumnMappingWriterTest, WithInCommitTimestampsANewNameModeTableIsOnProtocol37) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 3),
                        Request({{"delta.columnMapping.mode", "name"}}))
                  .ok());
  Protocol p = Latest()->protocol();
  EXPECT_EQ(p.min_reader_version, 3);
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_EQ(p.reader_features, std::vector<std::string>{"columnMapping"});
  EXPECT_TRUE(p.HasWriterFeature("columnMapping") && p.HasWriterFeature("inCommitTimestamp"));
  EXPECT_EQ(Latest()->column_mapping().mode(), ColumnMappingMode::kName);
  EXPECT_EQ(Ids(ReadAll(store_)), Ids(EventRows(0, 3)));
}
TEST_F(ColumnMappingWriterTest, IdModeWritesFieldIdsTheReaderResolvesBy) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 12),
                        Request({{"delta.columnMapping.mode", "id"}}))
                  .ok());
  auto more = WriteRows(store_, EventSchema(), EventRows(12, 6), Request({}));
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  auto snap = Latest();
  EXPECT_EQ(snap->column_mapping().mode(), ColumnMappingMode::kId);
  EXPECT_EQ(Ids(ReadAll(store_)), Ids(EventRows(0, 18)));
  EXPECT_EQ(ReadAll(store_).size(), 18u);
}

TEST_F(ColumnMappingWriterTest, TurningOnNameModeKeepsLogicalNamesAsPhysicalOnes) {
  // A (1, 2) table: turning name mode on moves it to (2, 5).
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 9),
                        Request({{"delta.enableInCommitTimestamps", "false"}}))
                  .ok());
  auto up = WriteRows(store_, EventSchema(), EventRows(9, 9),
                      Request({{"delta.columnMapping.mode", "name"}}));
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  auto snap = Latest();
  EXPECT_EQ(snap->version(), 1) << "turned on in the write's own commit";
  EXPECT_EQ(snap->column_mapping().mode(), ColumnMappingMode::kName);
  EXPECT_EQ(snap->protocol().min_writer_version, 5);
  for (const StructField& f : snap->schema().fields) EXPECT_EQ(PhysicalNameOf(f), f.name);
  EXPECT_EQ(snap->metadata().Config("delta.columnMapping.maxColumnId"), "8");
  EXPECT_EQ(Ids(ReadAll(store_)), Ids(EventRows(0, 18)));
  auto id = WriteRows(store_, EventSchema(), std::vector<parquet::Value>{}, Request({{"delta.columnMapping.mode", "id"}}));
  ASSERT_TRUE(id.status().IsInvalidArgument()) << id.status().ToString();
  EXPECT_NE(id.status().message().find("is name; changing it to id"), std::string::npos);
}

TEST_F(ColumnMappingWriterTest, IdModeCannotBeTurnedOnForAnExistingTable) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 3), Request({})).ok());
  auto w = WriteRows(store_, EventSchema(), EventRows(3, 3),
                     Request({{"delta.columnMapping.mode", "id"}}));
  ASSERT_TRUE(w.status().IsInvalidArgument()) << w.status().ToString();
  EXPECT_NE(w.status().message().find("mode name only"), std::string::npos);
  EXPECT_EQ(Latest()->version(), 0);
  auto bad = WriteRows(store_, EventSchema(), std::vector<parquet::Value>{}, Request({{"delta.columnMapping.mode", "x"}}));
  EXPECT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
}

TEST_F(ColumnMappingWriterTest, DeleteRewritesAndDeletionVectorsHonourPhysicalNames) {
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 30),
                        Request({{"delta.columnMapping.mode", "name"},
                                 {"delta.enableDeletionVectors", "true"}}))
                  .ok());
  Protocol p = Latest()->protocol();
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_TRUE(p.HasReaderFeature("columnMapping") && p.HasWriterFeature("columnMapping"));
  EXPECT_TRUE(p.HasWriterFeature("deletionVectors"));
  auto d = DeleteWhere(store_, "country = 'FR'");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->files_removed, 1) << "the FR partition dropped whole by its physical value";
  d = DeleteWhere(store_, "amount > 30");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_GT(d->deletion_vectors_added, 0);
  std::multiset<int64_t> want;
  for (int64_t id = 0; id < 30; ++id) {
    if (id % 3 != 1 && id * 1.5 <= 30) want.insert(id);
  }
  EXPECT_EQ(Ids(ReadAll(store_)), want);
}

TEST(ColumnMappingProtocolTest, NewTablesNeedReader2Writer5OrTheFeature) {
  Protocol p = ProtocolForNewTable(EventSchema(), {{"delta.columnMapping.mode", "Name"}});
  EXPECT_EQ(p.min_reader_version, 2);
  EXPECT_EQ(p.min_writer_version, 5);
  EXPECT_EQ(ProtocolForNewTable(EventSchema(), {{"delta.columnMapping.mode", "none"}}),
            Protocol());
  EXPECT_TRUE(CheckWriteSupported(p, Metadata{}, "t").ok());
}

}  // namespace
}  // namespace lakestream::delta
