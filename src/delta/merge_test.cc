#include "delta/merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "delta/operations.h"
#include "delta/write_test_util.h"
#include "io/fault_injection_file_system.h"

namespace lakestream::delta {
namespace {

using parquet::Value;
using testing::ExpectValidCommits;
using testing::ReadAll;

DeltaType Schema(bool scd2) {
  std::string s = R"({"type":"struct","fields":[)"
                  R"({"name":"id","type":"long","nullable":true,"metadata":{}},)"
                  R"({"name":"region","type":"string","nullable":true,"metadata":{}},)"
                  R"({"name":"name","type":"string","nullable":true,"metadata":{}},)"
                  R"({"name":"tier","type":"string","nullable":true,"metadata":{}},)"
                  R"({"name":"seq","type":"long","nullable":true,"metadata":{}})";
  if (scd2) {
    s += R"(,{"name":"valid_from","type":"long","nullable":true,"metadata":{}},)"
         R"({"name":"valid_to","type":"long","nullable":true,"metadata":{}},)"
         R"({"name":"is_current","type":"boolean","nullable":true,"metadata":{}})";
  }
  s += "]}";
  return ParseSchemaString(s).value();
}

Value Row(int64_t id, const std::string& region, const std::string& name, const std::string& tier,
          int64_t seq) {
  return Value::Struct({Value::Int64(id), Value::Bytes(region), Value::Bytes(name),
                        Value::Bytes(tier), Value::Int64(seq)});
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

// Rows as "1|A|ann|gold|10[|from|to|current]", sorted.
std::vector<std::string> Table(const std::shared_ptr<LogStore>& store) {
  std::vector<std::string> out;
  for (const auto& r : ReadAll(store)) {
    std::string s;
    for (const auto& v : r.items) s += (s.empty() ? "" : "|") + Text(v);
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

nlohmann::json CommitInfo(const std::shared_ptr<LogStore>& store) {
  auto snap = Snapshot::Load(store).value();
  return nlohmann::json::parse(snap->commit_info()->json);
}

class MergeTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");

  void Seed(const std::vector<Value>& rows, bool scd2 = false) {
    WriteRequest w;
    w.partition_columns = {"region"};
    auto r = WriteRows(store_, Schema(scd2), rows, w);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // Three files: region A ids 1-3, B ids 11-13, C ids 21-23.
  void SeedThreeRegions() {
    Seed({Row(1, "A", "a1", "gold", 1), Row(2, "A", "a2", "gold", 1), Row(3, "A", "a3", "gold", 1),
          Row(11, "B", "b1", "gold", 1), Row(12, "B", "b2", "gold", 1),
          Row(13, "B", "b3", "gold", 1), Row(21, "C", "c1", "gold", 1),
          Row(22, "C", "c2", "gold", 1), Row(23, "C", "c3", "gold", 1)});
  }
  CdcSpec Cdc() {
    CdcSpec c;
    c.keys = {"id"};
    c.sequence_by = "seq";
    return c;
  }
  // The same table through a filesystem that runs `race` once, just before the first commit
  // (PutIfAbsent of a log file) made through it: another writer committing between our
  // plan and our commit.
  std::shared_ptr<LogStore> RacedStore(std::function<void()> race) {
    auto faults = std::make_shared<io::FaultInjectionFileSystem>(fs_);
    faults->BeforeNth(io::FsOp::kPutIfAbsent, 1, std::move(race), "/_delta_log/");
    return std::make_shared<LogStore>(faults, "/t");
  }
};

TEST_F(MergeTest, MatchedUpdateDeleteAndNotMatchedInsertInOneCommit) {
  SeedThreeRegions();
  MergeSpec spec;
  spec.keys = {"id"};
  WhenMatched del;
  del.action = WhenMatched::Action::kDelete;
  del.condition = [](const Value*, const Value* s) { return s->items[3].bytes == "gone"; };
  WhenMatched upd;  // UPDATE SET name only
  upd.set_columns = {"name"};
  spec.when_matched = {del, upd};
  spec.when_not_matched = {WhenNotMatched{}};
  auto r = Merge(store_,
                 {Row(2, "A", "a2-new", "silver", 9), Row(3, "A", "", "gone", 9),
                  Row(30, "C", "c30", "gold", 1)},
                 spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Table(store_), Sorted({"1|A|a1|gold|1", "11|B|b1|gold|1", "12|B|b2|gold|1",
                                   "13|B|b3|gold|1", "21|C|c1|gold|1", "22|C|c2|gold|1",
                                   "23|C|c3|gold|1", "2|A|a2-new|gold|1", "30|C|c30|gold|1"}));
  EXPECT_EQ(r->rows_updated, 1);
  EXPECT_EQ(r->rows_deleted, 1);
  EXPECT_EQ(r->rows_inserted, 1);
  EXPECT_EQ(r->rows_copied, 1);  // id 1 of file A
  EXPECT_EQ(r->files_removed, 1);
  auto ci = CommitInfo(store_);
  EXPECT_EQ(ci["operation"], "MERGE");
  EXPECT_EQ(ci["operationMetrics"]["numTargetRowsUpdated"], "1");
  EXPECT_EQ(ci["operationMetrics"]["numTargetRowsDeleted"], "1");
  EXPECT_EQ(ci["operationMetrics"]["numTargetRowsInserted"], "1");
  EXPECT_EQ(ci["operationMetrics"]["numTargetRowsCopied"], "1");
  EXPECT_EQ(ci["operationMetrics"]["numSourceRows"], "3");
  ExpectValidCommits(*store_);
}

TEST_F(MergeTest, StructAndBinaryKeysMatchOnlyEqualKeys) {
  // Key types merge.cc once encoded as '?' (every row matched every other): a struct and a
  // binary column. Only the equal key may be updated.
  DeltaType schema = ParseSchemaString(
      R"j({"type":"struct","fields":[{"name":"k","type":{"type":"struct","fields":[)j"
      R"j({"name":"a","type":"long","nullable":true,"metadata":{}},)j"
      R"j({"name":"b","type":"string","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},)j"
      R"j({"name":"bin","type":"binary","nullable":true,"metadata":{}},)j"
      R"j({"name":"v","type":"string","nullable":true,"metadata":{}}]})j").value();
  auto row = [](int64_t a, const std::string& b, const std::string& bin, const std::string& v) {
    return Value::Struct({Value::Struct({Value::Int64(a), b.empty() ? Value::Null() : Value::Bytes(b)}),
                          Value::Bytes(bin), Value::Bytes(v)});
  };
  ASSERT_TRUE(WriteRows(store_, schema,
                        {row(1, "x", "\x01", "old"), row(1, "y", "\x01", "old"),
                         row(2, "", "\x01", "old"), row(1, "x", "\x02", "old")},
                        WriteRequest{})
                  .ok());
  MergeSpec spec;
  spec.keys = {"k", "bin"};
  spec.when_matched.push_back({});
  spec.when_not_matched.push_back({});
  auto r = Merge(store_, {row(1, "x", "\x01", "new"), row(2, "", "\x01", "new2")}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_updated, 2);
  EXPECT_EQ(r->rows_inserted, 0);
  std::multiset<std::string> got;
  for (const Value& v : ReadAll(store_)) {
    got.insert(std::to_string(v.items[0].items[0].i64) + "|" +
               (v.items[0].items[1].is_null() ? "null" : v.items[0].items[1].bytes) + "|" +
               std::to_string(static_cast<int>(v.items[1].bytes[0])) + "|" + v.items[2].bytes);
  }
  EXPECT_EQ(got, (std::multiset<std::string>{"1|x|1|new", "1|y|1|old", "2|null|1|new2",
                                             "1|x|2|old"}));
}

TEST_F(MergeTest, NotMatchedBySourceHoldsAtMostMaxBufferedRows) {
  // A full-sync merge (the OData full load's shape) over 1000 target rows with room for 100.
  std::vector<Value> seed, source;
  for (int64_t id = 0; id < 1000; ++id) {
    seed.push_back(Row(id, id % 2 ? "A" : "B", "n" + std::to_string(id), "gold", 1));
  }
  Seed(seed);
  for (int64_t id = 0; id < 1010; id += 2) {
    source.push_back(Row(id, id % 2 ? "A" : "B", "m" + std::to_string(id), "gold", 2));
  }
  MergeSpec spec;
  spec.keys = {"id"};
  spec.when_matched.push_back({});
  spec.when_not_matched.push_back({});
  spec.when_not_matched_by_source.push_back({});
  MergeOptions mo;
  mo.max_buffered_rows = 100;
  auto r = Merge(store_, source, spec, mo);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_LE(r->peak_buffered_rows, 100);
  EXPECT_GT(r->passes, 1);
  EXPECT_EQ(r->rows_updated, 500);
  EXPECT_EQ(r->rows_inserted, 5);
  EXPECT_EQ(r->rows_deleted, 500);
  std::vector<std::string> want;
  for (int64_t id = 0; id < 1010; id += 2) {
    want.push_back(std::to_string(id) + "|B|m" + std::to_string(id) + "|gold|2");
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Table(store_), want);
  ExpectValidCommits(*store_);
}

TEST_F(MergeTest, OneKeyWithMoreTargetRowsThanTheBoundFailsNamingIt) {
  std::vector<Value> seed;
  for (int i = 0; i < 30; ++i) seed.push_back(Row(7, "A", "dup" + std::to_string(i), "gold", 1));
  Seed(seed);
  MergeSpec spec;
  spec.keys = {"id"};
  spec.when_not_matched.push_back({});
  spec.when_not_matched_by_source.push_back({});
  MergeOptions mo;
  mo.max_buffered_rows = 10;
  auto r = Merge(store_, {Row(8, "A", "new", "gold", 1)}, spec, mo);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("id=7"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("max_buffered_rows"), std::string::npos);
}

TEST_F(MergeTest, FilesWhereNoKeyCanMatchAreNotReadOrRemoved) {
  SeedThreeRegions();
  auto before = Snapshot::Load(store_).value();
  MergeSpec spec;
  spec.keys = {"id"};
  spec.when_matched = {WhenMatched{}};
  auto r = Merge(store_, {Row(12, "B", "b2-new", "gold", 2)}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_read, 1);  // ids 1-3 and 21-23 are outside the key set by stats
  ASSERT_EQ(r->removed_paths.size(), 1u);
  EXPECT_NE(r->removed_paths[0].find("region=B"), std::string::npos);
  // The commit file's removes name only the B file.
  std::string text = store_->ReadCommit(r->commit.version).value();
  std::set<std::string> removed_paths;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    if (j.contains("remove")) removed_paths.insert(j["remove"]["path"].get<std::string>());
  }
  int removes = 0;
  for (const auto& f : before->files()) {
    bool removed = removed_paths.count(f.path) > 0;
    EXPECT_EQ(removed, f.path.find("region=B") != std::string::npos) << f.path;
    removes += removed;
  }
  EXPECT_EQ(removes, 1);
  // A merge whose keys match nothing commits nothing.
  auto none = Merge(store_, {Row(99, "Z", "z", "gold", 1)}, spec);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->commit.version, -1);
  EXPECT_EQ(none->files_read, 0);
}

TEST_F(MergeTest, TwoSourceRowsMatchingOneTargetRowFail) {
  SeedThreeRegions();
  MergeSpec spec;
  spec.keys = {"id"};
  spec.when_matched = {WhenMatched{}};
  auto r = Merge(store_, {Row(2, "A", "x", "gold", 2), Row(2, "A", "y", "gold", 3)}, spec);
  ASSERT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("id=2"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("deduplicate"), std::string::npos);
  EXPECT_EQ(Snapshot::Load(store_).value()->version(), 0);
}

TEST_F(MergeTest, NotMatchedBySourceDeletesRowsAbsentFromSource) {
  SeedThreeRegions();
  MergeSpec spec;
  spec.keys = {"id"};
  WhenNotMatchedBySource d;
  d.condition = [](const Value* t, const Value*) { return t->items[1].bytes == "A"; };
  spec.when_not_matched_by_source = {d};
  auto r = Merge(store_, {Row(1, "A", "a1", "gold", 1)}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_deleted, 2);
  EXPECT_EQ(r->files_removed, 1);
  EXPECT_EQ(Table(store_).size(), 7u);
}

TEST_F(MergeTest, EmptySourceCommitsNothing) {
  SeedThreeRegions();
  auto r = MergeScd1(store_, {}, Cdc());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->commit.version, -1);
  EXPECT_EQ(r->files_read, 0);
}

