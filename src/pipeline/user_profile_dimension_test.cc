#include "pipeline/user_profile_dimension.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "delta/operations.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "io/file_system.h"
#include "pipeline/generator/clickstream_generator.h"

namespace lakestream::pipeline {
namespace {

using parquet::Value;

std::string Text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kInt64:
      return std::to_string(v.i64);
    case Value::Kind::kBool:
      return v.b ? "true" : "false";
    default:
      return v.bytes;
  }
}

std::vector<std::vector<Value>> ReadRows(const std::shared_ptr<delta::LogStore>& store) {
  auto snap = delta::Snapshot::Load(store).value();
  std::vector<Value> rows;
  for (const auto& f : snap->files()) EXPECT_TRUE(delta::ReadFileRows(*snap, f, &rows).ok());
  std::vector<std::vector<Value>> out;
  for (auto& r : rows) out.push_back(std::move(r.items));
  return out;
}

// Row texts "user|country|...|event_time|valid_from|valid_to|is_current", sorted.
std::vector<std::string> Texts(const std::vector<std::vector<Value>>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string s;
    for (const auto& v : r) s += (s.empty() ? "" : "|") + Text(v);
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class UserProfileDimensionTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<delta::LogStore> store_ = std::make_shared<delta::LogStore>(fs_, "/dim");

  // `n` lines in batches of `batch`.
  std::vector<std::vector<std::string>> Generate(GeneratorOptions o, int n, int batch) {
    auto gen = ClickstreamGenerator::Create(o).value();
    std::vector<std::vector<std::string>> batches(1);
    for (int i = 0; i < n; ++i) {
      if (static_cast<int>(batches.back().size()) == batch) batches.emplace_back();
      batches.back().push_back(gen->Next());
    }
    return batches;
  }
  Result<UserProfileResult> Apply(const std::vector<std::string>& lines) {
    std::vector<std::string_view> views(lines.begin(), lines.end());
    return ApplyUserProfileEvents(store_, views);
  }
};

// With no late events the dimension equals the history computed directly:
// per user, events in time order, a new version whenever an attribute changes.
TEST_F(UserProfileDimensionTest, BatchesInTimeOrderGiveTheReferenceHistory) {
  GeneratorOptions o;
  o.users = 40;
  o.attribute_change_rate = 0.05;
  o.late_rate = 0;
  o.duplicate_rate = 0.02;
  o.malformed_rate = 0.01;
  auto batches = Generate(o, 3000, 700);
  int64_t bad = 0;
  for (const auto& b : batches) {
    auto r = Apply(b);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    bad += r->bad_records;
  }
  EXPECT_GT(bad, 0);
  // Reference.
  struct Event {
    int64_t t;
    std::vector<std::string> attrs;
  };
  std::map<int64_t, std::vector<Event>> by_user;
  for (const auto& b : batches) {
    for (const auto& line : b) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      // Truncated lines and bad user_id / event_time are skipped; other
      // malformed lines still carry a profile.
      if (j.is_discarded() || !j["user_id"].is_number_integer()) continue;
      auto t = ParseTimestampMicros(j["event_time"].get<std::string>());
      if (!t) continue;
      Event e;
      e.t = *t;
      for (const auto& c : UserProfileTrackedColumns()) {
        e.attrs.push_back(j[c].is_null()     ? "null"
                          : j[c].is_string() ? j[c].get<std::string>()
                                             : j[c].dump());
      }
      by_user[j["user_id"].get<int64_t>()].push_back(std::move(e));
    }
  }
  std::vector<std::string> want;
  for (auto& [user, events] : by_user) {
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.t < b.t; });
    std::vector<std::pair<Event, int64_t>> versions;  // last event, valid_from
    for (const auto& e : events) {
      if (!versions.empty() && versions.back().first.attrs == e.attrs) {
        versions.back().first.t = e.t;
      } else {
        versions.push_back({e, e.t});
      }
    }
    for (size_t i = 0; i < versions.size(); ++i) {
      std::string s = std::to_string(user);
      for (const auto& a : versions[i].first.attrs) s += "|" + a;
      s += "|" + std::to_string(versions[i].first.t) + "|" + std::to_string(versions[i].second);
      s += i + 1 < versions.size() ? "|" + std::to_string(versions[i + 1].second) + "|false"
                                   : "|null|true";
      want.push_back(s);
    }
  }
  std::sort(want.begin(), want.end());
  auto got = Texts(ReadRows(store_));
  EXPECT_GT(got.size(), by_user.size());  // some users changed attributes
  EXPECT_EQ(got, want);
}

