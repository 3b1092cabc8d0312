// Conformance against the delta-rs test tables (shared/testdata/delta-rs):
// every table either loads and reads all its rows (checked against the sum
// of numRecords in the stats where every file has them), or fails with
// NotSupported naming the feature, or is pinned below as log-only (the
// test data ships the log without the data files) or as not a table.
// A few tables have their values spot-checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"

namespace lakestream::delta {
namespace {

namespace stdfs = std::filesystem;

std::string TestData() { return std::string(LAKESTREAM_TESTDATA_DIR) + "/delta-rs"; }

struct Expectation {
  enum Kind { kRead, kLogOnly, kNotSupported, kNotATable } kind = kRead;
  std::string feature;   // kNotSupported: must appear in the message
  int64_t version = -1;  // when >= 0, the snapshot's version
  int64_t files = -1;    // when >= 0, live files
  int64_t rows = -1;     // when >= 0, rows read
};

// Every table directory in the test data, with what we expect of it.
const std::map<std::string, Expectation>& Pinned() {
  using E = Expectation;
  static const std::map<std::string, Expectation> m = {
      {"cdc_ict_table", {E::kRead, "", 3, -1, 2}},
      {"cdf-table", {E::kRead, "", 3, -1, 9}},
      {"cdf-table-non-partitioned", {E::kRead, "", 4, -1, 11}},
      {"cdf-table-with-cdc-and-dvs", {E::kRead, "", 25, -1, -1}},
      {"checkpoint-cdf-table", {E::kRead, "", 5, 13, 13}},
      {"checkpoint-v2-table", {E::kNotSupported, "v2Checkpoint"}},
      {"checkpoint_with_partitions", {E::kLogOnly, "", 2, 2}},
      {"checkpoints", {E::kLogOnly, "", 12, 12}},
      {"checkpoints_tombstones", {E::kNotATable}},  // an empty directory
      {"checkpoints_vacuumed", {E::kLogOnly, "", 12, 12}},
      {"concurrent_workers", {E::kRead, "", 0, 0, 0}},
      {"delta-0.2.0", {E::kRead, "", 3, -1, 6}},
      {"delta-0.8-empty", {E::kRead, "", 1, 0, 0}},
      {"delta-0.8.0", {E::kRead, "", 1, -1, 4}},
      {"delta-0.8.0-date", {E::kRead, "", 0, -1, 5}},
      {"delta-0.8.0-null-partition", {E::kRead, "", 0, 2, 2}},
      {"delta-0.8.0-numeric-partition", {E::kRead, "", 0, 2, 2}},
      {"delta-0.8.0-partitioned", {E::kRead, "", 0, 6, 7}},
      {"delta-0.8.0-special-partition", {E::kRead, "", 0, 2, 2}},
      {"delta-1.2.1-only-struct-stats", {E::kRead, "", 12, -1, 12}},
      {"delta-2.2.0-partitioned-types", {E::kRead, "", 0, 3, 3}},
      {"delta-checkpoint-stats-optional", {E::kRead, "", 2, -1, 2}},
      {"delta-live-table", {E::kLogOnly, "", 1, 0}},
      {"delta-stats-optional", {E::kRead, "", 2, -1, 2}},
      {"golden/data-reader-array-primitives", {E::kRead, "", 0, 2, 10}},
      {"http_requests", {E::kRead, "", 1, -1, 1581}},
      {"issue-2152", {E::kRead, "", 0, 0, 0}},
      {"issue_1374", {E::kRead, "", 1, -1, 20}},
      {"latest_not_checkpointed", {E::kLogOnly, "", 3, 1}},
      {"partition-type-primitives", {E::kRead, "", 0, 16, 16}},
      {"python-0.25.5-checkpoint", {E::kRead, "", 1, -1, 6}},
      {"simple_commit", {E::kRead, "", 0, 0, 0}},
      {"simple_table", {E::kRead, "", 4, 5, 3}},
      {"simple_table_features", {E::kNotSupported, "reader version 5"}},
      {"simple_table_with_cdc", {E::kRead, "", 2, -1, 1}},
      {"simple_table_with_checkpoint", {E::kRead, "", 10, -1, 11}},
      {"spark-shredded-variant-preview-delta", {E::kNotSupported, "variantType"}},
      {"spark-variant-checkpoint", {E::kNotSupported, "variantType-preview"}},
      {"spark-variant-stable-feature-checkpoint", {E::kNotSupported, "variantType"}},
      {"table-with-domain-metadata", {E::kLogOnly, "", 108, -1}},
      {"table-with-dv-small", {E::kRead, "", 1, 1, 8}},
      {"table-without-dv-small", {E::kRead, "", 0, 1, 10}},
      {"table_failed_last_checkpoint_update", {E::kRead, "", 3, -1, 20}},
      {"table_with_column_mapping", {E::kRead, "", 0, 2, 5}},
      {"table_with_deletion_logs", {E::kRead, "", 20, -1, 98}},
      {"table_with_edge_timestamps", {E::kRead, "", 0, 2, 2}},
      {"table_with_liquid_clustering", {E::kRead, "", -1, -1, -1}},
      {"table_with_null_stats_in_notnull_struct", {E::kRead, "", 1, -1, 2}},
      {"table_with_partitioning_mapping", {E::kRead, "", 4, 2, 2}},
      {"with_checkpoint_no_last_checkpoint", {E::kLogOnly, "", 3, 1}},
  };
  return m;
}

Result<std::shared_ptr<const Snapshot>> Load(const std::string& name, SnapshotOptions opts = {}) {
  ASSIGN_OR_RETURN(auto store, LogStore::OpenLocal(TestData() + "/" + name));
  return Snapshot::Load(store, opts);
}

Result<std::string> Cat(const Snapshot& snap, ScanStats* stats = nullptr,
                        const ScanOptions& options = {}) {
  std::string out;
  RETURN_IF_ERROR(ScanNdjson(
      snap, options,
      [&](std::string_view chunk) {
        out.append(chunk);
        return Status::OK();
      },
      stats));
  return out;
}

std::vector<std::string> SortedLines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

// The sorted NDJSON rows of a table's latest version; empty after a failed expectation.
std::vector<std::string> SortedRows(const std::string& name) {
  auto snap = Load(name);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  if (!snap.ok()) return {};
  auto rows = Cat(**snap);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? SortedLines(*rows) : std::vector<std::string>{};
}

// Table directories: those with a _delta_log/, plus every top-level dir.
std::vector<std::string> TableDirs() {
  std::vector<std::string> out;
  for (const auto& e : stdfs::directory_iterator(TestData())) {
    if (!e.is_directory()) continue;
    std::string name = e.path().filename().string();
    if (stdfs::exists(e.path() / "_delta_log")) {
      out.push_back(name);
      continue;
    }
    bool nested = false;
    for (const auto& sub : stdfs::directory_iterator(e.path())) {
      if (sub.is_directory() && stdfs::exists(sub.path() / "_delta_log")) {
        out.push_back(name + "/" + sub.path().filename().string());
        nested = true;
      }
    }
    if (!nested) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DeltaTestdataTest, EveryTableReadsOrIsPinned) {
  int read = 0, not_supported = 0;
  for (const std::string& name : TableDirs()) {
    SCOPED_TRACE(name);
    auto pinned = Pinned().find(name);
    ASSERT_NE(pinned, Pinned().end()) << "new table " << name << ": pin it in Pinned()";
    const Expectation& e = pinned->second;
    auto snap = Load(name);
    if (e.kind == Expectation::kNotATable) {
      EXPECT_TRUE(snap.status().IsNotFound()) << snap.status().ToString();
      continue;
    }
    if (e.kind == Expectation::kNotSupported) {
      EXPECT_TRUE(snap.status().IsNotSupported()) << snap.status().ToString();
      EXPECT_NE(snap.status().message().find(e.feature), std::string::npos)
          << snap.status().ToString();
      ++not_supported;
      continue;
    }
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    if (e.version >= 0) EXPECT_EQ((*snap)->version(), e.version);
    if (e.files >= 0) EXPECT_EQ(static_cast<int64_t>((*snap)->files().size()), e.files);
    if (e.kind == Expectation::kLogOnly) continue;
    ScanStats stats;
    auto rows = Cat(**snap, &stats);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    if (e.rows >= 0) EXPECT_EQ(stats.rows, e.rows);
    if (auto expected = (*snap)->total_records()) EXPECT_EQ(stats.rows, *expected);
    ++read;
  }
  EXPECT_GE(read, 32);
  EXPECT_GE(not_supported, 5);
}

TEST(DeltaTestdataTest, DeletionVectorDeleteLeavesTheOtherRows) {
  // Databricks wrote 0..9, then DELETE ... WHERE value IN (0, 9) as a deletion vector.
  auto snap = Load("table-with-dv-small");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto rows = Cat(**snap);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> want;
  for (int v = 1; v <= 8; ++v) want.push_back(R"({"value":)" + std::to_string(v) + "}");
  EXPECT_EQ(SortedLines(*rows), want);
  // Version 0, before the DELETE, has all ten.
  SnapshotOptions o;
  o.version = 0;
  auto v0 = Load("table-with-dv-small", o);
  ASSERT_TRUE(v0.ok());
  EXPECT_EQ(SortedLines(Cat(**v0).value()).size(), 10u);
}

TEST(DeltaTestdataTest, DeletionVectorsOfDeletesAndUpdatesHideOldRows) {
  // Databricks: 100 rows, DELETE id = 12, DELETE id = 89, DELETE 8000..8100 (none), then
  // UPDATEs of ids 115..129, each a deletion vector on the old row plus a new file.
  auto snap = Load("table_with_deletion_logs");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto rows = Cat(**snap);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> lines = SortedLines(*rows);
  EXPECT_EQ(lines.size(), 98u);
  std::set<std::string> ids;
  for (const auto& l : lines) {
    size_t at = l.find("\"id\":");
    ASSERT_NE(at, std::string::npos) << l;
    ids.insert(l.substr(at + 5, l.find_first_of(",}", at) - at - 5));
  }
  EXPECT_EQ(ids.size(), 98u);  // the old versions of updated rows are gone
  EXPECT_FALSE(ids.count("12"));
  EXPECT_FALSE(ids.count("89"));
}

TEST(DeltaTestdataTest, SimpleTableHasTheRowsLeftAfterDeletes) {
  auto snap = Load("simple_table");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto rows = Cat(**snap);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(SortedLines(*rows),
            (std::vector<std::string>{R"({"id":5})", R"({"id":7})", R"({"id":9})"}));
  EXPECT_EQ((*snap)->tombstones().size(), 31u);
}

TEST(DeltaTestdataTest, TimeTravelToEachVersionOfSimpleTable) {
  // delta-rs: version 0 writes 0..4, 1 overwrites with 5..9, 2 appends,
  // 3 updates and 4 deletes the even ids.
  SnapshotOptions opts;
  opts.version = 0;
  auto v0 = Load("simple_table", opts);
  ASSERT_TRUE(v0.ok()) << v0.status().ToString();
  auto rows = Cat(**v0);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(SortedLines(*rows),
            (std::vector<std::string>{R"({"id":0})", R"({"id":1})", R"({"id":2})", R"({"id":3})",
                                      R"({"id":4})"}));
  opts.version = 5;
  EXPECT_TRUE(Load("simple_table", opts).status().IsNotFound());
}

// Column mapping (mode name), Databricks-written: column names with spaces stored under
// physical names, partition values and stats keyed by them. The rows are delta-rs's.
TEST(DeltaTestdataTest, ColumnMappedTableReadsUnderItsLogicalNames) {
  EXPECT_EQ(SortedRows("table_with_column_mapping"),
            (std::vector<std::string>{
                R"({"Company Very Short":"BME","Super Name":"Timothy Lamb"})",
                R"({"Company Very Short":"BMS","Super Name":"Anthony Johnson"})",
                R"({"Company Very Short":"BMS","Super Name":"Mr. Daniel Ferguson MD"})",
                R"({"Company Very Short":"BMS","Super Name":"Nathan Bennett"})",
                R"({"Company Very Short":"BMS","Super Name":"Stephanie Mcgrath"})"}));
  // Stats by physical name skip the BMS file; the partition value prunes nothing more.
  auto snap = Load("table_with_column_mapping");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  ScanOptions so;
  so.where = "\"Super Name\" = 'Timothy Lamb'";
  ScanStats stats;
  auto out = Cat(**snap, &stats, so);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "{\"Company Very Short\":\"BME\",\"Super Name\":\"Timothy Lamb\"}\n");
  EXPECT_EQ(stats.files_skipped, 1);
}

// A table switched to column mapping after its first file, then its partition column
// renamed (id -> newid): partition values stay keyed by the physical name "id".
TEST(DeltaTestdataTest, RenamedPartitionColumnKeepsItsValues) {
  EXPECT_EQ(SortedRows("table_with_partitioning_mapping"),
            (std::vector<std::string>{R"({"newid":1,"description":"Initial data"})",
                                      R"({"newid":2,"description":"Additional data"})"}));
  SnapshotOptions before_rename;
  before_rename.version = 2;
  auto v2 = Load("table_with_partitioning_mapping", before_rename);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  auto old_rows = Cat(**v2);
  ASSERT_TRUE(old_rows.ok()) << old_rows.status().ToString();
  EXPECT_EQ(*old_rows, "{\"id\":1,\"description\":\"Initial data\"}\n");
}

TEST(DeltaTestdataTest, PartitionedTableGetsPartitionColumnsBack) {
  auto snap = Load("delta-0.8.0-partitioned");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto rows = Cat(**snap);
  ASSERT_TRUE(rows.ok());
  std::vector<std::string> lines = SortedLines(*rows);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], R"({"value":"1","year":"2020","month":"1","day":"1"})");
  EXPECT_EQ(lines[6], R"({"value":"7","year":"2021","month":"12","day":"20"})");
}