TEST_F(MergeTest, Scd1NewestWinsStaleIgnoredAndReplayIsANoOp) {
  Seed({Row(1, "A", "ann", "gold", 5), Row(2, "B", "bob", "gold", 5)});
  // id 1: stale (3), then out of order 7 and 6: 7 wins. id 2: equal seq is stale.
  // id 3: new, two versions in the batch.
  std::vector<Value> batch = {Row(1, "A", "old", "x", 3),    Row(1, "A", "new", "silver", 7),
                              Row(1, "A", "mid", "y", 6),    Row(2, "B", "same", "z", 5),
                              Row(3, "C", "cat", "gold", 2), Row(3, "C", "cat2", "gold", 1)};
  auto r = MergeScd1(store_, batch, Cdc());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> want = {"1|A|new|silver|7", "2|B|bob|gold|5", "3|C|cat|gold|2"};
  EXPECT_EQ(Table(store_), want);
  EXPECT_EQ(r->rows_updated, 1);
  EXPECT_EQ(r->rows_inserted, 1);
  EXPECT_EQ(r->files_removed, 1);  // B's file is untouched
  auto again = MergeScd1(store_, batch, Cdc());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->commit.version, -1);
  EXPECT_EQ(Table(store_), want);
  // A late event for id 1 is ignored.
  auto late = MergeScd1(store_, {Row(1, "A", "late", "x", 6)}, Cdc());
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->commit.version, -1);
  ExpectValidCommits(*store_);
}

