#include "maintenance/optimize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "delta/operations.h"
#include "delta/table_scan.h"
#include "delta/write_test_util.h"
#include "io/fault_injection_file_system.h"
#include "maintenance/zorder.h"

namespace lakestream::maintenance {
namespace {

using delta::testing::EventRows;
using delta::testing::EventSchema;
using delta::testing::ReadAll;

// x long, y long, day date (partition), note string.
delta::DeltaType GridSchema() {
  return delta::ParseSchemaString(
             R"({"type":"struct","fields":[)"
             R"({"name":"x","type":"long","nullable":true,"metadata":{}},)"
             R"({"name":"y","type":"long","nullable":true,"metadata":{}},)"
             R"({"name":"day","type":"date","nullable":true,"metadata":{}},)"
             R"({"name":"note","type":"string","nullable":true,"metadata":{}}]})")
      .value();
}

// Rows as a sorted list of their canonical text, for exact multiset equality.
std::vector<std::string> Canonical(const std::vector<parquet::Value>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string s;
    for (const auto& v : r.items) {
      switch (v.kind) {
        case parquet::Value::Kind::kNull:
          s += "null";
          break;
        case parquet::Value::Kind::kInt32:
          s += std::to_string(v.i32);
          break;
        case parquet::Value::Kind::kInt64:
          s += std::to_string(v.i64);
          break;
        case parquet::Value::Kind::kDouble:
          s += std::to_string(v.f64);
          break;
        case parquet::Value::Kind::kBytes:
          s += "'" + v.bytes + "'";
          break;
        case parquet::Value::Kind::kStruct:
          s += "{" + Canonical({v}).front() + "}";
          break;
        default:
          s += "?";
      }
      s += "|";
    }
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class OptimizeTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<delta::LogStore> store_ = std::make_shared<delta::LogStore>(fs_, "/t");

  void Append(const delta::DeltaType& schema, const std::vector<parquet::Value>& rows,
              std::vector<std::string> parts) {
    delta::WriteRequest req;
    req.partition_columns = std::move(parts);
    auto r = delta::WriteRows(store_, schema, rows, req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::shared_ptr<const delta::Snapshot> Latest() { return delta::Snapshot::Load(store_).value(); }
  OptimizeOptions Options() {
    OptimizeOptions o;
    o.table = store_;
    o.target_file_size = 1 << 20;
    o.commit.initial_backoff_ms = 0;
    return o;
  }
  // Options() on the same table through a filesystem that runs `race` once, just before the
  // OPTIMIZE commit (its PutIfAbsent of a log file): a writer committing in between.
  OptimizeOptions RacedOptions(std::function<void()> race) {
    auto faults = std::make_shared<io::FaultInjectionFileSystem>(fs_);
    faults->BeforeNth(io::FsOp::kPutIfAbsent, 1, std::move(race), "_delta_log/");
    OptimizeOptions o = Options();
    o.table = std::make_shared<delta::LogStore>(faults, "/t");
    return o;
  }
  // A grid table: `appends` appends of random points in [0,1000)^2, one day.
  void BuildGrid(int appends, int rows_each, uint32_t seed = 7) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int64_t> coord(0, 999);
    int64_t n = 0;
    for (int a = 0; a < appends; ++a) {
      std::vector<parquet::Value> rows;
      for (int i = 0; i < rows_each; ++i, ++n) {
        rows.push_back(parquet::Value::Struct(
            {parquet::Value::Int64(coord(rng)), parquet::Value::Int64(coord(rng)),
             parquet::Value::Int32(20000), parquet::Value::Bytes("n" + std::to_string(n))}));
      }
      Append(GridSchema(), rows, {"day"});
    }
  }
  delta::ScanStats Count(const std::string& where, int64_t* rows) {
    delta::ScanOptions so;
    so.where = where;
    so.columns = {"x"};
    delta::ScanStats st;
    *rows = 0;
    Status s = delta::ScanNdjson(
        *Latest(), so,
        [&](std::string_view chunk) {
          *rows += std::count(chunk.begin(), chunk.end(), '\n');
          return Status::OK();
        },
        &st);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return st;
  }
};

TEST_F(OptimizeTest, BinPackingCompactsEachPartitionAndKeepsTheRowsExactly) {
  for (int i = 0; i < 5; ++i) Append(EventSchema(), EventRows(i * 100, 40), {"event_date"});
  auto before = Canonical(ReadAll(store_));
  ASSERT_EQ(Latest()->files().size(), 10u);  // 5 appends x 2 days
  OptimizeReport r;
  ASSERT_TRUE(RunOptimize(Options(), &r).ok());
  EXPECT_EQ(r.partitions_optimized, 2);
  EXPECT_EQ(r.files_removed, 10);
  EXPECT_EQ(r.files_added, 2);
  EXPECT_EQ(r.rows, 200);
  EXPECT_EQ(Latest()->files().size(), 2u);
  EXPECT_EQ(Canonical(ReadAll(store_)), before);
  // The commit: OPTIMIZE, dataChange=false everywhere, metrics.
  std::string text = store_->ReadCommit(r.version).value();
  EXPECT_EQ(text.find("\"dataChange\":true"), std::string::npos) << text;
  auto snap = Latest();
  EXPECT_EQ(snap->commit_info()->operation, "OPTIMIZE");
  EXPECT_NE(snap->commit_info()->json.find("\"numRemovedFiles\":\"10\""), std::string::npos)
      << snap->commit_info()->json;
  delta::testing::ExpectValidCommits(*store_);
  // Idempotent: a second run finds nothing to do and commits nothing.
  ASSERT_TRUE(RunOptimize(Options(), &r).ok());
  EXPECT_EQ(r.version, -1);
  EXPECT_EQ(r.partitions_optimized, 0);
  EXPECT_EQ(Latest()->version(), snap->version());
}

TEST_F(OptimizeTest, WhereChoosesPartitionsAndMustUsePartitionColumns) {
  for (int i = 0; i < 3; ++i) Append(EventSchema(), EventRows(i * 100, 40), {"event_date"});
  OptimizeOptions o = Options();
  o.where = "event_date = '2024-10-04'";  // day 20000
  OptimizeReport r;
  ASSERT_TRUE(RunOptimize(o, &r).ok());
  EXPECT_EQ(r.partitions_considered, 1);
  EXPECT_EQ(r.files_removed, 3);
  EXPECT_EQ(Latest()->files().size(), 4u);  // 1 + 3 untouched
  o.where = "amount > 3";
  Status s = RunOptimize(o, &r);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  o.where.clear();
  o.zorder_by = {"event_date"};
  EXPECT_TRUE(RunOptimize(o, &r).IsInvalidArgument());
  o.zorder_by = {"nope"};
  EXPECT_TRUE(RunOptimize(o, &r).IsInvalidArgument());
}

TEST_F(OptimizeTest, ZOrderMakesTwoColumnPredicatesSkipFiles) {
  BuildGrid(8, 3000);
  auto before_rows = Canonical(ReadAll(store_));
  const std::string pred = "x < 100 AND y < 100";
  int64_t matched_before = 0;
  delta::ScanStats before = Count(pred, &matched_before);
  EXPECT_EQ(before.files_skipped, 0);  // every file spans the whole grid
  EXPECT_GT(matched_before, 0);
  OptimizeOptions o = Options();
  o.zorder_by = {"x", "y"};
  o.target_file_size = std::max<int64_t>(1, Latest()->total_bytes() / 16);
  OptimizeReport r;
  ASSERT_TRUE(RunOptimize(o, &r).ok());
  EXPECT_GE(r.files_added, 14);
  EXPECT_EQ(Canonical(ReadAll(store_)), before_rows);
  int64_t matched_after = 0;
  delta::ScanStats after = Count(pred, &matched_after);
  EXPECT_EQ(matched_after, matched_before);
  int64_t total = after.files + after.files_skipped;
  std::cout << "x < 100 AND y < 100: " << after.files_skipped << " of " << total
            << " files skipped after Z-order (before: " << before.files_skipped << " of "
            << before.files + before.files_skipped << ")\n";
  EXPECT_GE(after.files_skipped * 100, total * 75)
      << after.files_skipped << " of " << total << " files skipped";
  // Z-ordered already: nothing to do.
  ASSERT_TRUE(RunOptimize(o, &r).ok());
  EXPECT_EQ(r.version, -1);
  // A new append makes the partition a candidate again.
  BuildGrid(1, 100, 99);
  ASSERT_TRUE(RunOptimize(o, &r).ok());
  EXPECT_GT(r.version, 0);
}

TEST_F(OptimizeTest, ConcurrentAppendIsKeptAndTheOptimizeRebases) {
  for (int i = 0; i < 3; ++i) Append(EventSchema(), EventRows(i * 100, 40), {"event_date"});
  Status appended = Status::Internal("the append never ran");
  OptimizeOptions o = RacedOptions([&] {
    delta::WriteRequest req;
    appended = delta::WriteRows(store_, EventSchema(), EventRows(1000, 10), req).status();
  });
  OptimizeReport r;
  Status s = RunOptimize(o, &r);
  ASSERT_TRUE(appended.ok()) << appended.ToString();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(r.version, 4);  // the append took 3
  std::multiset<int64_t> want;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 40; ++j) want.insert(i * 100 + j);
  }
  for (int j = 0; j < 10; ++j) want.insert(1000 + j);
  EXPECT_EQ(delta::testing::Ids(ReadAll(store_)), want);
}

TEST_F(OptimizeTest, ConcurrentDeleteOfARewrittenFileConflictsAndLeavesNoFiles) {
  for (int i = 0; i < 3; ++i) Append(EventSchema(), EventRows(i * 100, 40), {"event_date"});
  size_t files_before = fs_->List("/t/event_date=").value().size();
  Status deleted = Status::Internal("the delete never ran");
  OptimizeOptions o =
      RacedOptions([&] { deleted = delta::DeleteWhere(store_, "id = 0").status(); });
  OptimizeReport r;
  Status s = RunOptimize(o, &r);
  ASSERT_TRUE(deleted.ok()) << deleted.ToString();
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  // Our rewritten files are deleted again; only the delete's rewrite is new.
  EXPECT_EQ(fs_->List("/t/event_date=").value().size(), files_before + 1);
  EXPECT_EQ(ReadAll(store_).size(), 119u);
}

// The other order: an OPTIMIZE commits between a DELETE's plan and its commit. OPTIMIZE
// changed no data, so the DELETE is planned again on the new snapshot and succeeds (it used
// to fail with ConcurrentDeleteDelete).
TEST_F(OptimizeTest, DeleteRacingOptimizeIsPlannedAgainAndSucceeds) {
  for (int i = 0; i < 3; ++i) Append(EventSchema(), EventRows(i * 100, 40), {"event_date"});
  auto faults = std::make_shared<io::FaultInjectionFileSystem>(fs_);
  auto deleter = std::make_shared<delta::LogStore>(faults, "/t");
  Status optimized;
  faults->BeforeNth(io::FsOp::kPutIfAbsent, 1, [&] {
    OptimizeReport r;
    optimized = RunOptimize(Options(), &r);
  }, "_delta_log/");
  auto d = delta::DeleteWhere(deleter, "id = 0");
  ASSERT_TRUE(optimized.ok()) << optimized.ToString();
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->rows_deleted, 1);
  std::multiset<int64_t> want;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 40; ++j) {
      if (i * 100 + j != 0) want.insert(i * 100 + j);
    }
  }
  EXPECT_EQ(delta::testing::Ids(ReadAll(store_)), want);
}

