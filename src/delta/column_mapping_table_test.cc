// A column-mapped table (mode name) as Spark leaves it after RENAME COLUMN,
// DROP COLUMN and ADD COLUMN: data files with physical column names, the log
// keying partition values and stats by physical names. Every read path
// (ScanNdjson with projection, partition pruning, data skipping and row
// filters; ReadFileRows) sees the logical schema; writes keep the physical
// layout.
#include <gtest/gtest.h>

#include "delta/checkpoint_writer.h"
#include "delta/column_mapping_test_util.h"
#include "delta/operations.h"
#include "delta/row_reader.h"
#include "delta/table_scan.h"
#include "delta/write_test_util.h"
#include "parquet/file_writer.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

using parquet::Value;
namespace field = parquet::field;

using testing::MappedField;
using testing::ScanText;
using testing::StructJson;

// id long, renamed string (was `a col`), s struct<x int, z string> (y dropped, z added),
// part string (the partition column, renamed from p). Column b was dropped.
std::string SchemaJson() {
  std::string s = StructJson(MappedField("x", "integer", "col-x", 4) + "," +
                             MappedField("z", "string", "col-z", 6));
  return StructJson(MappedField("id", "long", "col-id", 1) + "," +
                    MappedField("renamed", "string", "col-a", 2) + "," +
                    MappedField("s", s, "col-s", 3) + "," + MappedField("part", "string", "p", 7));
}

class ColumnMappingTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteDataFile("aa/part-0.parquet", 0);
    WriteDataFile("bb/part-1.parquet", 5);
    Protocol p;
    p.min_reader_version = 2;
    p.min_writer_version = 5;
    Metadata m;
    m.id = "cm";
    m.schema_string = SchemaJson();
    m.partition_columns = {"part"};
    m.configuration = {{"delta.columnMapping.mode", "name"},
                       {"delta.columnMapping.maxColumnId", "8"}};
    ASSERT_TRUE(
        store_->WriteCommit(0, SerializeCommit({p, m, Add("aa/part-0.parquet", "DE", 0),
                                                Add("bb/part-1.parquet", "FR", 5)}))
            .ok());
  }

  // Ids first..first+4, written before the renames and drops: physical names,
  // the struct's fields in another order, the dropped column b.
  void WriteDataFile(const std::string& path, int64_t first) {
    auto schema = parquet::Schema::FromRoot(field::Struct(
        "spark_schema",
        {field::Struct("col-s", {field::String("col-y"), field::Int32("col-x")}),
         field::String("col-a"), field::Int64("col-id"), field::Int32("col-b")}));
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    auto sink = fs_->OpenForWrite("/t/" + path);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    auto w = parquet::FileWriter::Open(std::move(sink).value(), *schema);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    parquet::RecordShredder rows(*schema);
    for (int64_t id = first; id < first + 5; ++id) {
      ASSERT_TRUE(rows
                      .Add(Value::Struct({Value::Struct({Value::Bytes("y"),
                                                         Value::Int32(static_cast<int32_t>(id))}),
                                          Value::Bytes("a" + std::to_string(id)), Value::Int64(id),
                                          Value::Int32(-1)}))
                      .ok());
    }
    ASSERT_TRUE(rows.WriteTo(w->get()).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }

  static AddFile Add(const std::string& path, const std::string& part, int64_t first) {
    AddFile a;
    a.path = path;
    a.size = 1000;
    a.partition_values = {{"p", part}};
    a.stats = R"({"numRecords":5,"minValues":{"col-id":)" + std::to_string(first) +
              R"(,"col-a":"a)" + std::to_string(first) + R"("},"maxValues":{"col-id":)" +
              std::to_string(first + 4) + R"(},"nullCount":{"col-id":0,"col-b":5}})";
    return a;
  }

  std::string Cat(const ScanOptions& so, ScanStats* stats = nullptr) {
    return ScanText(store_, so, stats);
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");
};

TEST_F(ColumnMappingTableTest, CatShowsTheLogicalSchemaWithRenamedAndDroppedColumns) {
  ScanOptions so;
  so.limit = 2;
  EXPECT_EQ(Cat(so),
            R"({"id":0,"renamed":"a0","s":{"x":0,"z":null},"part":"DE"})"
            "\n"
            R"({"id":1,"renamed":"a1","s":{"x":1,"z":null},"part":"DE"})"
            "\n");
  so = {};
  so.columns = {"part", "renamed"};
  so.where = "id = 7";
  EXPECT_EQ(Cat(so), R"({"part":"FR","renamed":"a7"})"
                     "\n");
}

TEST_F(ColumnMappingTableTest, PartitionValuesPruneAndStatsSkipByPhysicalName) {
  ScanStats stats;
  ScanOptions so;
  so.columns = {"id"};
  so.where = "part = 'FR'";
  EXPECT_EQ(Cat(so, &stats).size(), std::string(R"({"id":5})" "\n").size() * 5);
  EXPECT_EQ(stats.files_pruned, 1);
  EXPECT_EQ(stats.files, 1);
  so.where = "id < 3";
  EXPECT_EQ(Cat(so, &stats), "{\"id\":0}\n{\"id\":1}\n{\"id\":2}\n");
  EXPECT_EQ(stats.files_skipped, 1) << "the stats of col-id rule out the second file";
  EXPECT_EQ(stats.files, 1);
  so.where = "renamed = 'a3'";
  EXPECT_EQ(Cat(so, &stats), "{\"id\":3}\n");
}

TEST_F(ColumnMappingTableTest, ACheckpointKeepsThePhysicalKeysAndReadsTheSame) {
  ScanOptions so;
  so.where = "part = 'FR' AND id < 7";
  std::string before = Cat(so);
  auto snap = Snapshot::Load(store_);
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(WriteCheckpoint(**snap).ok());
  ASSERT_TRUE(fs_->Delete(store_->LogPath(CommitFileName(0))).ok());
  auto from_checkpoint = Snapshot::Load(store_);
  ASSERT_TRUE(from_checkpoint.ok()) << from_checkpoint.status().ToString();
  EXPECT_EQ((*from_checkpoint)->checkpoint_version(), 0);
  EXPECT_EQ((*from_checkpoint)->files()[0].partition_values, (PartitionValues{{"p", "DE"}}));
  EXPECT_EQ(Cat(so), before);
  EXPECT_EQ(before, "{\"id\":5,\"renamed\":\"a5\",\"s\":{\"x\":5,\"z\":null},\"part\":\"FR\"}\n"
                    "{\"id\":6,\"renamed\":\"a6\",\"s\":{\"x\":6,\"z\":null},\"part\":\"FR\"}\n");
}

TEST_F(ColumnMappingTableTest, ReadFileRowsGivesRowsInTheTableLayout) {
  auto snap = Snapshot::Load(store_);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  std::vector<Value> rows;
  ASSERT_TRUE(ReadFileRows(**snap, (*snap)->files()[1], &rows).ok());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], Value::Struct({Value::Int64(5), Value::Bytes("a5"),
                                    Value::Struct({Value::Int32(5), Value::Null()}),
                                    Value::Bytes("FR")}));
}

