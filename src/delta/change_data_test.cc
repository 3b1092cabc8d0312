// The change data feed's writing side: which operations write _change_data
// files on a table with delta.enableChangeDataFeed = true, what rows they
// hold, the protocol such tables get, and vacuum of change data files. The
// rows are read back through ReadChanges (delta/changes_reader.h).
#include "delta/change_data.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "delta/changes_reader.h"
#include "delta/features.h"
#include "delta/merge.h"
#include "delta/operations.h"
#include "delta/table_properties.h"
#include "delta/vacuum.h"
#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using parquet::Value;

DeltaType DimSchema(bool scd2) {
  std::string s = R"({"type":"struct","fields":[)"
                  R"({"name":"id","type":"long","nullable":true,"metadata":{}},)"
                  R"({"name":"region","type":"string","nullable":true,"metadata":{}},)"
                  R"({"name":"tier","type":"string","nullable":true,"metadata":{}},)"
                  R"({"name":"seq","type":"long","nullable":true,"metadata":{}})";
  if (scd2) {
    s += R"(,{"name":"valid_from","type":"long","nullable":true,"metadata":{}},)"
         R"({"name":"valid_to","type":"long","nullable":true,"metadata":{}},)"
         R"({"name":"is_current","type":"boolean","nullable":true,"metadata":{}})";
  }
  return ParseSchemaString(s + "]}").value();
}

Value Dim(int64_t id, const std::string& region, const std::string& tier, int64_t seq) {
  return Value::Struct(
      {Value::Int64(id), Value::Bytes(region), Value::Bytes(tier), Value::Int64(seq)});
}

std::string Text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kInt64:
      return std::to_string(v.i64);
    case Value::Kind::kBool:
      return v.b ? "true" : "false";
    case Value::Kind::kBytes:
      return v.bytes;
    default:
      return "?";
  }
}