TEST(DeltaTestdataTest, TypedPartitionValues) {
  auto snap = Load("delta-2.2.0-partitioned-types");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto rows = Cat(**snap);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(SortedLines(*rows),
            (std::vector<std::string>{R"({"c1":4,"c2":"c","c3":5})", R"({"c1":5,"c2":"b","c3":6})",
                                      R"({"c1":6,"c2":"a","c3":4})"}));
}

TEST(DeltaTestdataTest, NullAndSpecialPartitionValues) {
  auto nulls = Load("delta-0.8.0-null-partition");
  ASSERT_TRUE(nulls.ok()) << nulls.status().ToString();
  auto rows = Cat(**nulls);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(SortedLines(*rows),
            (std::vector<std::string>{R"({"k":"A","v":1})", R"({"k":null,"v":2})"}));
  auto special = Load("delta-0.8.0-special-partition");
  ASSERT_TRUE(special.ok()) << special.status().ToString();
  rows = Cat(**special);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(SortedLines(*rows),
            (std::vector<std::string>{R"({"x":"A/A","y":1})", R"({"x":"B B","y":2})"}));
}

TEST(DeltaTestdataTest, EdgeTimestamps) {
  auto snap = Load("table_with_edge_timestamps");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto rows = Cat(**snap);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(
      SortedLines(*rows),
      (std::vector<std::string>{
          R"({"BIG_DATE":"9999-12-30T00:00:00.000000Z","NORMAL_DATE":"2022-02-01T00:00:00.000000Z","SOME_VALUE":2})",
          R"({"BIG_DATE":"9999-12-31T00:00:00.000000Z","NORMAL_DATE":"2022-01-01T00:00:00.000000Z","SOME_VALUE":1})"}));
}