TEST_F(MergeTest, Scd1DeleteFlagRemovesRowsAndIgnoresStaleDeletes) {
  Seed({Row(1, "A", "ann", "gold", 5), Row(2, "A", "bob", "gold", 5)});
  CdcSpec c = Cdc();
  c.source_columns = {"id", "region", "seq", "op"};  // op is a control column
  c.delete_column = "op";
  auto ev = [](int64_t id, int64_t seq, const char* op) {
    return Value::Struct(
        {Value::Int64(id), Value::Bytes("A"), Value::Int64(seq), Value::Bytes(op)});
  };
  auto r = MergeScd1(store_, {ev(1, 6, "DELETE"), ev(2, 4, "DELETE"), ev(3, 1, "UPSERT")}, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // id 1 deleted; id 2's delete is stale; id 3 inserted with the columns it has.
  EXPECT_EQ(Table(store_), (std::vector<std::string>{"2|A|bob|gold|5", "3|A|null|null|1"}));
  EXPECT_EQ(r->rows_deleted, 1);
  EXPECT_EQ(r->rows_inserted, 1);
}

TEST_F(MergeTest, Scd1KeysInManyPartitions) {
  SeedThreeRegions();
  auto r = MergeScd1(store_,
                     {Row(1, "A", "a1", "silver", 2), Row(12, "B", "b2", "silver", 2),
                      Row(23, "C", "c3", "silver", 2), Row(40, "D", "d", "gold", 2)},
                     Cdc());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_removed, 3);
  EXPECT_EQ(r->rows_updated, 3);
  EXPECT_EQ(r->rows_inserted, 1);
  EXPECT_EQ(r->rows_copied, 6);
  auto t = Table(store_);
  EXPECT_EQ(t.size(), 10u);
  EXPECT_NE(std::find(t.begin(), t.end(), "12|B|b2|silver|2"), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), "40|D|d|gold|2"), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), "11|B|b1|gold|1"), t.end());
}

