// The key scan of merges into tables with deletion vectors
// (merge_key_scan.cc) and the projected row reads under it (ScanFileFields):
// the same rows as a copy-on-write merge of the same batches, nothing copied,
// only changed files marked, the bound's fallback to the passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>

#include "delta/deletion_vector.h"
#include "delta/merge.h"
#include "delta/operations.h"
#include "delta/row_reader.h"
#include "delta/table_config.h"
#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using parquet::Value;
using testing::EventRow;
using testing::EventRows;
using testing::EventSchema;
using testing::ReadAll;

std::vector<Value> Sorted(std::vector<Value> rows) {
  std::sort(rows.begin(), rows.end(),
            [](const Value& a, const Value& b) { return parquet::CompareValues(a, b) < 0; });
  return rows;
}

class MergeKeyScanTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> dv_ = std::make_shared<LogStore>(fs_, "/dv");
  std::shared_ptr<LogStore> cow_ = std::make_shared<LogStore>(fs_, "/cow");

  // The same rows into both tables, partitioned by event_date, several files each.
  void Seed(const std::vector<Value>& rows) {
    WriteRequest req;
    req.partition_columns = {"event_date"};
    req.writer.target_file_size = 1;  // a file per 40-row batch
    req.writer.shred_batch_rows = 40;
    ASSERT_TRUE(WriteRows(cow_, EventSchema(), rows, req).ok());
    req.configuration = MergeTableProperties();
    ASSERT_TRUE(WriteRows(dv_, EventSchema(), rows, req).ok());
  }
};

TEST_F(MergeKeyScanTest, ScanFileFieldsReadsTheProjectionAndTheRowsAskedForSkippingDeleted) {
  WriteRequest req;
  req.configuration = MergeTableProperties();
  ASSERT_TRUE(WriteRows(dv_, EventSchema(), EventRows(0, 10), req).ok());
  ASSERT_TRUE(DeleteWhere(dv_, "id = 2").ok());
  ASSERT_TRUE(DeleteWhere(dv_, "id = 5").ok());
  auto snap = Snapshot::Load(dv_).value();
  ASSERT_EQ(snap->files().size(), 1u);
  const AddFile& add = snap->files()[0];
  ASSERT_TRUE(add.deletion_vector);
  std::vector<uint64_t> seen;
  std::vector<Value> infos;
  auto collect = [&](uint64_t row, std::vector<Value>& v) -> Status {
    EXPECT_EQ(v.size(), 2u);
    EXPECT_EQ(v[1].i64, static_cast<int64_t>(row));  // id == row index here
    seen.push_back(row);
    infos.push_back(std::move(v[0]));
    return Status::OK();
  };
  // A nested field (info) and a flat one (id), in that order.
  ASSERT_TRUE(ScanFileFields(*snap, add, {5, 0}, nullptr, collect).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{0, 1, 3, 4, 6, 7, 8, 9}));
  ASSERT_EQ(infos.size(), 8u);
  EXPECT_EQ(infos[2], EventRow(3, "DE", 0, 0, 0).items[5]);
  seen.clear();
  infos.clear();
  std::vector<uint64_t> at = {1, 6, 9};
  ASSERT_TRUE(ScanFileFields(*snap, add, {5, 0}, &at, collect).ok());
  EXPECT_EQ(seen, at);
  EXPECT_EQ(infos[1], EventRow(6, "DE", 0, 0, 0).items[5]);
  // A deleted row, or one past the end, is not there to read.
  at = {5};
  Status s = ScanFileFields(*snap, add, {0}, &at, collect);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find(add.path), std::string::npos) << s.ToString();
  at = {12};
  EXPECT_TRUE(ScanFileFields(*snap, add, {0}, &at, collect).IsCorruption());
}

