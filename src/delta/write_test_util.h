// Test fixtures shared by the Delta write tests: a small event schema, row
// builders, and helpers that read a table back and validate its commits.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "delta/commit_checker_test_util.h"
#include "delta/log_store.h"
#include "delta/row_reader.h"
#include "delta/schema.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "io/file_system.h"
#include "parquet/value.h"

namespace lakestream::delta::testing {

// id long not null, country string, event_date date, amount double,
// ts timestamp, info struct<a:long, b:string>
inline DeltaType EventSchema() {
  auto r = ParseSchemaString(
      R"({"type":"struct","fields":[)"
      R"({"name":"id","type":"long","nullable":false,"metadata":{}},)"
      R"({"name":"country","type":"string","nullable":true,"metadata":{}},)"
      R"({"name":"event_date","type":"date","nullable":true,"metadata":{}},)"
      R"({"name":"amount","type":"double","nullable":true,"metadata":{}},)"
      R"({"name":"ts","type":"timestamp","nullable":true,"metadata":{}},)"
      R"({"name":"info","type":{"type":"struct","fields":[)"
      R"({"name":"a","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"b","type":"string","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]})");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

inline parquet::Value EventRow(int64_t id, const std::string& country, int32_t day, double amount,
                               int64_t ts_us) {
  using parquet::Value;
  return Value::Struct({Value::Int64(id), country.empty() ? Value::Null() : Value::Bytes(country),
                        Value::Int32(day), Value::Double(amount), Value::Int64(ts_us),
                        Value::Struct({Value::Int64(id * 10), Value::Bytes("b" + country)})});
}

// 20000 + day (2024-10-05 + day), countries cycling over DE/FR/US.
inline std::vector<parquet::Value> EventRows(int64_t first_id, int n) {
  static const char* kCountries[] = {"DE", "FR", "US"};
  std::vector<parquet::Value> rows;
  for (int i = 0; i < n; ++i) {
    int64_t id = first_id + i;
    rows.push_back(EventRow(id, kCountries[id % 3], 20000 + static_cast<int32_t>(id % 2),
                            static_cast<double>(id) * 1.5, 1'700'000'000'000'000 + id * 1'000'123));
  }
  return rows;
}

// All rows of the latest (or given) version.
inline std::vector<parquet::Value> ReadAll(std::shared_ptr<LogStore> store,
                                           std::optional<int64_t> version = std::nullopt) {
  SnapshotOptions o;
  o.version = version;
  auto snap = Snapshot::Load(store, o);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  std::vector<parquet::Value> rows;
  if (!snap.ok()) return rows;
  for (const auto& f : (*snap)->files()) {
    Status s = ReadFileRows(**snap, f, &rows);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return rows;
}

// The NDJSON ScanNdjson prints for the latest version ("<error>" after a
// failed expectation).
inline std::string ScanText(std::shared_ptr<LogStore> store, const ScanOptions& options = {},
                            ScanStats* stats = nullptr) {
  auto snap = Snapshot::Load(store);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  if (!snap.ok()) return "<error>";
  std::string out;
  Status s = ScanNdjson(
      **snap, options,
      [&](std::string_view chunk) {
        out.append(chunk);
        return Status::OK();
      },
      stats);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return s.ok() ? out : "<error>";
}

inline std::multiset<int64_t> Ids(const std::vector<parquet::Value>& rows) {
  std::multiset<int64_t> ids;
  for (const auto& r : rows) ids.insert(r.items[0].i64);
  return ids;
}

// Every commit in the log passes CheckCommitFile, and in-commit timestamps,
// where commits carry them, strictly increase.
inline void ExpectValidCommits(const LogStore& store) {
  auto listing = store.List();
  ASSERT_TRUE(listing.ok());
  std::optional<int64_t> last_ict;
  for (const auto& [v, f] : listing->commits) {
    auto text = store.ReadCommit(v);
    ASSERT_TRUE(text.ok());
    auto first = nlohmann::json::parse(text->substr(0, text->find('\n')), nullptr, false);
    if (first.is_object() && first.contains("commitInfo") &&
        first["commitInfo"].contains("inCommitTimestamp")) {
      int64_t ict = first["commitInfo"]["inCommitTimestamp"].get<int64_t>();
      if (last_ict) EXPECT_GT(ict, *last_ict) << "inCommitTimestamp of v" << v;
      last_ict = ict;
    }
    auto errs = CheckCommitFile(*text, v, {});
    // Partition keys are checked against the metaData of the same commit
    // only; later commits are checked against the table's.
    if (v > 0) {
      SnapshotOptions o;
      o.version = v;
      auto snap =
          Snapshot::Load(std::make_shared<LogStore>(store.shared_fs(), store.table_root()), o);
      ASSERT_TRUE(snap.ok());
      errs = CheckCommitFile(*text, v, (*snap)->partition_columns());
    }
    EXPECT_TRUE(errs.empty()) << errs.front() << "\n" << *text;
  }
}

}  // namespace lakestream::delta::testing