TEST_F(MergeTest, Scd2HistoryWithLateEventsUntrackedChangesAndReplay) {
  Seed({}, /*scd2=*/true);
  CdcSpec c = Cdc();
  c.source_columns = {"id", "region", "name", "tier", "seq"};
  c.track_columns = {"tier"};
  auto r = MergeScd2(store_, {Row(1, "A", "ann", "gold", 10), Row(1, "A", "ann", "silver", 30)}, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Table(store_), (std::vector<std::string>{"1|A|ann|gold|10|10|30|false",
                                                     "1|A|ann|silver|30|30|null|true"}));
  // Late event at 20 splits [10, 30); the name change at 40 is untracked and
  // updates the current version in place; a late event with the covering
  // version's tier (15, gold) adds no version, only its sequence value.
  std::vector<Value> batch2 = {Row(1, "A", "ann", "bronze", 20), Row(1, "A", "anna", "silver", 40),
                               Row(1, "A", "ann", "gold", 15), Row(2, "B", "bob", "gold", 5)};
  r = MergeScd2(store_, batch2, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> want =
      Sorted({"1|A|ann|bronze|20|20|30|false", "1|A|ann|gold|15|10|20|false",
              "1|A|anna|silver|40|30|null|true", "2|B|bob|gold|5|5|null|true"});
  EXPECT_EQ(Table(store_), want);
  EXPECT_EQ(r->rows_inserted, 2);  // bronze, bob
  EXPECT_EQ(r->rows_updated, 2);   // gold closed at 20, silver renamed
  // Replaying either batch changes nothing.
  auto again = MergeScd2(store_, batch2, c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->commit.version, -1);
  again = MergeScd2(store_, {Row(1, "A", "ann", "gold", 10), Row(1, "A", "ann", "silver", 30)}, c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->commit.version, -1);
  EXPECT_EQ(Table(store_), want);
  ExpectValidCommits(*store_);
}

TEST_F(MergeTest, Scd2EventBeforeFirstVersionAndDelete) {
  Seed({}, /*scd2=*/true);
  CdcSpec c = Cdc();
  c.source_columns = {"id", "region", "name", "tier", "seq", "op"};
  c.delete_column = "op";
  auto ev = [](int64_t seq, const char* tier, const char* op) {
    return Value::Struct({Value::Int64(1), Value::Bytes("A"), Value::Bytes("ann"),
                          Value::Bytes(tier), Value::Int64(seq), Value::Bytes(op)});
  };
  ASSERT_TRUE(MergeScd2(store_, {ev(10, "gold", "U")}, c).ok());
  // Earlier event with another tier becomes a closed version before it; a
  // delete at 50 closes the current one.
  auto r = MergeScd2(store_, {ev(5, "silver", "U"), ev(50, "gold", "DELETE")}, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Table(store_), (std::vector<std::string>{"1|A|ann|gold|10|10|50|false",
                                                     "1|A|ann|silver|5|5|10|false"}));
  // A later upsert reopens the key.
  ASSERT_TRUE(MergeScd2(store_, {ev(60, "gold", "U")}, c).ok());
  EXPECT_EQ(Table(store_).size(), 3u);
  EXPECT_EQ(Table(store_)[0], "1|A|ann|gold|10|10|50|false");
  EXPECT_EQ(Table(store_)[1], "1|A|ann|gold|60|60|null|true");
}

TEST_F(MergeTest, InsertOnlyAddsAbsentKeysOnce) {
  SeedThreeRegions();
  auto r = MergeInsertOnly(store_,
                           {Row(2, "A", "dup", "x", 9), Row(50, "E", "e", "gold", 1),
                            Row(50, "E", "e-again", "gold", 2)},
                           {"id"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_inserted, 1);
  EXPECT_EQ(r->files_removed, 0);
  auto t = Table(store_);
  EXPECT_EQ(t.size(), 10u);
  EXPECT_NE(std::find(t.begin(), t.end(), "50|E|e|gold|1"), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), "2|A|a2|gold|1"), t.end());
}