// Change rows as "version type col|col|...", sorted.
std::vector<std::string> Changes(const std::shared_ptr<LogStore>& store, int64_t from,
                                 std::optional<int64_t> to = std::nullopt) {
  ChangesRange range;
  range.from_version = from;
  range.to_version = to;
  std::vector<std::string> out;
  Status s = ReadChanges(store, range, [&](const ChangeRow& c) {
    std::string row;
    for (const auto& v : c.row.items) row += (row.empty() ? "" : "|") + Text(v);
    out.push_back(std::to_string(c.version) + " " + c.change_type + " " + row);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The cdc actions of commit `version`.
std::vector<AddCdcFile> CdcActions(const LogStore& store, int64_t version) {
  std::vector<AddCdcFile> out;
  auto actions = ParseCommit(store.ReadCommit(version).value(), "commit").value();
  for (const auto& a : actions) {
    if (const auto* c = std::get_if<AddCdcFile>(&a)) out.push_back(*c);
  }
  return out;
}

class ChangeDataTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");

  // Version 0: ids 1-3 in region A, 11-12 in B, CDF on (plus DVs with `dvs`).
  void Seed(bool dvs = false, bool scd2 = false) {
    WriteRequest w;
    w.partition_columns = {"region"};
    w.configuration[kEnableChangeDataFeed] = "true";
    if (dvs) w.configuration["delta.enableDeletionVectors"] = "true";
    std::vector<Value> rows;
    if (!scd2) {
      rows = {Dim(1, "A", "gold", 1), Dim(2, "A", "gold", 1), Dim(3, "A", "gold", 1),
              Dim(11, "B", "gold", 1), Dim(12, "B", "gold", 1)};
    }
    auto r = WriteRows(store_, DimSchema(scd2), rows, w);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  CdcSpec Scd() {
    CdcSpec c;
    c.keys = {"id"};
    c.sequence_by = "seq";
    return c;
  }
};

TEST_F(ChangeDataTest, NewTablesGetWriterVersionFourOrTheFeature) {
  DeltaType schema = DimSchema(false);
  Protocol p = ProtocolForNewTable(schema, {{kEnableChangeDataFeed, "true"}});
  EXPECT_EQ(p.min_reader_version, 1);
  EXPECT_EQ(p.min_writer_version, 4);
  p = ProtocolForNewTable(schema, {{kEnableChangeDataFeed, "true"},
                                   {"delta.enableDeletionVectors", "true"}});
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_TRUE(p.HasWriterFeature("changeDataFeed"));
  EXPECT_TRUE(p.HasWriterFeature("deletionVectors"));
  EXPECT_TRUE(ProtocolForNewTable(schema, {}) == Protocol{});
}

TEST_F(ChangeDataTest, AppendsWriteNoChangeFilesAndReadAsInserts) {
  Seed();
  EXPECT_TRUE(CdcActions(*store_, 0).empty());
  EXPECT_EQ(Changes(store_, 0),
            Sorted({"0 insert 1|A|gold|1", "0 insert 2|A|gold|1", "0 insert 3|A|gold|1",
                    "0 insert 11|B|gold|1", "0 insert 12|B|gold|1"}));
}

TEST_F(ChangeDataTest, DeleteRecordsDeletedRowsOfRewrittenAndDroppedFiles) {
  Seed();
  // id 2 is in a file that is rewritten; region B's file is dropped whole by its
  // partition value in the same commit, so its rows must be in the change data too.
  auto d = DeleteWhere(store_, "id = 2 OR region = 'B'");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  std::vector<AddCdcFile> cdc = CdcActions(*store_, 1);
  ASSERT_EQ(cdc.size(), 2u);
  for (const auto& c : cdc) {
    EXPECT_EQ(c.path.rfind("_change_data/region=", 0), 0u) << c.path;
    EXPECT_FALSE(c.data_change);
    EXPECT_TRUE(fs_->Exists("/t/" + c.path).value());
  }
  EXPECT_EQ(Changes(store_, 1),
            Sorted({"1 delete 2|A|gold|1", "1 delete 11|B|gold|1", "1 delete 12|B|gold|1"}));
}

TEST_F(ChangeDataTest, DeleteOfWholeFilesOnlyLeavesTheRemovesAsTheChanges) {
  Seed();
  ASSERT_TRUE(DeleteWhere(store_, "region = 'B'").ok());
  EXPECT_TRUE(CdcActions(*store_, 1).empty());
  EXPECT_EQ(Changes(store_, 1), Sorted({"1 delete 11|B|gold|1", "1 delete 12|B|gold|1"}));
}

TEST_F(ChangeDataTest, DeleteWithDeletionVectorsStillRecordsTheDeletedRows) {
  Seed(/*dvs=*/true);
  auto d = DeleteWhere(store_, "id = 3");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->deletion_vectors_added, 1);
  EXPECT_EQ(CdcActions(*store_, 1).size(), 1u);
  EXPECT_EQ(Changes(store_, 1), std::vector<std::string>{"1 delete 3|A|gold|1"});
}

TEST_F(ChangeDataTest, MergeRecordsPreAndPostImagesInsertsAndDeletes) {
  Seed();
  MergeSpec spec;
  spec.keys = {"id"};
  WhenMatched del;
  del.action = WhenMatched::Action::kDelete;
  del.condition = [](const Value*, const Value* s) { return s->items[2].bytes == "gone"; };
  spec.when_matched = {del, WhenMatched{}};
  spec.when_not_matched = {WhenNotMatched{}};
  // id 1 updated, id 2 deleted, id 3 "updated" to its own values (no change), id 4 new.
  auto r = Merge(store_,
                 {Dim(1, "A", "silver", 2), Dim(2, "A", "gone", 2), Dim(3, "A", "gold", 1),
                  Dim(4, "A", "bronze", 2)},
                 spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Changes(store_, 1),
            Sorted({"1 update_preimage 1|A|gold|1", "1 update_postimage 1|A|silver|2",
                    "1 delete 2|A|gold|1", "1 insert 4|A|bronze|2"}));
}

TEST_F(ChangeDataTest, Scd1WithDeletionVectorsRecordsUpdatesAndDeletes) {
  Seed(/*dvs=*/true);
  CdcSpec c = Scd();
  c.source_columns = {"id", "region", "tier", "seq", "op"};
  c.delete_column = "op";
  auto ev = [](int64_t id, const char* tier, int64_t seq, bool del) {
    return Value::Struct({Value::Int64(id), Value::Bytes("A"), Value::Bytes(tier),
                          Value::Int64(seq), Value::Bool(del)});
  };
  auto r = MergeScd1(store_, {ev(1, "silver", 5, false), ev(2, "", 5, true), ev(5, "new", 5, false)},
                     c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->deletion_vectors_added, 1);
  EXPECT_EQ(Changes(store_, 1),
            Sorted({"1 update_preimage 1|A|gold|1", "1 update_postimage 1|A|silver|5",
                    "1 delete 2|A|gold|1", "1 insert 5|A|new|5"}));
}

TEST_F(ChangeDataTest, Scd2ClosingAVersionIsAnUpdateAndTheNewVersionAnInsert) {
  Seed(false, /*scd2=*/true);
  CdcSpec c = Scd();
  c.source_columns = {"id", "region", "tier", "seq"};
  ASSERT_TRUE(MergeScd2(store_, {Dim(1, "A", "gold", 10)}, c).ok());
  ASSERT_TRUE(MergeScd2(store_, {Dim(1, "A", "silver", 20)}, c).ok());
  EXPECT_EQ(Changes(store_, 1),
            Sorted({"1 insert 1|A|gold|10|10|null|true",
                    "2 update_preimage 1|A|gold|10|10|null|true",
                    "2 update_postimage 1|A|gold|10|10|20|false",
                    "2 insert 1|A|silver|20|20|null|true"}));
}

// With deletion vectors the merge takes the key scan (merge_key_scan.cc): a key with an
// older, closed version keeps that row in place, and the feed still records the closed
// current version and the new one, nothing for the untouched history.
TEST_F(ChangeDataTest, Scd2WithDeletionVectorsRecordsOnlyTheClosedAndTheNewVersion) {
  Seed(/*dvs=*/true, /*scd2=*/true);
  CdcSpec c = Scd();
  c.source_columns = {"id", "region", "tier", "seq"};
  ASSERT_TRUE(MergeScd2(store_, {Dim(1, "A", "gold", 10), Dim(2, "A", "gold", 10)}, c).ok());
  ASSERT_TRUE(MergeScd2(store_, {Dim(1, "A", "silver", 20)}, c).ok());
  auto r = MergeScd2(store_, {Dim(1, "A", "bronze", 30), Dim(2, "A", "gold", 10)}, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->deletion_vectors_added, 1);
  EXPECT_EQ(Changes(store_, 3),
            Sorted({"3 update_preimage 1|A|silver|20|20|null|true",
                    "3 update_postimage 1|A|silver|20|20|30|false",
                    "3 insert 1|A|bronze|30|30|null|true"}));
}

TEST_F(ChangeDataTest, SetPropertyEnablesTheFeedOnAnExistingTable) {
  WriteRequest w;
  // A (1, 2) table, so the upgrade shows as writer version 4 (with in-commit timestamps,
  // on by default, it is writer 7 and gains the changeDataFeed feature instead).
  w.configuration["delta.enableInCommitTimestamps"] = "false";
  ASSERT_TRUE(WriteRows(store_, DimSchema(false), {Dim(1, "A", "gold", 1)}, w).ok());
  auto v = SetTableProperties(store_, {{kEnableChangeDataFeed, "true"}});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  auto snap = Snapshot::Load(store_).value();
  EXPECT_EQ(snap->protocol().min_writer_version, 4);
  EXPECT_TRUE(ChangeDataFeedEnabled(snap->metadata()));
  ASSERT_TRUE(DeleteWhere(store_, "id = 1").ok());
  EXPECT_EQ(Changes(store_, 1), std::vector<std::string>{"2 delete 1|A|gold|1"});
  // Version 0 predates the property: reading from there is refused.
  ChangesRange all;
  all.from_version = 0;
  Status s = ReadChanges(store_, all, [](const ChangeRow&) { return Status::OK(); });
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("change data was not recorded for version 0"), std::string::npos);
}

TEST_F(ChangeDataTest, SetPropertyOnADeletionVectorTableAddsTheWriterFeature) {
  WriteRequest w;
  w.configuration["delta.enableDeletionVectors"] = "true";
  ASSERT_TRUE(WriteRows(store_, DimSchema(false), {Dim(1, "A", "gold", 1)}, w).ok());
  ASSERT_TRUE(SetTableProperties(store_, {{kEnableChangeDataFeed, "true"}}).ok());
  Protocol p = Snapshot::Load(store_).value()->protocol();
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_TRUE(p.HasWriterFeature("changeDataFeed"));
  EXPECT_TRUE(p.HasWriterFeature("deletionVectors"));
}

TEST_F(ChangeDataTest, VacuumDeletesChangeFilesOnlyPastTheRetention) {
  Seed();
  ASSERT_TRUE(DeleteWhere(store_, "id = 2").ok());
  std::vector<AddCdcFile> cdc = CdcActions(*store_, 1);
  ASSERT_EQ(cdc.size(), 1u);
  const std::string path = "/t/" + cdc[0].path;
  const int64_t mtime = fs_->Stat(path).value().mtime_ms;
  VacuumOptions keep;  // default retention (7 days): a file this fresh stays
  keep.now_ms = mtime + 1000;
  auto r = Vacuum(store_, keep);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(fs_->Exists(path).value());
  VacuumOptions now;
  now.retention_ms = 0;
  now.allow_short_retention = true;
  now.now_ms = mtime + 1;
  r = Vacuum(store_, now);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(fs_->Exists(path).value());
  EXPECT_TRUE(fs_->Exists("/t/_delta_log/00000000000000000001.json").value());
  ChangesRange range;
  range.from_version = 1;
  Status s = ReadChanges(store_, range, [](const ChangeRow&) { return Status::OK(); });
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find("version 1"), std::string::npos) << s.ToString();
}

