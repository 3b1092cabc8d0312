// In-commit timestamps written (PROTOCOL.md "In-Commit Timestamps"): the
// protocol of a new table that asks for them, commit times that never go
// back whatever the clock does, a retried commit passing the winner's time,
// turning them on (and off) for an existing table, and time travel by them.
//
// The memory file system's file times are a logical clock near the epoch,
// and commit clocks are ManualClocks in 2025: any timestamp near 2025 can
// only have come from an in-commit timestamp.
#include <gtest/gtest.h>

#include <map>

#include "common/manual_clock.h"
#include "delta/alter.h"
#include "delta/features.h"
#include "delta/history.h"
#include "delta/operations.h"
#include "delta/transaction.h"
#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using testing::EventRows;
using testing::EventSchema;
using testing::ExpectValidCommits;

constexpr int64_t kT0 = 1764000000000;  // ManualClock's default wall time, ms

class InCommitTimestampsTest : public ::testing::Test {
 protected:
  // `ict`: delta.enableInCommitTimestamps for a new table ("" leaves it unset).
  WriteRequest Request(const std::string& ict, Clock* clock) {
    WriteRequest r;
    r.configuration = {{"delta.logRetentionDuration", "interval 100000 weeks"}};
    if (!ict.empty()) r.configuration[kEnableInCommitTimestampsKey] = ict;
    r.commit.clock = clock;
    r.commit.initial_backoff_ms = 1;
    return r;
  }
  void Append(int64_t first_id, Clock* clock, const std::string& ict = "") {
    auto r = WriteRows(store_, EventSchema(), EventRows(first_id, 3), Request(ict, clock));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::shared_ptr<const Snapshot> At(std::optional<int64_t> version = std::nullopt) {
    SnapshotOptions o;
    o.version = version;
    auto s = Snapshot::Load(store_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }
  // commitInfo.inCommitTimestamp of `version`, or nullopt.
  std::optional<int64_t> Ict(int64_t version) {
    auto snap = At(version);
    const auto& ci = snap->commit_info();
    EXPECT_TRUE(ci.has_value()) << "version " << version << " has no commitInfo";
    return ci ? ci->in_commit_timestamp : std::nullopt;
  }
  int64_t FileTime(int64_t version) {
    return store_->List().value().commits.at(version).mtime_ms;
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");
  ManualClock clock_;
};

TEST_F(InCommitTimestampsTest, NewTableAsksForThemAndGetsAWriterOnlyFeature) {
  Append(0, &clock_, "true");
  auto snap = At();
  EXPECT_EQ(snap->protocol().min_reader_version, 1);
  EXPECT_EQ(snap->protocol().min_writer_version, 7);
  EXPECT_FALSE(snap->protocol().reader_features.has_value()) << "reader 1 lists no features";
  EXPECT_TRUE(snap->protocol().HasWriterFeature("inCommitTimestamp"));
  EXPECT_TRUE(snap->protocol().HasWriterFeature("invariants")) << "id is NOT NULL";
  EXPECT_TRUE(InCommitTimestampsEnabled(snap->protocol(), snap->metadata()));
  ASSERT_TRUE(snap->commit_info().has_value());
  EXPECT_EQ(snap->commit_info()->in_commit_timestamp, kT0);
  EXPECT_EQ(snap->commit_info()->timestamp, kT0) << "timestamp is the in-commit timestamp";
  EXPECT_EQ(snap->timestamp_ms(), kT0);
  // Version 0 had no commits before it: nothing to record.
  EXPECT_FALSE(snap->metadata().Config(kInCommitTimestampEnablementVersionKey));
  ExpectValidCommits(*store_);
}

TEST_F(InCommitTimestampsTest, NewTablesHaveThemByDefaultAndFalseOptsOut) {
  Append(0, &clock_);
  auto snap = At();
  EXPECT_EQ(snap->metadata().Config(kEnableInCommitTimestampsKey), "true");
  EXPECT_EQ(snap->protocol().min_reader_version, 1);
  EXPECT_TRUE(snap->protocol().HasWriterFeature("inCommitTimestamp"));
  EXPECT_EQ(Ict(0), kT0);

  store_ = std::make_shared<LogStore>(fs_, "/opted_out");
  Append(0, &clock_, "false");
  Append(3, &clock_);
  snap = At();
  EXPECT_EQ(snap->protocol().min_writer_version, 2);
  EXPECT_FALSE(snap->protocol().writer_features.has_value());
  EXPECT_FALSE(Ict(0));
  EXPECT_FALSE(Ict(1));
}

TEST_F(InCommitTimestampsTest, StrictlyIncreasingWhenTheClockGoesBackwards) {
  Append(0, &clock_, "true");
  clock_.SetNowMillis(kT0 - 3'600'000);  // the wall clock jumps back an hour
  Append(3, &clock_);
  Append(6, &clock_);
  clock_.SetNowMillis(kT0);  // and returns to the first commit's millisecond
  Append(9, &clock_);
  EXPECT_EQ(Ict(0), kT0);
  EXPECT_EQ(Ict(1), kT0 + 1);
  EXPECT_EQ(Ict(2), kT0 + 2);
  EXPECT_EQ(Ict(3), kT0 + 3);
  clock_.SetNowMillis(kT0 + 60'000);  // a clock ahead again is taken as it is
  Append(12, &clock_);
  EXPECT_EQ(Ict(4), kT0 + 60'000);
  ExpectValidCommits(*store_);
}

TEST_F(InCommitTimestampsTest, ARetriedCommitPassesTheWinnersTime) {
  Append(0, &clock_, "true");
  auto read = At();
  ManualClock winner_clock(clock_.NowMicros() + 50'000'000);  // 50 s ahead
  ManualClock loser_clock(clock_.NowMicros() + 1'000);        // 1 ms ahead
  CommitOptions winner_opts, loser_opts;
  winner_opts.clock = &winner_clock;
  loser_opts.clock = &loser_clock;
  loser_opts.initial_backoff_ms = 1;
  Transaction winner(store_, read, winner_opts), loser(store_, read, loser_opts);
  auto files = [&](int64_t first) {
    auto w = TableWriter::Make(fs_, "/t", EventSchema(), {}).value();
    EXPECT_TRUE(w->Write(EventRows(first, 2)).ok());
    return w->Finish().value();
  };
  winner.AddFiles(files(100));
  loser.AddFiles(files(200));
  auto w = winner.Commit();
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  // The loser built version 1 at kT0 + 1; it is retried as version 2 after the winner's.
  auto l = loser.Commit();
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->version, 2);
  EXPECT_EQ(l->attempts, 2);
  EXPECT_EQ(Ict(1), kT0 + 50'000);
  // The loser's clock only moved by its backoff: its time comes from the winner's.
  EXPECT_LT(loser_clock.NowMicros() / 1000, kT0 + 50'000);
  EXPECT_EQ(Ict(2), kT0 + 50'001);
  ExpectValidCommits(*store_);
}

TEST_F(InCommitTimestampsTest, TurnedOnForAnExistingTableRecordsWhen) {
  ManualClock early(0);  // a clock behind the file times: the enabling commit must pass them
  Append(0, &early, "false");
  Append(3, &early);
  EXPECT_EQ(At()->protocol().min_writer_version, 2);
  CommitOptions opts;
  opts.clock = &early;
  auto on = SetInCommitTimestamps(store_, true, opts);
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  ASSERT_EQ(on->version, 2);
  auto snap = At();
  // Writer version 2 implied appendOnly and invariants: an upgraded table lists them.
  EXPECT_EQ(snap->protocol().min_reader_version, 1);
  EXPECT_EQ(snap->protocol().min_writer_version, 7);
  EXPECT_EQ(snap->protocol().writer_features,
            (std::vector<std::string>{"appendOnly", "invariants", "inCommitTimestamp"}));
  ASSERT_TRUE(Ict(2));
  EXPECT_GT(*Ict(2), FileTime(1)) << "the enabling commit passes the previous file time";
  EXPECT_EQ(snap->metadata().Config(kInCommitTimestampEnablementVersionKey), "2");
  EXPECT_EQ(snap->metadata().Config(kInCommitTimestampEnablementTimestampKey),
            std::to_string(*Ict(2)));
  EXPECT_FALSE(Ict(0));
  EXPECT_FALSE(Ict(1));
  // Already on: nothing to commit.
  EXPECT_EQ(SetInCommitTimestamps(store_, true, opts)->version, -1);

  // Later commits keep the provenance and carry in-commit timestamps.
  Append(6, &clock_);
  EXPECT_EQ(Ict(3), kT0);
  EXPECT_EQ(At()->metadata().Config(kInCommitTimestampEnablementVersionKey), "2");
  ExpectValidCommits(*store_);

  // Off: the property is false, the provenance gone, the feature still listed.
  auto off = SetInCommitTimestamps(store_, false, opts);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->version, 4);
  snap = At();
  EXPECT_EQ(snap->metadata().Config(kEnableInCommitTimestampsKey), "false");
  EXPECT_FALSE(snap->metadata().Config(kInCommitTimestampEnablementVersionKey));
  EXPECT_FALSE(snap->metadata().Config(kInCommitTimestampEnablementTimestampKey));
  EXPECT_TRUE(snap->protocol().HasWriterFeature("inCommitTimestamp"));
  Append(9, &clock_);
  EXPECT_FALSE(Ict(5));

  // On again: the provenance names the new enablement.
  ASSERT_EQ(SetInCommitTimestamps(store_, true, opts)->version, 6);
  EXPECT_EQ(At()->metadata().Config(kInCommitTimestampEnablementVersionKey), "6");
  EXPECT_EQ(At()->protocol().writer_features->size(), 3u) << "listed once";
}

TEST_F(InCommitTimestampsTest, TimeTravelByTimestampUsesThemAfterEnablement) {
  ManualClock early(0);
  Append(0, &early, "false");
  Append(3, &early);  // versions 0 and 1: file times only (tiny)
  CommitOptions opts;
  opts.clock = &clock_;
  ASSERT_EQ(SetInCommitTimestamps(store_, true, opts)->version, 2);
  clock_.AdvanceMillis(10'000);
  Append(6, &clock_);  // version 3 at kT0 + 10 s
  clock_.AdvanceMillis(10'000);
  Append(9, &clock_);  // version 4 at kT0 + 20 s
  ASSERT_EQ(Ict(2), kT0);
  ASSERT_EQ(Ict(3), kT0 + 10'000);
  ASSERT_EQ(Ict(4), kT0 + 20'000);

  auto version_at = [&](int64_t ms) -> Result<int64_t> {
    SnapshotOptions o;
    o.timestamp_ms = ms;
    ASSIGN_OR_RETURN(auto s, Snapshot::Load(store_, o));
    return s->version();
  };
  EXPECT_EQ(version_at(kT0).value(), 2);
  EXPECT_EQ(version_at(kT0 + 9'999).value(), 2);
  EXPECT_EQ(version_at(kT0 + 10'000).value(), 3);
  EXPECT_EQ(version_at(kT0 + 19'999).value(), 3);
  EXPECT_EQ(version_at(kT0 + 86'400'000).value(), 4);
  // Before the enablement only file times count: version 1's, not any in-commit timestamp.
  EXPECT_EQ(version_at(FileTime(1)).value(), 1);
  EXPECT_EQ(version_at(kT0 - 1).value(), 1);
  EXPECT_TRUE(version_at(FileTime(0) - 1).status().IsNotFound());

  // History shows the same times: in-commit timestamps from version 2, file times before.
  auto snap = At();
  auto listing = store_->List().value();
  auto history = ReadHistory(*store_, listing, InCommitTimestampsFrom(snap->metadata()),
                             std::nullopt);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 5u);
  std::map<int64_t, int64_t> times;
  for (const auto& e : *history) times[e.version] = e.timestamp_ms;
  EXPECT_EQ(times[4], kT0 + 20'000);
  EXPECT_EQ(times[3], kT0 + 10'000);
  EXPECT_EQ(times[2], kT0);
  EXPECT_EQ(times[1], FileTime(1));
  EXPECT_EQ(times[0], FileTime(0));
}

TEST_F(InCommitTimestampsTest, AnOverwritesNewMetadataKeepsTheProvenance) {
  Append(0, &clock_, "false");
  CommitOptions opts;
  opts.clock = &clock_;
  ASSERT_EQ(SetInCommitTimestamps(store_, true, opts)->version, 1);
  // Metadata staged from scratch (as a replacing write builds it) without the provenance.
  auto snap = At();
  Metadata m = snap->metadata();
  m.configuration.erase(kInCommitTimestampEnablementVersionKey);
  m.configuration.erase(kInCommitTimestampEnablementTimestampKey);
  m.configuration["delta.appendOnly"] = "false";
  Transaction txn(store_, snap, opts);
  txn.SetMetadata(m);
  ASSERT_TRUE(txn.Commit().ok());
  EXPECT_EQ(At()->metadata().Config(kInCommitTimestampEnablementVersionKey), "1");
  EXPECT_EQ(At()->metadata().Config(kInCommitTimestampEnablementTimestampKey),
            std::to_string(*Ict(1)));
}

TEST(WithWriterFeatureTest, ALegacyProtocolListsWhatItImplied) {
  Protocol cm;  // column mapping on legacy versions
  cm.min_reader_version = 2;
  cm.min_writer_version = 5;
  Protocol p = WithWriterFeature(cm, "inCommitTimestamp");
  EXPECT_EQ(p.min_reader_version, 2);
  EXPECT_FALSE(p.reader_features.has_value());
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_EQ(p.writer_features,
            (std::vector<std::string>{"appendOnly", "invariants", "checkConstraints",
                                      "changeDataFeed", "generatedColumns", "columnMapping",
                                      "inCommitTimestamp"}));
  Protocol again = WithWriterFeature(p, "inCommitTimestamp");
  EXPECT_EQ(again, p);
}

}  // namespace
}  // namespace lakestream::delta