TEST_F(MergeTest, ConcurrentMergeOnTheSameFileConflictsAndIsRetried) {
  SeedThreeRegions();
  MergeOptions o;
  int raced = 0;
  auto mine = RacedStore([&] {
    // Another writer rewrites file A (id 3) between our read and our commit.
    auto other = MergeScd1(store_, {Row(3, "A", "other", "gold", 5)}, Cdc());
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    ++raced;
  });
  auto r = MergeScd1(mine, {Row(1, "A", "mine", "gold", 5)}, Cdc(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(raced, 1);
  EXPECT_EQ(r->attempts, 2);
  auto t = Table(store_);
  EXPECT_NE(std::find(t.begin(), t.end(), "1|A|mine|gold|5"), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), "3|A|other|gold|5"), t.end());
  EXPECT_EQ(t.size(), 9u);
  // Without retries the loser reports the conflict.
  o.max_attempts = 1;
  raced = 0;
  mine = RacedStore([&] {
    ASSERT_TRUE(MergeScd1(store_, {Row(2, "A", "other", "gold", 9)}, Cdc()).ok());
  });
  auto lost = MergeScd1(mine, {Row(1, "A", "mine2", "gold", 9)}, Cdc(), o);
  EXPECT_TRUE(lost.status().IsConflict()) << lost.status().ToString();
  // A concurrent merge on another file commutes.
  mine = RacedStore(
      [&] { ASSERT_TRUE(MergeScd1(store_, {Row(22, "C", "x", "gold", 9)}, Cdc()).ok()); });
  auto ok = MergeScd1(mine, {Row(12, "B", "y", "gold", 9)}, Cdc(), o);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->attempts, 1);
}

TEST_F(MergeTest, ConcurrentInsertsOfTheSameNewKeyInsertItOnce) {
  SeedThreeRegions();
  auto mine = RacedStore([&] {
    // Another writer inserts key 50 after we found it absent.
    auto other = MergeInsertOnly(store_, {Row(50, "E", "theirs", "gold", 1)}, {"id"});
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    EXPECT_EQ(other->rows_inserted, 1);
  });
  auto r = MergeInsertOnly(mine, {Row(50, "E", "mine", "gold", 1)}, {"id"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->attempts, 2);  // the concurrent add may hold key 50: conflict, re-plan
  EXPECT_EQ(r->commit.version, -1);
  auto t = Table(store_);
  EXPECT_EQ(std::count(t.begin(), t.end(), "50|E|theirs|gold|1"), 1);
  EXPECT_EQ(t.size(), 10u);
}

TEST_F(MergeTest, ManyKeysUseARangePredicateThatStillSkipsFiles) {
  SeedThreeRegions();
  std::vector<Value> batch;
  for (int64_t id = 1000; id < 1000 + static_cast<int64_t>(kMaxInSetValues) + 500; ++id) {
    batch.push_back(Row(id, "N", "n", "gold", 1));
  }
  batch.push_back(Row(22, "C", "c2-new", "gold", 2));  // range [22, 2499] misses A and B by stats
  auto r = MergeScd1(store_, batch, Cdc());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_read, 1);
  ASSERT_EQ(r->removed_paths.size(), 1u);
  EXPECT_NE(r->removed_paths[0].find("region=C"), std::string::npos);
  EXPECT_EQ(r->rows_inserted, static_cast<int64_t>(kMaxInSetValues) + 500);
  EXPECT_EQ(r->rows_updated, 1);
  EXPECT_EQ(Table(store_).size(), 9u + kMaxInSetValues + 500);
}