// With late and duplicate events: one current version per user, versions
// contiguous and each differing from the one before, replaying the last
// batch commits nothing.
TEST_F(UserProfileDimensionTest, LateEventsKeepHistoryContiguousAndReplaysAreNoOps) {
  GeneratorOptions o;
  o.users = 30;
  o.attribute_change_rate = 0.05;
  o.late_rate = 0.1;
  o.max_lateness_us = 600LL * 1000000;
  o.duplicate_rate = 0.05;
  auto batches = Generate(o, 2400, 400);
  for (const auto& b : batches) ASSERT_TRUE(Apply(b).ok());
  auto replay = Apply(batches.back());
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->merge.commit.version, -1);
  std::map<int64_t, std::vector<std::vector<Value>>> by_user;
  for (auto& r : ReadRows(store_)) by_user[r[0].i64].push_back(std::move(r));
  const size_t from = 8, to = 9, cur = 10;
  for (auto& [user, vers] : by_user) {
    std::sort(vers.begin(), vers.end(),
              [&](const auto& a, const auto& b) { return a[from].i64 < b[from].i64; });
    for (size_t i = 0; i < vers.size(); ++i) {
      bool last = i + 1 == vers.size();
      EXPECT_EQ(vers[i][cur].b, last) << user;
      EXPECT_EQ(vers[i][to].is_null(), last) << user;
      EXPECT_LE(vers[i][from].i64, vers[i][7].i64) << user;  // event_time inside the version
      if (!last) {
        EXPECT_EQ(vers[i][to].i64, vers[i + 1][from].i64) << user;
        bool differs = false;
        for (size_t c = 1; c <= 6; ++c) differs = differs || !(vers[i][c] == vers[i + 1][c]);
        EXPECT_TRUE(differs) << user << " version " << i;
      }
    }
  }
}

// The dimension is created with deletion vectors: merges mark the closed
// versions' rows and append, never copying a row, and give the same history
// as a copy-on-write dimension (created beforehand without the property) fed
// the same batches, late and duplicate events included. Small files so that
// a user's versions spread over several.
TEST_F(UserProfileDimensionTest, DeletionVectorsGiveTheCopyOnWriteHistoryWithoutCopying) {
  auto cow = std::make_shared<delta::LogStore>(fs_, "/cow");
  ASSERT_TRUE(delta::CreateTable(cow, UserProfileSchema(), {}).ok());
  GeneratorOptions o;
  o.users = 25;
  o.attribute_change_rate = 0.08;
  o.late_rate = 0.1;
  o.max_lateness_us = 600LL * 1000000;
  o.duplicate_rate = 0.05;
  auto batches = Generate(o, 2000, 250);
  delta::MergeOptions mo;
  mo.writer.target_file_size = 1;
  mo.writer.shred_batch_rows = 8;
  int64_t dvs = 0;
  for (const auto& b : batches) {
    std::vector<std::string_view> views(b.begin(), b.end());
    auto d = ApplyUserProfileEvents(store_, views, mo);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->merge.rows_copied, 0);
    dvs += d->merge.deletion_vectors_added;
    auto c = ApplyUserProfileEvents(cow, views, mo);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(d->merge.rows_inserted, c->merge.rows_inserted);
    EXPECT_EQ(d->merge.rows_updated, c->merge.rows_updated);
    ASSERT_EQ(Texts(ReadRows(store_)), Texts(ReadRows(cow)));
  }
  EXPECT_GT(dvs, 0);
  auto snap = delta::Snapshot::Load(store_).value();
  EXPECT_EQ(snap->metadata().Config("delta.enableDeletionVectors"), "true");
  EXPECT_TRUE(snap->protocol().HasWriterFeature("deletionVectors"));
  int64_t marked = 0;
  for (const auto& f : snap->files()) marked += f.deletion_vector ? 1 : 0;
  EXPECT_GT(marked, 0);
  EXPECT_FALSE(delta::Snapshot::Load(cow).value()->protocol().HasWriterFeature("deletionVectors"));
}

}  // namespace
}  // namespace lakestream::pipeline
