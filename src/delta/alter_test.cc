// ALTER TABLE without rewriting data: add on any table; rename and drop on
// column-mapped tables (refused without column mapping); nested fields;
// what is unsafe is refused with the table and column named.
#include "delta/alter.h"

#include <gtest/gtest.h>

#include "delta/column_mapping_writer.h"
#include "delta/operations.h"
#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using parquet::Value;
using testing::EventRows;
using testing::EventSchema;
using testing::ReadAll;
using testing::ScanText;

class AlterTest : public ::testing::Test {
 protected:
  void Create(bool mapped) {
    WriteRequest r;
    r.partition_columns = {"country"};
    if (mapped) r.configuration = {{"delta.columnMapping.mode", "name"}};
    ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 6), r).ok());
  }
  std::shared_ptr<const Snapshot> Latest() { return Snapshot::Load(store_).value(); }
  std::string Cat(const std::string& columns_csv, const std::string& where = "") {
    ScanOptions so;
    std::stringstream ss(columns_csv);
    for (std::string c; std::getline(ss, c, ',');) so.columns.push_back(c);
    so.where = where;
    return ScanText(store_, so);
  }
  static DeltaType Type(const std::string& json) { return *ParseTypeJson(json); }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");
};

TEST_F(AlterTest, AddColumnOnAnUnmappedTableReadsNullForOldRows) {
  Create(false);
  auto files_before = Latest()->files();
  auto c = AddColumn(store_, "score", Type("\"double\""), true);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto snap = Latest();
  EXPECT_EQ(snap->files(), files_before) << "metadata only";
  EXPECT_EQ(snap->schema().fields.back().name, "score");
  EXPECT_EQ(Cat("id,score", "id = 1"), "{\"id\":1,\"score\":null}\n");
  // Writes of the new schema fill it.
  std::vector<Value> rows = EventRows(6, 1);
  rows[0].items.push_back(Value::Double(2.5));
  WriteRequest r;
  ASSERT_TRUE(WriteRows(store_, snap->schema(), rows, r).ok());
  EXPECT_EQ(Cat("id,score", "id = 6"), "{\"id\":6,\"score\":2.5}\n");
  auto commit = store_->ReadCommit(1);
  ASSERT_TRUE(commit.ok());
  EXPECT_NE(commit->find("\"operation\":\"ADD COLUMNS\""), std::string::npos) << *commit;
  EXPECT_EQ(commit->find("\"add\""), std::string::npos) << "no data file in the commit";
}

TEST_F(AlterTest, RenameAndDropNeedColumnMappingAndSaySo) {
  Create(false);
  auto r = RenameColumn(store_, "amount", "total");
  ASSERT_TRUE(r.status().IsNotSupported()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("delta.columnMapping.mode=name"), std::string::npos);
  auto d = DropColumn(store_, "amount");
  ASSERT_TRUE(d.status().IsNotSupported()) << d.status().ToString();
  EXPECT_EQ(Latest()->version(), 0);
}

TEST_F(AlterTest, RenameAndDropOnAMappedTableKeepTheDataReadable) {
  Create(true);
  auto files_before = Latest()->files();
  ASSERT_TRUE(RenameColumn(store_, "amount", "total").ok());
  ASSERT_TRUE(RenameColumn(store_, "country", "land").ok());
  ASSERT_TRUE(DropColumn(store_, "ts").ok());
  auto snap = Latest();
  EXPECT_EQ(snap->files(), files_before) << "no data rewritten";
  EXPECT_EQ(snap->partition_columns(), std::vector<std::string>{"land"});
  EXPECT_EQ(snap->schema().FindField("ts"), nullptr);
  EXPECT_EQ(Cat("id,total,land", "land = 'FR' AND total > 5"),
            "{\"id\":4,\"total\":6,\"land\":\"FR\"}\n");
  // A new column named like the dropped one reads null, not the old data.
  ASSERT_TRUE(AddColumn(store_, "ts", Type("\"timestamp\""), true).ok());
  EXPECT_EQ(Cat("id,ts", "id = 2"), "{\"id\":2,\"ts\":null}\n");
  EXPECT_EQ(Cat("id", "ts IS NOT NULL"), "") << "stats of the old ts must not be used";
  EXPECT_EQ(Latest()->metadata().Config(kMaxColumnIdKey), "9");
  // Appends after the changes write the new layout and read back with the old files.
  std::vector<Value> rows = ReadAll(store_);
  ASSERT_EQ(rows.size(), 6u);
  WriteRequest w;
  ASSERT_TRUE(WriteRows(store_, Latest()->schema(), rows, w).ok());
  EXPECT_EQ(ReadAll(store_).size(), 12u);
  EXPECT_EQ(Cat("id", "land = 'DE' AND id = 3"), "{\"id\":3}\n{\"id\":3}\n");
}

TEST_F(AlterTest, NestedFieldsAreAddedRenamedAndDropped) {
  Create(true);
  ASSERT_TRUE(AddColumn(store_, "info.c", Type("\"integer\""), true).ok());
  ASSERT_TRUE(RenameColumn(store_, "info.a", "aa").ok());
  ASSERT_TRUE(DropColumn(store_, "info.b").ok());
  EXPECT_EQ(Cat("id,info", "id = 1"), "{\"id\":1,\"info\":{\"aa\":10,\"c\":null}}\n");
  ASSERT_TRUE(DropColumn(store_, "info.c").ok());
  auto bad = DropColumn(store_, "info.aa");
  ASSERT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("last field"), std::string::npos);
  auto not_struct = AddColumn(store_, "amount.x", Type("\"long\""), true);
  ASSERT_TRUE(not_struct.status().IsInvalidArgument());
  EXPECT_NE(not_struct.status().message().find("not a struct"), std::string::npos);
}

TEST_F(AlterTest, UnsafeChangesAreRefusedNamingTheColumn) {
  Create(true);
  const int64_t v = Latest()->version();
  auto expect = [&](Result<CommitResult> r, const std::string& text) {
    ASSERT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("/t"), std::string::npos) << "names the table";
  };
  expect(DropColumn(store_, "country"), "cannot drop partition column country");
  expect(AddColumn(store_, "Amount", Type("\"long\""), true), "column Amount already exists");
  expect(RenameColumn(store_, "ts", "ID"), "column id already exists");
  expect(RenameColumn(store_, "nope", "x"), "no column nope");
  expect(AddColumn(store_, "strict", Type("\"long\""), false), "cannot add NOT NULL column");
  expect(RenameColumn(store_, "ts", "a.b"), "without dots");
  EXPECT_EQ(Latest()->version(), v) << "nothing committed";
}

TEST_F(AlterTest, SetColumnMappingModeTurnsItOnOnceAndRenameWorksAfter) {
  Create(false);
  auto on = SetColumnMappingMode(store_, ColumnMappingMode::kName);
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_EQ(on->version, 1);
  auto again = SetColumnMappingMode(store_, ColumnMappingMode::kName);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, -1) << "already on: nothing to commit";
  ASSERT_TRUE(RenameColumn(store_, "id", "event_id").ok());
  EXPECT_EQ(Cat("event_id", "event_id = 5"), "{\"event_id\":5}\n");
}

}  // namespace
}  // namespace lakestream::delta