TEST_F(MergeTest, NotMatchedBySourceUpdateAndListedSetColumns) {
  SeedThreeRegions();
  MergeSpec spec;
  spec.keys = {"id"};
  spec.source_columns = {"id", "tier"};
  WhenMatched upd;
  upd.set_columns = {"tier"};
  spec.when_matched = {upd};
  WhenNotMatchedBySource retire;
  retire.action = WhenNotMatchedBySource::Action::kUpdate;
  retire.condition = [](const Value* t, const Value*) { return t->items[1].bytes == "B"; };
  retire.set_values = {{"tier", Value::Bytes("retired")}};
  spec.when_not_matched_by_source = {retire};
  auto src = [](int64_t id, const char* tier) {
    return Value::Struct({Value::Int64(id), Value::Bytes(tier)});
  };
  auto r = Merge(store_, {src(11, "platinum"), src(1, "silver")}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_updated, 4);   // 1 and 11 matched, 12 and 13 retired
  EXPECT_EQ(r->files_removed, 2);  // C untouched
  EXPECT_EQ(Table(store_), Sorted({"1|A|a1|silver|1", "2|A|a2|gold|1", "3|A|a3|gold|1",
                                   "11|B|b1|platinum|1", "12|B|b2|retired|1", "13|B|b3|retired|1",
                                   "21|C|c1|gold|1", "22|C|c2|gold|1", "23|C|c3|gold|1"}));
}

TEST_F(MergeTest, BadSpecsFailWithContext) {
  SeedThreeRegions();
  CdcSpec c = Cdc();
  c.source_columns = {"region", "seq"};  // no key column
  auto r = MergeScd1(store_, {Value::Struct({Value::Bytes("A"), Value::Int64(1)})}, c);
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("key column id"), std::string::npos) << r.status().message();
  c.source_columns = {"id", "seq", "color"};
  r = MergeScd1(store_, {Value::Struct({Value::Int64(1), Value::Int64(1), Value::Bytes("red")})},
                c);
  EXPECT_NE(r.status().message().find("source column color"), std::string::npos);
  c = Cdc();
  c.sequence_by = "nope";
  r = MergeScd1(store_, {Row(1, "A", "a", "b", 1)}, c);
  EXPECT_NE(r.status().message().find("sequence column nope"), std::string::npos);
  // SCD2 needs the history columns.
  r = MergeScd2(store_, {Row(1, "A", "a", "b", 1)}, Cdc());
  EXPECT_NE(r.status().message().find("valid_from"), std::string::npos);
  EXPECT_EQ(Snapshot::Load(store_).value()->version(), 0);
}

TEST_F(MergeTest, Scd2LateEventThatStartsTheNextVersionEarlierCoalesces) {
  Seed({}, /*scd2=*/true);
  CdcSpec c = Cdc();
  c.source_columns = {"id", "region", "name", "tier", "seq"};
  c.track_columns = {"tier"};
  ASSERT_TRUE(
      MergeScd2(store_, {Row(1, "A", "ann", "gold", 10), Row(1, "A", "ann", "silver", 30)}, c)
          .ok());
  // silver already at 20: gold ends at 20, silver runs from 20 (one version).
  auto r = MergeScd2(store_, {Row(1, "A", "ann", "silver", 20)}, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> want =
      Sorted({"1|A|ann|gold|10|10|20|false", "1|A|ann|silver|30|20|null|true"});
  EXPECT_EQ(Table(store_), want);
  EXPECT_EQ(r->rows_inserted, 0);
  EXPECT_EQ(r->rows_updated, 2);
  auto again = MergeScd2(store_, {Row(1, "A", "ann", "silver", 20)}, c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->commit.version, -1);
  EXPECT_EQ(Table(store_), want);
}

TEST_F(MergeTest, Scd2LateChangeInsideAVersionWithANewerFoldedEventResumesTheOldValues) {
  Seed({}, /*scd2=*/true);
  CdcSpec c = Cdc();
  c.source_columns = {"id", "region", "name", "tier", "seq"};
  c.track_columns = {"tier"};
  // gold at 10, gold again at 30 (folded in: only the sequence value moves).
  ASSERT_TRUE(
      MergeScd2(store_, {Row(1, "A", "ann", "gold", 10), Row(1, "A", "ann", "gold", 30)}, c).ok());
  EXPECT_EQ(Table(store_), std::vector<std::string>{"1|A|ann|gold|30|10|null|true"});
  // silver at 20 arrives late: gold was seen at 30, so gold resumes there.
  auto r = MergeScd2(store_, {Row(1, "A", "ann", "silver", 20)}, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> want =
      Sorted({"1|A|ann|gold|30|10|20|false", "1|A|ann|silver|20|20|30|false",
              "1|A|ann|gold|30|30|null|true"});
  EXPECT_EQ(Table(store_), want);
  for (int64_t seq : {10, 20, 30}) {
    auto again = MergeScd2(store_, {Row(1, "A", "ann", seq == 20 ? "silver" : "gold", seq)}, c);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->commit.version, -1) << seq;
  }
  EXPECT_EQ(Table(store_), want);
}

TEST_F(MergeTest, Scd1DuplicateKeysWithTheSameSequenceTakeTheLaterRow) {
  Seed({Row(1, "A", "ann", "gold", 5)});
  // Documented rule: per key the highest sequence wins, ties go to the later
  // row of the batch (no error, unlike a general MERGE with duplicates).
  auto r = MergeScd1(store_,
                     {Row(1, "A", "first", "x", 8), Row(1, "A", "second", "y", 8),
                      Row(2, "A", "b1", "gold", 3), Row(2, "A", "b2", "gold", 3)},
                     Cdc());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Table(store_), (std::vector<std::string>{"1|A|second|y|8", "2|A|b2|gold|3"}));
  EXPECT_EQ(r->rows_updated, 1);
  EXPECT_EQ(r->rows_inserted, 1);
}