TEST(DeltaTestdataTest, CheckpointWithPartitionsReadsFromItsCheckpoint) {
  auto snap = Load("checkpoint_with_partitions");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->checkpoint_version(), 2);
  EXPECT_EQ((*snap)->partition_columns(), (std::vector<std::string>{"color"}));
  ASSERT_EQ((*snap)->files().size(), 2u);
  for (const auto& f : (*snap)->files()) {
    ASSERT_TRUE(f.partition_values.count("color")) << f.path;
  }
}

TEST(DeltaTestdataTest, StaleOrMissingLastCheckpointFallsBackToListing) {
  // _last_checkpoint says 1 but a checkpoint at 3 exists.
  auto stale = Load("table_failed_last_checkpoint_update");
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_EQ((*stale)->checkpoint_version(), 3);
  // No _last_checkpoint at all.
  auto none = Load("with_checkpoint_no_last_checkpoint");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ((*none)->checkpoint_version(), 2);
  EXPECT_EQ((*none)->version(), 3);
}

TEST(DeltaTestdataTest, VacuumedHistoryIsNotFound) {
  SnapshotOptions opts;
  opts.version = 2;  // commits before the checkpoint at 5 are gone
  auto snap = Load("checkpoints_vacuumed", opts);
  EXPECT_TRUE(snap.status().IsNotFound()) << snap.status().ToString();
  opts.version = 7;
  snap = Load("checkpoints_vacuumed", opts);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->checkpoint_version(), 5);
}

}  // namespace
}  // namespace lakestream::delta