TEST_F(OptimizeTest, FilesWithManyDeletedRowsArePurgedEvenAlone) {
  delta::WriteRequest req;
  req.configuration = {{"delta.enableDeletionVectors", "true"}};
  ASSERT_TRUE(delta::WriteRows(store_, EventSchema(), EventRows(0, 10), req).ok());
  auto d = delta::DeleteWhere(store_, "id = 4");  // 1 of 10 rows: 10%
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->deletion_vectors_added, 1);
  OptimizeOptions o = Options();
  o.min_file_size = 1;  // no file is "small": only the purge can pick it
  o.max_deleted_fraction = 0.2;
  OptimizeReport r;
  ASSERT_TRUE(RunOptimize(o, &r).ok());
  EXPECT_EQ(r.version, -1);  // 10% is below the 20% asked for
  o.max_deleted_fraction = 0.05;
  ASSERT_TRUE(RunOptimize(o, &r).ok());
  EXPECT_EQ(r.files_removed, 1);
  EXPECT_EQ(r.rows, 9);
  auto snap = Latest();
  ASSERT_EQ(snap->files().size(), 1u);
  EXPECT_FALSE(snap->files()[0].deletion_vector);
  EXPECT_EQ(snap->files()[0].NumRecords(), 9);
  std::multiset<int64_t> ids = delta::testing::Ids(ReadAll(store_));
  EXPECT_EQ(ids, (std::multiset<int64_t>{0, 1, 2, 3, 5, 6, 7, 8, 9}));
}

