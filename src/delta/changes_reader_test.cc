// The change data feed's reading side: tables Spark and Databricks wrote
// (delta-rs's test tables: cdc files, partitioned or not, deletion vectors,
// a checkpoint) replay into every version's rows; commits without cdc files
// read as inserts and deletes, a new deletion vector as just the rows it
// adds; ranges by timestamp; and the errors for ranges that cannot be read.
#include "delta/changes_reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "delta/change_data.h"
#include "delta/checkpoint_writer.h"
#include "delta/deletion_vector.h"
#include "delta/history.h"
#include "delta/operations.h"
#include "delta/transaction.h"
#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using parquet::Value;
using testing::EventRows;
using testing::EventSchema;

// A value as text that tells every value apart (for multisets of rows).
void Key(const Value& v, std::string* out) {
  switch (v.kind) {
    case Value::Kind::kNull: *out += "n"; return;
    case Value::Kind::kBool: *out += v.b ? "T" : "F"; return;
    case Value::Kind::kInt32: *out += "i" + std::to_string(v.i32); return;
    case Value::Kind::kInt64: *out += "i" + std::to_string(v.i64); return;
    case Value::Kind::kFloat: *out += "f" + std::to_string(v.f32); return;
    case Value::Kind::kDouble: *out += "d" + std::to_string(v.f64); return;
    case Value::Kind::kInt96: out->append(reinterpret_cast<const char*>(&v.i96), 12); return;
    case Value::Kind::kBytes: *out += "s" + std::to_string(v.bytes.size()) + ":" + v.bytes; return;
    default:
      *out += "(";
      for (const Value& item : v.items) Key(item, out);
      *out += ")";
  }
}

std::string RowKey(const Value& row) {
  std::string k;
  Key(row, &k);
  return k;
}

std::map<std::string, int> Multiset(const std::vector<Value>& rows) {
  std::map<std::string, int> m;
  for (const auto& r : rows) ++m[RowKey(r)];
  return m;
}

// Applies every version's changes from 0 on and checks the result against
// the version's rows read directly; returns how many rows of each change type
// there were.
std::map<std::string, int> ReplayMatchesEveryVersion(const std::shared_ptr<LogStore>& store) {
  std::map<std::string, int> counts;
  auto latest = Snapshot::Load(store);
  EXPECT_TRUE(latest.ok()) << latest.status().ToString();
  if (!latest.ok()) return counts;
  // When the log starts past version 0, start from its oldest checkpoint.
  LogListing listing = store->List().value();
  int64_t first = 0;
  std::map<std::string, int> state;
  if (listing.commits.begin()->first > 0) {
    first = listing.checkpoints.begin()->first + 1;
    state = Multiset(testing::ReadAll(store, first - 1));
  }
  for (int64_t v = first; v <= (*latest)->version(); ++v) {
    ChangesRange range;
    range.from_version = v;
    range.to_version = v;
    Status s = ReadChanges(store, range, [&](const ChangeRow& c) {
      EXPECT_EQ(c.version, v);
      ++counts[c.change_type];
      int delta = c.change_type == "insert" || c.change_type == "update_postimage" ? 1 : -1;
      if ((state[RowKey(c.row)] += delta) == 0) state.erase(RowKey(c.row));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << "version " << v << ": " << s.ToString();
    EXPECT_EQ(state, Multiset(testing::ReadAll(store, v))) << "version " << v;
  }
  return counts;
}

std::shared_ptr<LogStore> TestTable(const char* name) {
  return LogStore::Open(std::string(LAKESTREAM_TESTDATA_DIR) + "/delta-rs/" + name).value();
}

TEST(ChangesReaderTest, SparkTablesWithChangeFilesReplayIntoEveryVersion) {
  for (const char* name : {"cdf-table", "cdf-table-non-partitioned", "checkpoint-cdf-table"}) {
    SCOPED_TRACE(name);
    std::map<std::string, int> counts = ReplayMatchesEveryVersion(TestTable(name));
    EXPECT_GT(counts["insert"], 0);
    EXPECT_GT(counts["update_preimage"] + counts["delete"], 0);
    EXPECT_EQ(counts["update_preimage"], counts["update_postimage"]);
  }
}

TEST(ChangesReaderTest, InCommitTimestampsStampTheChangeRows) {
  std::shared_ptr<LogStore> store = TestTable("cdc_ict_table");
  std::map<std::string, int> counts = ReplayMatchesEveryVersion(store);
  EXPECT_GT(counts["insert"], 0);
  ChangesRange range;
  range.from_version = 1;
  range.to_version = 1;
  int64_t stamp = 0;
  ASSERT_TRUE(ReadChanges(store, range, [&](const ChangeRow& c) {
                stamp = c.timestamp_ms;
                return Status::OK();
              }).ok());
  EXPECT_EQ(stamp, 1683874206883);  // commitInfo.inCommitTimestamp, not "timestamp"
}

TEST(ChangesReaderTest, DatabricksTableWithDeletionVectorsReplaysIntoEveryVersion) {
  std::map<std::string, int> counts =
      ReplayMatchesEveryVersion(TestTable("cdf-table-with-cdc-and-dvs"));
  EXPECT_GT(counts["delete"] + counts["update_preimage"], 0);
}

class ChangesReaderWriteTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");

  void Seed(bool cdf) {
    WriteRequest w;
    if (cdf) w.configuration[kEnableChangeDataFeed] = "true";
    w.configuration["delta.enableDeletionVectors"] = "true";
    ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 10), w).ok());
  }
  Status Read(ChangesRange range, std::vector<ChangeRow>* out = nullptr) {
    return ReadChanges(store_, range, [&](const ChangeRow& c) {
      if (out) out->push_back(c);
      return Status::OK();
    });
  }
};