TEST_F(ChangeDataTest, AColumnMappedTableRecordsItsChangesUnderPhysicalNames) {
  WriteRequest w;
  w.partition_columns = {"region"};
  w.configuration[kEnableChangeDataFeed] = "true";
  w.configuration["delta.columnMapping.mode"] = "name";
  auto r = WriteRows(store_, DimSchema(false), {Dim(1, "A", "gold", 1), Dim(2, "A", "gold", 1)}, w);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(DeleteWhere(store_, "id = 2").ok());
  std::vector<AddCdcFile> cdc = CdcActions(*store_, 1);
  ASSERT_EQ(cdc.size(), 1u);
  EXPECT_EQ(cdc[0].path.find("region="), std::string::npos) << "physical partition directory: "
                                                            << cdc[0].path;
  EXPECT_EQ(Changes(store_, 1), std::vector<std::string>{"1 delete 2|A|gold|1"});
}

TEST_F(ChangeDataTest, WriteKeyChangesWithoutOriginsPairsASingleChangedRow) {
  auto w = ChangeDataWriter::Make(fs_, "/u", DimSchema(false), {}).value();
  ASSERT_TRUE(WriteKeyChanges({Dim(1, "A", "gold", 1)}, {Dim(1, "A", "silver", 2)}, {}, w.get())
                  .ok());
  ASSERT_TRUE(WriteKeyChanges({Dim(2, "A", "a", 1), Dim(2, "A", "b", 1)}, {Dim(2, "A", "c", 2)},
                              {}, w.get())
                  .ok());
  EXPECT_EQ(w->rows_written(), 2 + 3);  // pre + post; two deletes + one insert
  EXPECT_TRUE(WriteKeyChanges({Dim(1, "A", "gold", 1)}, {Dim(1, "A", "x", 1)}, {3}, w.get())
                  .IsInvalidArgument());
  auto cdc = w->Finish();
  ASSERT_TRUE(cdc.ok());
  ASSERT_EQ(cdc->size(), 1u);
  EXPECT_EQ((*cdc)[0].path.rfind("_change_data/cdc-", 0), 0u) << (*cdc)[0].path;
}

TEST_F(ChangeDataTest, ATableColumnNamedChangeTypeIsRefused) {
  DeltaType s = DimSchema(false);
  s.fields[2].name = kChangeTypeColumn;
  auto w = ChangeDataWriter::Make(fs_, "/u", s, {});
  EXPECT_TRUE(w.status().IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::delta