TEST_F(MergeTest, Scd2KeysInManyPartitionsRewriteOnlyTheirPartitionsFiles) {
  // Partitioned by region; one current version per key in A, B, C and D.
  Seed({}, /*scd2=*/true);
  CdcSpec c = Cdc();
  c.keys = {"region", "id"};  // the partition column in the key prunes by partition
  c.source_columns = {"id", "region", "name", "tier", "seq"};
  c.track_columns = {"tier"};
  ASSERT_TRUE(MergeScd2(store_,
                        {Row(1, "A", "a", "gold", 10), Row(2, "B", "b", "gold", 10),
                         Row(3, "C", "c", "gold", 10), Row(4, "D", "d", "gold", 10)},
                        c)
                  .ok());
  ASSERT_EQ(Snapshot::Load(store_).value()->files().size(), 4u);
  // Changes for A (late: before its version), C (a new version), and a new
  // key in E; B and D are not in the batch.
  auto r = MergeScd2(
      store_,
      {Row(1, "A", "a", "silver", 5), Row(3, "C", "c", "bronze", 20), Row(5, "E", "e", "gold", 7)},
      c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_read, 2);  // A and C only: partition pruning
  EXPECT_EQ(r->files_removed, 2);
  for (const auto& p : r->removed_paths) {
    EXPECT_TRUE(p.find("region=A") != std::string::npos || p.find("region=C") != std::string::npos)
        << p;
  }
  EXPECT_EQ(Table(store_), Sorted({"1|A|a|silver|5|5|10|false", "1|A|a|gold|10|10|null|true",
                                   "2|B|b|gold|10|10|null|true", "3|C|c|gold|10|10|20|false",
                                   "3|C|c|bronze|20|20|null|true", "4|D|d|gold|10|10|null|true",
                                   "5|E|e|gold|7|7|null|true"}));
  ExpectValidCommits(*store_);
}

TEST_F(MergeTest, Scd2OutOfOrderEventsGiveTheInOrderHistoryInAnyBatching) {
  // Hand-computed history of key 1: gold@10, silver@20, silver@25 (folded),
  // bronze@30, gold@40.
  const std::vector<std::string> want =
      Sorted({"1|A|ann|gold|10|10|20|false", "1|A|ann|silver|25|20|30|false",
              "1|A|ann|bronze|30|30|40|false", "1|A|ann|gold|40|40|null|true"});
  CdcSpec c = Cdc();
  c.source_columns = {"id", "region", "name", "tier", "seq"};
  c.track_columns = {"tier"};
  auto ev = [](int64_t seq, const char* tier) { return Row(1, "A", "ann", tier, seq); };
  // (a) one batch, reversed; (b) one event per batch, shuffled; (c) two
  // batches whose events interleave in time.
  std::vector<std::vector<std::vector<Value>>> orders = {
      {{ev(40, "gold"), ev(30, "bronze"), ev(25, "silver"), ev(20, "silver"), ev(10, "gold")}},
      {{ev(30, "bronze")},
       {ev(10, "gold")},
       {ev(40, "gold")},
       {ev(20, "silver")},
       {ev(25, "silver")}},
      {{ev(10, "gold"), ev(40, "gold")}, {ev(30, "bronze"), ev(20, "silver"), ev(25, "silver")}},
  };
  for (size_t o = 0; o < orders.size(); ++o) {
    fs_ = io::NewMemoryFileSystem();
    store_ = std::make_shared<LogStore>(fs_, "/t");
    Seed({}, /*scd2=*/true);
    for (const auto& batch : orders[o]) {
      auto r = MergeScd2(store_, batch, c);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
    std::vector<std::string> expected = want;
    if (o == 2) {
      // gold@40 was folded into gold@10's version before silver@20 split
      // it: the closed piece keeps 40 as its sequence value (documented: an
      // upper bound, so replays of events it folded in stay no-ops).
      expected[1] = "1|A|ann|gold|40|10|20|false";
      std::sort(expected.begin(), expected.end());
    }
    EXPECT_EQ(Table(store_), expected) << "order " << o;
    // Replaying every batch again is a no-op.
    for (const auto& batch : orders[o]) {
      auto again = MergeScd2(store_, batch, c);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->commit.version, -1) << "order " << o;
    }
  }
}