TEST_F(ColumnMappingTableTest, DeleteAndAppendKeepSparksPhysicalLayout) {
  // Writes honour column mapping (delta/column_mapping_writer.h): the rewritten file and
  // the appended one store the physical names this table's older files use.
  auto d = DeleteWhere(store_, "id = 3");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->rows_deleted, 1);
  auto snap = Snapshot::Load(store_);
  ASSERT_TRUE(snap.ok());
  Value row = Value::Struct({Value::Int64(10), Value::Bytes("a10"),
                             Value::Struct({Value::Int32(10), Value::Bytes("z")}),
                             Value::Bytes("FR")});
  auto w = WriteRows(store_, (*snap)->schema(), std::vector<Value>{row}, WriteRequest{});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto after = Snapshot::Load(store_);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->files().back().partition_values, (PartitionValues{{"p", "FR"}}));
  ScanOptions so;
  so.columns = {"id", "s", "part"};
  so.where = "id >= 2 AND id <= 4 OR id = 10";
  EXPECT_EQ(Cat(so), "{\"id\":2,\"s\":{\"x\":2,\"z\":null},\"part\":\"DE\"}\n"
                     "{\"id\":4,\"s\":{\"x\":4,\"z\":null},\"part\":\"DE\"}\n"
                     "{\"id\":10,\"s\":{\"x\":10,\"z\":\"z\"},\"part\":\"FR\"}\n");
}

}  // namespace
}  // namespace lakestream::delta