TEST_F(ChangesReaderWriteTest, ANewDeletionVectorWithoutChangeFilesReadsAsItsDeletedRows) {
  Seed(true);
  // Another writer marks rows 2 and 7 deleted and, unlike us, writes no cdc file.
  auto snap = Snapshot::Load(store_).value();
  const AddFile& f = snap->files().at(0);
  std::vector<std::string> dv_paths;
  auto marked = AddDeletionVector(*fs_, "/t", f, {2, 7}, &dv_paths);
  ASSERT_TRUE(marked.ok()) << marked.status().ToString();
  Transaction txn(store_, snap);
  txn.Remove(f);
  txn.AddFiles({*marked});
  ASSERT_TRUE(txn.Commit().ok());
  // And one more: row 3 deleted, row 7 back.
  snap = Snapshot::Load(store_).value();
  const AddFile& g = snap->files().at(0);
  auto remarked = AddDeletionVector(*fs_, "/t", f, {2, 3}, &dv_paths);
  ASSERT_TRUE(remarked.ok()) << remarked.status().ToString();
  Transaction txn2(store_, snap);
  txn2.Remove(g);
  txn2.AddFiles({*remarked});
  ASSERT_TRUE(txn2.Commit().ok());
  std::vector<ChangeRow> rows;
  ChangesRange range;
  range.from_version = 1;
  ASSERT_TRUE(Read(range, &rows).ok());
  std::vector<std::string> got;
  for (const auto& c : rows) {
    got.push_back(std::to_string(c.version) + " " + c.change_type + " " +
                  std::to_string(c.row.items[0].i64));
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"1 delete 2", "1 delete 7", "2 delete 3",
                                           "2 insert 7"}));
}

TEST_F(ChangesReaderWriteTest, OptimizeLikeCommitsWithoutDataChangeYieldNothing) {
  Seed(true);
  auto snap = Snapshot::Load(store_).value();
  Transaction txn(store_, snap);
  txn.Remove(snap->files().at(0), /*data_change=*/false);
  AddFile same = snap->files().at(0);
  same.data_change = false;
  txn.AddFiles({same});
  ASSERT_TRUE(txn.Commit().ok());
  std::vector<ChangeRow> rows;
  ChangesRange range;
  range.from_version = 1;
  ASSERT_TRUE(Read(range, &rows).ok());
  EXPECT_TRUE(rows.empty());
}

TEST_F(ChangesReaderWriteTest, RangesByTimestampAndTheirClamping) {
  Seed(true);
  WriteRequest w;
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(100, 2), w).ok());
  auto listing = store_->List().value();
  // The commits' times as `history` shows them: in-commit timestamps (on by default), which
  // strictly increase where two commits' file times may share a millisecond.
  const auto ict_from = InCommitTimestampsFrom(Snapshot::Load(store_).value()->metadata());
  ASSERT_TRUE(ict_from.has_value());
  auto hist = ReadHistory(*store_, listing, ict_from).value();  // newest first
  ASSERT_EQ(hist.size(), 2u);
  std::vector<ChangeRow> rows;
  ChangesRange range;
  range.from_timestamp_ms = hist[0].timestamp_ms;  // version 1's time: version 1 on
  ASSERT_TRUE(Read(range, &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].version, 1);
  EXPECT_EQ(rows[0].timestamp_ms, hist[0].timestamp_ms);
  rows.clear();
  range = {};
  range.from_version = 0;
  range.to_version = 99;  // past the latest: clamped
  ASSERT_TRUE(Read(range, &rows).ok());
  EXPECT_EQ(rows.size(), 12u);
}

TEST_F(ChangesReaderWriteTest, RangesThatCannotBeReadFailNamingWhy) {
  Seed(false);
  ChangesRange range;
  range.from_version = 0;
  Status s = Read(range);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("delta.enableChangeDataFeed"), std::string::npos) << s.ToString();
  range.from_version = 5;
  s = Read(range);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("past the latest version 0"), std::string::npos) << s.ToString();
  range.from_version = 0;
  range.to_timestamp_ms = 1;
  range.to_version = 0;
  EXPECT_TRUE(Read(range).IsInvalidArgument());
}

TEST_F(ChangesReaderWriteTest, ACommitCleanedFromTheLogIsNotFound) {
  Seed(true);
  WriteRequest w;
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(100, 2), w).ok());
  ASSERT_TRUE(WriteCheckpoint(*Snapshot::Load(store_).value()).ok());
  ASSERT_TRUE(fs_->Delete("/t/_delta_log/00000000000000000000.json").ok());
  ChangesRange range;
  range.from_version = 0;
  Status s = Read(range);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find("commit 0 is no longer in the log"), std::string::npos)
      << s.ToString();
}

TEST_F(ChangesReaderWriteTest, NdjsonHasTheColumnsThenTheChangeColumns) {
  Seed(true);
  std::string out;
  ChangesRange range;
  range.from_version = 0;
  ASSERT_TRUE(ChangesNdjson(store_, range, [&](std::string_view chunk) {
                out.append(chunk);
                return Status::OK();
              }).ok());
  std::string first = out.substr(0, out.find('\n'));
  EXPECT_EQ(first.rfind("{\"id\":0,\"country\":\"DE\",\"event_date\":\"2024-10-04\"", 0), 0u)
      << first;
  EXPECT_NE(first.find(",\"_change_type\":\"insert\",\"_commit_version\":0,\"_commit_timestamp\":\""),
            std::string::npos)
      << first;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 10);
}

}  // namespace
}  // namespace lakestream::delta