TEST(ZOrderTest, InterleavesBitsMostSignificantFirst) {
  EXPECT_EQ(InterleaveBits({0b11, 0b00}, 2), 0b1010u);
  EXPECT_EQ(InterleaveBits({0b00, 0b11}, 2), 0b0101u);
  EXPECT_EQ(InterleaveBits({0b10, 0b01}, 2), 0b1001u);
  EXPECT_EQ(InterleaveBits({1, 1, 1}, 1), 0b111u);
}

TEST(ZOrderTest, RanksTieAndSortNullsFirst) {
  auto schema = GridSchema();
  std::vector<parquet::Value> rows;
  for (int64_t v : {30, 10, 30, 20}) {
    rows.push_back(parquet::Value::Struct({parquet::Value::Int64(v), parquet::Value::Null(),
                                           parquet::Value::Int32(0), parquet::Value::Null()}));
  }
  rows.push_back(parquet::Value::Struct({parquet::Value::Null(), parquet::Value::Null(),
                                         parquet::Value::Int32(0), parquet::Value::Null()}));
  auto c = RankCoordinates(schema, 0, rows, 8).value();
  // Sorted: null(0) 10(1) 20(2) 30(3) 30(3) over 5 rows, scaled by 256/5.
  EXPECT_EQ(c[4], 0u);
  EXPECT_EQ(c[1], 256u / 5);
  EXPECT_EQ(c[3], 512u / 5);
  EXPECT_EQ(c[0], 768u / 5);
  EXPECT_EQ(c[2], c[0]);
  EXPECT_TRUE(ZOrderKeys(schema, {}, rows).status().IsInvalidArgument());
}