TEST_F(MergeTest, Scd2DuplicateEventsWithTheSameSequenceTakeTheLaterRow) {
  Seed({}, /*scd2=*/true);
  CdcSpec c = Cdc();
  c.source_columns = {"id", "region", "name", "tier", "seq"};
  c.track_columns = {"tier"};
  auto r = MergeScd2(store_,
                     {Row(1, "A", "ann", "gold", 10), Row(1, "A", "ann", "silver", 10),
                      Row(1, "A", "ann", "silver", 10)},
                     c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Table(store_), std::vector<std::string>{"1|A|ann|silver|10|10|null|true"});
}

TEST_F(MergeTest, EmptySourceWithNotMatchedBySourceDeletesEveryMatchingRow) {
  SeedThreeRegions();
  MergeSpec spec;
  spec.keys = {"id"};
  spec.when_matched = {WhenMatched{}};
  WhenNotMatchedBySource d;
  d.condition = [](const Value* t, const Value*) { return t->items[1].bytes != "B"; };
  spec.when_not_matched_by_source = {d};
  auto r = Merge(store_, {}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_read, 3);
  EXPECT_EQ(r->rows_deleted, 6);
  EXPECT_EQ(r->files_removed, 2);  // B's file keeps all its rows: untouched
  EXPECT_EQ(Table(store_), Sorted({"11|B|b1|gold|1", "12|B|b2|gold|1", "13|B|b3|gold|1"}));
  // SCD modes with an empty source commit nothing.
  Seed({}, /*scd2=*/false);
  auto v = Snapshot::Load(store_).value()->version();
  CdcSpec c = Cdc();
  auto none = MergeScd1(store_, {}, c);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->commit.version, -1);
  EXPECT_EQ(Snapshot::Load(store_).value()->version(), v);
}

TEST_F(MergeTest, TransactionsCommitWithTheMergeAndNeverMoveBack) {
  SeedThreeRegions();
  MergeOptions o;
  o.set_transactions = {{"job:dim:0", 41}, {"job:dim:1", 7}};
  auto r = MergeScd1(store_, {Row(1, "A", "x", "gold", 2)}, Cdc(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto snap = Snapshot::Load(store_).value();
  EXPECT_EQ(snap->version(), r->commit.version);
  EXPECT_EQ(snap->TransactionVersion("job:dim:0"), 41);
  EXPECT_EQ(snap->TransactionVersion("job:dim:1"), 7);
  // No row changes (a replay), but a txn moves: a commit with only the txn.
  o.set_transactions = {{"job:dim:0", 45}, {"job:dim:1", 3}};
  r = MergeScd1(store_, {Row(1, "A", "x", "gold", 2)}, Cdc(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->commit.version, 0);
  EXPECT_EQ(r->files_added, 0);
  EXPECT_EQ(r->files_removed, 0);
  snap = Snapshot::Load(store_).value();
  EXPECT_EQ(snap->TransactionVersion("job:dim:0"), 45);
  EXPECT_EQ(snap->TransactionVersion("job:dim:1"), 7);  // never lowered
  // Nothing changes and no txn moves: no commit.
  r = MergeScd1(store_, {Row(1, "A", "x", "gold", 2)}, Cdc(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->commit.version, -1);
  // A concurrent writer of the same appId makes the merge re-plan.
  o.set_transactions = {{"job:dim:0", 50}};
  auto mine = RacedStore([&] {
    MergeOptions other;
    other.set_transactions = {{"job:dim:0", 60}};
    ASSERT_TRUE(MergeScd1(store_, {Row(21, "C", "c", "gold", 9)}, Cdc(), other).ok());
  });
  r = MergeScd1(mine, {Row(2, "A", "y", "gold", 9)}, Cdc(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(Snapshot::Load(store_).value()->TransactionVersion("job:dim:0"), 60);
  ExpectValidCommits(*store_);
}

TEST_F(MergeTest, FilesPastTheBufferLimitAreReadAgainWhenRewritten) {
  SeedThreeRegions();
  MergeOptions o;
  o.max_buffered_rows = 3;  // file A is kept in memory, B and C are read twice
  auto r = MergeScd1(store_,
                     {Row(2, "A", "a2", "silver", 2), Row(13, "B", "b3", "silver", 2),
                      Row(21, "C", "c1", "silver", 2), Row(22, "C", "c2", "gold", 1)},
                     Cdc(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_removed, 3);
  EXPECT_EQ(r->rows_updated, 3);
  EXPECT_EQ(r->rows_copied, 6);
  EXPECT_GT(r->bytes_read, 0);
  EXPECT_GT(r->bytes_removed, 0);
  EXPECT_GT(r->bytes_added, 0);
  EXPECT_EQ(Table(store_), Sorted({"1|A|a1|gold|1", "2|A|a2|silver|2", "3|A|a3|gold|1",
                                   "11|B|b1|gold|1", "12|B|b2|gold|1", "13|B|b3|silver|2",
                                   "21|C|c1|silver|2", "22|C|c2|gold|1", "23|C|c3|gold|1"}));
  ExpectValidCommits(*store_);
}

}  // namespace
}  // namespace lakestream::delta