// Random upserts and deletes by (id, event_date): a partition column in the
// key is read as the file's constant. Each batch gives the DV table the same
// rows as copy-on-write, without copying a row.
TEST_F(MergeKeyScanTest, MergesGiveTheCopyOnWriteRowsWithoutCopying) {
  Seed(EventRows(0, 300));
  std::mt19937 rng(11);
  CdcSpec cdc;
  cdc.keys = {"id", "event_date"};
  cdc.sequence_by = "ts";
  for (int round = 0; round < 6; ++round) {
    std::vector<Value> batch;
    std::set<int64_t> ids;
    while (ids.size() < 25) ids.insert(static_cast<int64_t>(rng() % 360));
    for (int64_t id : ids) {
      batch.push_back(EventRow(id, "R" + std::to_string(round), 20000 + static_cast<int>(id % 2),
                               static_cast<double>(round), 1'800'000'000'000'000 + round));
    }
    MergeSpec spec;
    spec.keys = cdc.keys;
    spec.when_matched.push_back({});
    if (round % 2) {
      spec.when_matched[0].action = WhenMatched::Action::kDelete;
      spec.when_matched[0].condition = [](const Value* t, const Value*) {
        return t->items[0].i64 % 3 == 0;
      };
      spec.when_matched.push_back({});
    }
    spec.when_not_matched.push_back({});
    auto c = Merge(cow_, batch, spec);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    auto d = Merge(dv_, batch, spec);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->rows_copied, 0) << round;
    EXPECT_EQ(d->passes, 1);
    EXPECT_GT(d->deletion_vectors_added, 0) << round;
    EXPECT_EQ(d->rows_updated, c->rows_updated) << round;
    EXPECT_EQ(d->rows_inserted, c->rows_inserted) << round;
    EXPECT_EQ(d->rows_deleted, c->rows_deleted) << round;
    EXPECT_LE(d->peak_buffered_rows, 25);
    ASSERT_EQ(Sorted(ReadAll(dv_)), Sorted(ReadAll(cow_))) << round;
  }
  // SCD1 with a newer and a stale event.
  std::vector<Value> batch = {EventRow(7, "NEW", 20001, 1, 1'900'000'000'000'000),
                              EventRow(8, "OLD", 20000, 1, 1)};
  auto c = MergeScd1(cow_, batch, cdc);
  auto d = MergeScd1(dv_, batch, cdc);
  ASSERT_TRUE(c.ok() && d.ok());
  EXPECT_EQ(d->rows_updated, 1);
  EXPECT_EQ(Sorted(ReadAll(dv_)), Sorted(ReadAll(cow_)));
  testing::ExpectValidCommits(*dv_);
}

// Past MergeOptions::max_buffered_rows the key scan gives way to the bounded
// passes (which still mark rows in deletion vectors).
TEST_F(MergeKeyScanTest, MoreMatchesThanTheBoundFallBackToThePasses) {
  Seed(EventRows(0, 200));
  std::vector<Value> batch;
  for (int64_t id = 0; id < 220; id += 4) {
    batch.push_back(EventRow(id, "X", 20000 + static_cast<int>(id % 2), 9, 2));
  }
  MergeSpec spec;
  spec.keys = {"id"};
  spec.when_matched.push_back({});
  spec.when_not_matched.push_back({});
  MergeOptions mo;
  mo.max_buffered_rows = 20;
  auto c = Merge(cow_, batch, spec, mo);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto d = Merge(dv_, batch, spec, mo);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_GT(d->passes, 1);
  EXPECT_LE(d->peak_buffered_rows, 20);
  EXPECT_GT(d->deletion_vectors_added, 0);
  EXPECT_EQ(d->rows_updated, 50);
  EXPECT_EQ(Sorted(ReadAll(dv_)), Sorted(ReadAll(cow_)));
}

// SCD2: closing a key's current version marks that row alone; its older
// versions stay in their file, unmarked and not written again.
TEST_F(MergeKeyScanTest, Scd2ClosesTheCurrentVersionWithoutRewritingHistory) {
  auto schema = ParseSchemaString(
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}},)"
      R"({"name":"attr","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"ts","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"valid_from","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"valid_to","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"is_current","type":"boolean","nullable":true,"metadata":{}}]})");
  ASSERT_TRUE(schema.ok());
  auto version = [](int64_t id, const std::string& a, int64_t from, std::optional<int64_t> to) {
    return Value::Struct({Value::Int64(id), Value::Bytes(a), Value::Int64(from),
                          Value::Int64(from), to ? Value::Int64(*to) : Value::Null(),
                          Value::Bool(!to)});
  };
  // Keys 0..9, each with two closed versions and a current one, all in one file.
  std::vector<Value> rows;
  for (int64_t id = 0; id < 10; ++id) {
    rows.push_back(version(id, "a", 1, 2));
    rows.push_back(version(id, "b", 2, 3));
    rows.push_back(version(id, "c", 3, std::nullopt));
  }
  WriteRequest req;
  req.configuration = MergeTableProperties();
  ASSERT_TRUE(WriteRows(dv_, *schema, rows, req).ok());
  CdcSpec cdc;
  cdc.keys = {"id"};
  cdc.source_columns = {"id", "attr", "ts"};
  cdc.sequence_by = "ts";
  auto r = MergeScd2(dv_, {Value::Struct({Value::Int64(4), Value::Bytes("d"), Value::Int64(9)})},
                     cdc);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_inserted, 1);
  EXPECT_EQ(r->rows_updated, 1);
  EXPECT_EQ(r->rows_copied, 0);
  EXPECT_EQ(r->deletion_vectors_added, 1);
  auto snap = Snapshot::Load(dv_).value();
  int64_t hidden = 0;
  for (const auto& f : snap->files()) {
    if (f.deletion_vector) hidden += f.deletion_vector->cardinality;
  }
  EXPECT_EQ(hidden, 1);  // key 4's version "c" alone
  std::vector<Value> want = rows;
  want[14] = version(4, "c", 3, 9);
  want.push_back(version(4, "d", 9, std::nullopt));
  EXPECT_EQ(Sorted(ReadAll(dv_)), Sorted(want));
}

// A file whose every row is replaced is removed, not marked.
TEST_F(MergeKeyScanTest, AFileLeftWithoutRowsIsRemoved) {
  WriteRequest req;
  req.configuration = MergeTableProperties();
  ASSERT_TRUE(WriteRows(dv_, EventSchema(), EventRows(0, 4), req).ok());
  std::vector<Value> batch;
  for (int64_t id = 0; id < 4; ++id) batch.push_back(EventRow(id, "Z", 20000, 1, 5));
  MergeSpec spec;
  spec.keys = {"id"};
  spec.when_matched.push_back({});
  auto d = Merge(dv_, batch, spec);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->files_removed, 1);
  EXPECT_EQ(d->deletion_vectors_added, 0);
  EXPECT_EQ(d->rows_copied, 0);
  EXPECT_EQ(Sorted(ReadAll(dv_)), Sorted(batch));
}

}  // namespace
}  // namespace lakestream::delta