TEST(ZOrderTest, RanksDoublesWithNaNAndStrings) {
  auto schema = EventSchema();  // field 1: country string, field 3: amount double
  std::vector<parquet::Value> rows;
  const double nan = std::nan("");
  const std::vector<std::optional<double>> amounts = {2.5, nan, std::nullopt, -1.0, 2.5};
  const std::vector<std::string> countries = {"b", "a", "", "b", "c"};  // "" is null
  for (size_t i = 0; i < amounts.size(); ++i) {
    rows.push_back(delta::testing::EventRow(static_cast<int64_t>(i), countries[i], 0,
                                            amounts[i].value_or(0), 0));
    if (!amounts[i]) rows.back().items[3] = parquet::Value::Null();
  }
  auto d = RankCoordinates(schema, 3, rows, 8).value();
  // null(0) -1.0(1) 2.5(2) 2.5(2) NaN(4), scaled by 256/5.
  EXPECT_EQ(d[2], 0u);
  EXPECT_EQ(d[3], 256u / 5);
  EXPECT_EQ(d[0], 512u / 5);
  EXPECT_EQ(d[4], 512u / 5);
  EXPECT_EQ(d[1], 1024u / 5);
  auto c = RankCoordinates(schema, 1, rows, 8).value();
  // null(0) a(1) b(2) b(2) c(4).
  EXPECT_EQ(c[2], 0u);
  EXPECT_EQ(c[1], 256u / 5);
  EXPECT_EQ(c[0], 512u / 5);
  EXPECT_EQ(c[3], 512u / 5);
  EXPECT_EQ(c[4], 1024u / 5);
  EXPECT_TRUE(RankCoordinates(schema, 5, rows, 8).status().IsInvalidArgument());  // struct
}

}  // namespace
}  // namespace lakestream::maintenance
