#include "common/manual_clock.h"
#include "stream/micro_batch_engine.h"

#include <gtest/gtest.h>

#include <set>

#include "pipeline/generator/clickstream_generator.h"
#include "stream/dedup_rebuild.h"
#include "stream/testing_fake_source.h"
#include "stream/testing_fake_source_config.h"
#include "stream/testing_memory_sink.h"

namespace lakestream::stream {
namespace {

using testing::FakeSource;
using testing::MemoryBatchSink;

PipelineConfig TestConfig() { return testing::FakeSourceConfig(); }
std::string Event(const std::string& id, const std::string& time, const std::string& n = "1") {
  return testing::EventJson(id, time, n);
}

// All event ids in the events table.
std::multiset<std::string> EventIds(MemoryBatchSink& sink) {
  std::multiset<std::string> ids;
  for (const StagedFile& f : sink.table(TableRole::kEvents).files) {
    Status st = ReadKeysFromFile(sink.fs(), "/mem/events/" + f.path, "event_id", "event_time",
                                 [&](std::string_view k, int64_t) { ids.emplace(k); });
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return ids;
}

// (offset, reason) of every quarantined row.
std::multimap<int64_t, std::string> QuarantineRows(MemoryBatchSink& sink) {
  std::multimap<int64_t, std::string> rows;
  for (const StagedFile& f : sink.table(TableRole::kQuarantine).files) {
    Status st = ReadKeysFromFile(sink.fs(), "/mem/events_quarantine/" + f.path, "reason", "offset",
                                 [&](std::string_view r, int64_t off) { rows.emplace(off, r); });
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return rows;
}

class MicroBatchEngineTest : public ::testing::Test {
 protected:
  Status RunOnce(PipelineConfig cfg = TestConfig()) {
    ASSIGN_OR_RETURN(auto engine, MicroBatchEngine::Make(cfg, &source_, &sink_));
    Status st = engine->Run();
    last_stats_ = engine->stats();
    return st;
  }
  // For the Kafka commit tests: a running (not available_now) engine on `clock`, subscribed
  // to two events on partition 0 that are polled one at a time.
  Result<std::unique_ptr<MicroBatchEngine>> KafkaCommitEngine(ManualClock* clock) {
    PipelineConfig cfg = TestConfig();
    cfg.available_now = false;
    EngineOptions o;
    o.clock = clock;
    source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
    source_.Append(0, Event("b", "2026-11-24T10:00:01Z"));
    ASSIGN_OR_RETURN(auto engine, MicroBatchEngine::Make(cfg, &source_, &sink_, o));
    RETURN_IF_ERROR(source_.Subscribe({"clicks"}));
    source_.chunk = 1;
    return engine;
  }

  FakeSource source_;
  MemoryBatchSink sink_;
  EngineStats last_stats_;
};

// A record without its partition field is bad (quarantined, with the reason), never filed
// silently under __HIVE_DEFAULT_PARTITION__; an explicit null is the null partition.
TEST_F(MicroBatchEngineTest, MissingPartitionFieldIsABadRecord) {
  Result<PipelineConfig> cfg = ParsePipelineConfig(R"(
pipeline_id: test
source: {topic: clicks, brokers: "127.0.0.1:9092"}  # a FakeSource reads; no broker is contacted
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: country, type: string}
partition_by:
  - {name: region, type: string, source: country}
trigger: {interval: 1h, max_records: 1000000}
available_now: true
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  source_.Append(0, R"({"event_id":"a","event_time":"2026-11-24T10:00:00Z","country":"DE"})");
  source_.Append(0, R"({"event_id":"b","event_time":"2026-11-24T10:00:00Z"})");
  source_.Append(0, R"({"event_id":"c","event_time":"2026-11-24T10:00:00Z","country":null})");
  ASSERT_TRUE(RunOnce(*cfg).ok());
  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"a", "c"}));
  std::multimap<int64_t, std::string> q = QuarantineRows(sink_);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q.begin()->first, 1);
  EXPECT_NE(q.begin()->second.find("partition column region: field country is missing"),
            std::string::npos)
      << q.begin()->second;
}

TEST_F(MicroBatchEngineTest, GoodDuplicateAndBadRecordsLandWhereTheyBelong) {
  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  source_.Append(0, Event("b", "2026-11-24T23:59:59Z"));
  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));             // duplicate
  source_.Append(0, "{\"event_id\":\"c\",\"event_time\":\"");        // truncated
  source_.Append(1, Event("d", "2026-11-25T00:00:01Z", "\"abc\""));  // wrong type
  source_.Append(1, Event("e", "24/11/2026 10:15"));                 // bad time
  source_.Append(1, "[1,2]");                                        // not an object
  source_.Append(1, Event("b", "2026-11-24T23:59:59Z"));             // duplicate across partitions
  source_.Append(1, Event("f", "2026-11-25T08:00:00Z"));
  ASSERT_TRUE(RunOnce().ok());

  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"a", "b", "f"}));
  // Partitioned by the UTC date of event_time.
  std::set<std::string> dates;
  for (const StagedFile& f : sink_.table(TableRole::kEvents).files) {
    dates.insert(*f.partition_values.at("event_date"));
    EXPECT_EQ(f.path.rfind("event_date=", 0), 0u) << f.path;
  }
  EXPECT_EQ(dates, (std::set<std::string>{"2026-11-24", "2026-11-25"}));

  std::multimap<int64_t, std::string> q = QuarantineRows(sink_);
  ASSERT_EQ(q.size(), 4u);
  std::vector<std::string> reasons;
  for (const auto& [off, why] : q) reasons.push_back(why);
  EXPECT_NE(q.find(3)->second.find("JSON"), std::string::npos) << q.find(3)->second;
  bool saw_n = false, saw_time = false, saw_object = false;
  for (const auto& r : reasons) {
    saw_n |= r.find("column n") != std::string::npos;
    saw_time |= r.find("partition column event_date") != std::string::npos;
    saw_object |= r.find("not a JSON object") != std::string::npos;
  }
  EXPECT_TRUE(saw_n && saw_time && saw_object);

  // One commit per table; txn = last offset per partition; Kafka offsets next.
  EXPECT_EQ(sink_.table(TableRole::kEvents).commits, 1);
  EXPECT_EQ(sink_.table(TableRole::kEvents).txns.at({"clicks", 0}), 3);
  EXPECT_EQ(sink_.table(TableRole::kEvents).txns.at({"clicks", 1}), 4);
  EXPECT_EQ(sink_.table(TableRole::kQuarantine).txns.at({"clicks", 1}), 4);
  EXPECT_EQ(source_.committed.at({"clicks", 0}), 4);
  EXPECT_EQ(last_stats_.totals.duplicates, 2);
  EXPECT_EQ(last_stats_.totals.quarantined, 4);
  EXPECT_EQ(last_stats_.totals.events, 3);
}

TEST_F(MicroBatchEngineTest, RestartSeeksToTxnPlusOneAndDedupsAgainstTheTable) {
  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  source_.Append(0, Event("b", "2026-11-24T11:00:00Z"));
  ASSERT_TRUE(RunOnce().ok());
  // New records arrive, including resends of a and b; the Kafka group offset
  // is wrong (e.g. lost), but the table's txn decides where to start.
  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  source_.Append(0, Event("c", "2026-11-24T12:00:00Z"));
  source_.Append(0, Event("b", "2026-11-24T11:00:00Z"));
  source_.committed.clear();
  ASSERT_TRUE(RunOnce().ok());
  EXPECT_EQ(last_stats_.totals.records, 3);  // started at offset 2, not 0
  EXPECT_EQ(last_stats_.totals.duplicates, 2);
  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"a", "b", "c"}));
  EXPECT_EQ(sink_.table(TableRole::kEvents).txns.at({"clicks", 0}), 4);
}

TEST_F(MicroBatchEngineTest, PartitionMovedFromAnotherMemberDedupsAgainstItsCommits) {
  // Member B starts (and reads the empty table) before member A commits "a"
  // from partition 0; then the group moves partition 0 to B, which reads a
  // device's resend of "a". B must know A's commit by then.
  FakeSource b_source;
  b_source.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  b_source.Append(0, Event("a", "2026-11-24T10:00:00Z"));  // resend, offset 1
  b_source.Append(0, Event("b", "2026-11-24T10:05:00Z"));
  Result<std::unique_ptr<MicroBatchEngine>> member_b =
      MicroBatchEngine::Make(TestConfig(), &b_source, &sink_);
  ASSERT_TRUE(member_b.ok()) << member_b.status().ToString();

  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  ASSERT_TRUE(RunOnce().ok());  // member A commits offset 0
  ASSERT_EQ(EventIds(sink_), (std::multiset<std::string>{"a"}));

  ASSERT_TRUE((*member_b)->Run().ok());  // B is assigned partition 0: starts at offset 1
  EXPECT_EQ((*member_b)->stats().totals.records, 2);
  EXPECT_EQ((*member_b)->stats().totals.duplicates, 1);
  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"a", "b"}));
}

TEST_F(MicroBatchEngineTest, FailedCommitStopsTheEngineAndTheRerunIsExactlyOnce) {
  for (int i = 0; i < 20; ++i) {
    source_.Append(i % 2, Event("id" + std::to_string(i), "2026-11-24T10:00:00Z"));
  }
  source_.Append(0, "garbage");
  sink_.fail_next_commits = 1;
  Status st = RunOnce();
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_TRUE(EventIds(sink_).empty());
  ASSERT_TRUE(RunOnce().ok());
  EXPECT_EQ(EventIds(sink_).size(), 20u);
  EXPECT_EQ(QuarantineRows(sink_).size(), 1u);
}

TEST_F(MicroBatchEngineTest, PipelinedCommitsKeepOrderDedupAndOffsetsAcrossManyBatches) {
  // Batches of 10 records are committed on the committer thread while the
  // next ones are parsed; a key repeated in a later batch is still dropped
  // (it is committed, or sealed in the batch in flight).
  PipelineConfig cfg = TestConfig();
  cfg.trigger.max_records = 10;
  for (int i = 0; i < 200; ++i) {
    source_.Append(i % 3, Event("id" + std::to_string(i), "2026-11-24T10:00:00Z"));
    if (i % 7 == 0)
      source_.Append((i + 1) % 3, Event("id" + std::to_string(i), "2026-11-24T10:00:01Z"));
  }
  source_.chunk = 3;
  ASSERT_TRUE(RunOnce(cfg).ok());
  std::multiset<std::string> ids = EventIds(sink_);
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 200u);
  EXPECT_GE(sink_.table(TableRole::kEvents).commits, 20);
  EXPECT_EQ(last_stats_.totals.duplicates, 29);
  EXPECT_EQ(last_stats_.batches, sink_.table(TableRole::kEvents).commits);
  EXPECT_EQ(static_cast<int64_t>(last_stats_.commit_latency_us.size()), last_stats_.batches);
  // Kafka offsets were committed after each durable batch, up to the end.
  for (int p = 0; p < 3; ++p) {
    EXPECT_EQ(source_.committed.at({"clicks", p}),
              sink_.table(TableRole::kEvents).txns.at({"clicks", p}) + 1);
  }
}

TEST_F(MicroBatchEngineTest, FailedPipelinedCommitStopsTheEngineAndTheRerunIsExactlyOnce) {
  PipelineConfig cfg = TestConfig();
  cfg.trigger.max_records = 10;
  for (int i = 0; i < 100; ++i) {
    source_.Append(i % 2, Event("id" + std::to_string(i), "2026-11-24T10:00:00Z"));
    if (i % 10 == 0) source_.Append(0, "garbage " + std::to_string(i));
  }
  source_.chunk = 4;
  sink_.fail_commit_call = 3;
  Status st = RunOnce(cfg);
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  const size_t before = EventIds(sink_).size();
  EXPECT_GT(before, 0u);
  EXPECT_LT(before, 100u);
  // Nothing after the failed batch was committed.
  EXPECT_EQ(sink_.commit_calls, 3);
  ASSERT_TRUE(RunOnce(cfg).ok());
  std::multiset<std::string> ids = EventIds(sink_);
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 100u);
  EXPECT_EQ(QuarantineRows(sink_).size(), 10u);
}

TEST_F(MicroBatchEngineTest, CrashBetweenQuarantineAndEventsCommitsDoesNotDuplicateEither) {
  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  source_.Append(0, "bad-1");
  source_.Append(0, Event("b", "2026-11-24T10:00:00Z"));
  sink_.crash_after_quarantine_commit = true;
  EXPECT_FALSE(RunOnce().ok());
  EXPECT_EQ(QuarantineRows(sink_).size(), 1u);  // landed
  EXPECT_TRUE(EventIds(sink_).empty());         // did not
  source_.Append(0, "bad-2");
  ASSERT_TRUE(RunOnce().ok());
  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"a", "b"}));
  std::multimap<int64_t, std::string> q = QuarantineRows(sink_);
  ASSERT_EQ(q.size(), 2u);  // bad-1 once, bad-2 once
  EXPECT_EQ(q.begin()->first, 1);
  EXPECT_EQ(q.rbegin()->first, 3);
}

// Found by tests/stream_chaos_test.sh: after a crash between the two commits
// the quarantine table's txn is ahead of the events table's. A later batch
// that quarantines a record of ANOTHER partition must not lower the first
// partition's quarantine mark, or the next batch quarantines its records again.
TEST_F(MicroBatchEngineTest, QuarantineMarkAheadOfEventsSurvivesLaterBatches) {
  source_.Append(1, Event("a", "2026-11-24T10:00:00Z"));
  source_.Append(1, "bad-1");
  source_.Append(1, Event("b", "2026-11-24T10:00:00Z"));
  source_.Append(1, "bad-2");
  sink_.crash_after_quarantine_commit = true;
  EXPECT_FALSE(RunOnce().ok());
  ASSERT_EQ(QuarantineRows(sink_).size(), 2u);
  source_.Append(0, "bad-p0");
  PipelineConfig cfg = TestConfig();
  cfg.trigger.max_records = 2;  // {p0 bad-p0, p1 a}, {p1 bad-1, p1 b}, {p1 bad-2}
  ASSERT_TRUE(RunOnce(cfg).ok());
  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"a", "b"}));
  EXPECT_EQ(QuarantineRows(sink_).size(), 3u);  // bad-1, bad-2, bad-p0: each once
}

TEST_F(MicroBatchEngineTest, MaxRecordsTriggerCutsBatchesAndRevokeFlushes) {
  PipelineConfig cfg = TestConfig();
  cfg.trigger.max_records = 10;
  for (int i = 0; i < 35; ++i) {
    source_.Append(0, Event("id" + std::to_string(i), "2026-11-24T10:00:00Z"));
  }
  source_.chunk = 7;
  ASSERT_TRUE(RunOnce(cfg).ok());
  EXPECT_EQ(EventIds(sink_).size(), 35u);
  EXPECT_EQ(sink_.table(TableRole::kEvents).commits, 4);  // 10, 10, 10, 5
  for (const BatchMetrics& m : sink_.batches) EXPECT_LE(m.records, 10 + 7);

  // Revocation in the middle of a batch commits it rather than dropping it.
  FakeSource src;
  MemoryBatchSink sink;
  src.Append(0, Event("x", "2026-11-24T10:00:00Z"));
  cfg.available_now = false;
  auto engine = MicroBatchEngine::Make(cfg, &src, &sink);
  ASSERT_TRUE(engine.ok());
  ASSERT_TRUE(src.Subscribe({"clicks"}).ok());
  std::vector<SourceRecord> recs;
  ASSERT_TRUE(src.Poll(10, 0, &recs).ok());
  ASSERT_TRUE((*engine)->Process(recs[0]).ok());
  EXPECT_TRUE(sink.table(TableRole::kEvents).files.empty());
  ASSERT_TRUE(src.Revoke().ok());
  EXPECT_EQ(sink.table(TableRole::kEvents).files.size(), 1u);
  EXPECT_EQ(sink.table(TableRole::kEvents).txns.at({"clicks", 0}), 0);
}

TEST_F(MicroBatchEngineTest, LostPartitionsDiscardTheOpenBatch) {
  PipelineConfig cfg = TestConfig();
  source_.Append(0, Event("x", "2026-11-24T10:00:00Z"));
  auto engine = MicroBatchEngine::Make(cfg, &source_, &sink_);
  ASSERT_TRUE(engine.ok());
  SourceRecord r;
  r.topic = "clicks";
  r.offset = 0;
  r.payload = Event("x", "2026-11-24T10:00:00Z");
  ASSERT_TRUE((*engine)->Process(r).ok());
  ASSERT_TRUE((*engine)->OnRevoked({{"clicks", 0}}, /*lost=*/true).ok());
  ASSERT_TRUE((*engine)->Flush().ok());
  EXPECT_TRUE(sink_.table(TableRole::kEvents).files.empty());
  EXPECT_FALSE((*engine)->dedup().Contains(HashDedupKey("x")));
}

TEST_F(MicroBatchEngineTest, NonUtf8PayloadIsQuarantinedAsBase64) {
  source_.Append(0, std::string("\xff\xfe{", 3));
  ASSERT_TRUE(RunOnce().ok());
  ASSERT_EQ(sink_.table(TableRole::kQuarantine).files.size(), 1u);
  std::vector<std::string> enc;
  Status st = ReadKeysFromFile(
      sink_.fs(), "/mem/events_quarantine/" + sink_.table(TableRole::kQuarantine).files[0].path,
      "payload", "offset", [&](std::string_view p, int64_t) { enc.emplace_back(p); });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(enc.size(), 1u);
  EXPECT_EQ(enc[0], "//57");
}

TEST_F(MicroBatchEngineTest, GeneratedStreamKeepsExactlyTheUniqueGoodEvents) {
  pipeline::GeneratorOptions go;
  go.seed = 7;
  go.malformed_rate = 0.03;
  go.duplicate_rate = 0.05;
  auto gen = pipeline::ClickstreamGenerator::Create(go);
  ASSERT_TRUE(gen.ok());
  std::set<std::string> unique_good;
  int64_t malformed = 0;
  PipelineConfig cfg;
  {
    Result<PipelineConfig> c = ParsePipelineConfig(R"(
pipeline_id: gen
source: {topic: clicks, brokers: "127.0.0.1:9092"}  # a FakeSource reads; no broker is contacted
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: user_id, type: int64, nullable: false}
  - {name: event_type, type: string}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: duration_ms, type: int32}
  - {name: screen_width, type: int32}
  - {name: revenue, type: double}
  - {name: properties, type: json}
trigger: {interval: 1h, max_records: 700}
available_now: true
)");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cfg = *c;
  }
  for (int i = 0; i < 3000; ++i) {
    std::string line = (*gen)->Next();
    if ((*gen)->last_was_malformed()) {
      ++malformed;
    } else {
      unique_good.insert(line.substr(13, 36));
    }
    source_.Append(i % 3, line);
  }
  ASSERT_TRUE(RunOnce(cfg).ok());
  std::multiset<std::string> ids = EventIds(sink_);
  EXPECT_EQ(ids.size(), unique_good.size());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), unique_good);
  EXPECT_EQ(static_cast<int64_t>(QuarantineRows(sink_).size()), malformed);
}

}  // namespace
}  // namespace lakestream::stream

namespace lakestream::stream {
namespace {

TEST_F(MicroBatchEngineTest, RecreatedTopicIsRefusedRatherThanSkipped) {
  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  source_.Append(0, Event("b", "2026-11-24T10:00:00Z"));
  ASSERT_TRUE(RunOnce().ok());
  FakeSource fresh;  // the same topic, recreated: offsets start at 0 again
  fresh.Append(0, Event("c", "2026-11-24T10:00:00Z"));
  PipelineConfig cfg = TestConfig();
  auto engine = MicroBatchEngine::Make(cfg, &fresh, &sink_);
  ASSERT_TRUE(engine.ok());
  Status st = (*engine)->Run();
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("recreated"), std::string::npos);
}

// The broker (or the group coordinator) is down when a batch's offsets are committed to the
// group: the data is durable, and the offsets are committed once the broker is back, retried
// about once a second (not on every loop turn, not dropped).
TEST_F(MicroBatchEngineTest, FailedKafkaCommitIsRetriedAboutOnceASecondUntilItSucceeds) {
  ManualClock clock;
  auto engine = KafkaCommitEngine(&clock);
  ASSERT_TRUE(engine.ok());
  std::vector<SourceRecord> recs;
  ASSERT_TRUE(source_.Poll(10, 0, &recs).ok());  // assigns: the table has no position yet
  source_.fail_commits = 2;
  ASSERT_TRUE((*engine)->Process(recs[0]).ok());
  ASSERT_TRUE((*engine)->Flush().ok());  // durable, though the Kafka commit failed
  EXPECT_EQ(sink_.table(TableRole::kEvents).txns.at({"clicks", 0}), 0);
  EXPECT_EQ(source_.commit_calls, 1);
  EXPECT_TRUE(source_.committed.empty());
  EXPECT_EQ((*engine)->stats().kafka_commit_failures, 1);

  clock.AdvanceMillis(500);
  (*engine)->CommitKafkaOffsets();
  EXPECT_EQ(source_.commit_calls, 1) << "retried sooner than a second after the failure";
  clock.AdvanceMillis(600);
  (*engine)->CommitKafkaOffsets();
  EXPECT_EQ(source_.commit_calls, 2);  // failed again
  // The next batch's offsets join the pending ones; still no attempt within the second.
  ASSERT_TRUE(source_.Poll(10, 0, &recs).ok());
  ASSERT_TRUE((*engine)->Process(recs[0]).ok());
  clock.AdvanceMillis(100);
  ASSERT_TRUE((*engine)->Flush().ok());
  EXPECT_EQ(source_.commit_calls, 2);
  clock.AdvanceMillis(1000);
  (*engine)->CommitKafkaOffsets();
  EXPECT_EQ(source_.commit_calls, 3);
  EXPECT_EQ(source_.committed.at({"clicks", 0}), 2);  // the newest position, not the first
  EXPECT_EQ((*engine)->stats().kafka_commit_failures, 2);
  clock.AdvanceMillis(5000);
  (*engine)->CommitKafkaOffsets();
  EXPECT_EQ(source_.commit_calls, 3);  // nothing pending
}

// Kafka commits run in the background, one at a time: while one is in flight the engine
// goes on (no wait on the coordinator) and sends nothing more; when it completes, the
// offsets that moved on meanwhile are committed next.
TEST_F(MicroBatchEngineTest, KafkaCommitInFlightHoldsTheNextOneAndNothingIsDropped) {
  ManualClock clock;
  auto engine = KafkaCommitEngine(&clock);
  ASSERT_TRUE(engine.ok());
  source_.hold_commits = true;
  std::vector<SourceRecord> recs;
  ASSERT_TRUE(source_.Poll(10, 0, &recs).ok());
  ASSERT_TRUE((*engine)->Process(recs[0]).ok());
  ASSERT_TRUE((*engine)->Flush().ok());
  EXPECT_EQ(source_.commit_calls, 1);
  ASSERT_TRUE(source_.Poll(10, 0, &recs).ok());
  ASSERT_TRUE((*engine)->Process(recs[0]).ok());
  ASSERT_TRUE((*engine)->Flush().ok());  // durable without waiting for the group
  EXPECT_EQ(source_.commit_calls, 1) << "a second commit started while one was in flight";
  source_.hold_commits = false;
  source_.CompleteCommit();
  EXPECT_EQ(source_.committed.at({"clicks", 0}), 1);
  (*engine)->CommitKafkaOffsets();
  EXPECT_EQ(source_.commit_calls, 2);
  EXPECT_EQ(source_.committed.at({"clicks", 0}), 2);
  EXPECT_EQ((*engine)->stats().kafka_commit_failures, 0);
}

// available_now that goes idle because the brokers are down has not read what was there:
// it fails (what is committed stays) instead of ending as if it had read everything.
TEST_F(MicroBatchEngineTest, AvailableNowIdleWhileTheBrokersAreDownIsAnErrorNotTheEnd) {
  for (int i = 0; i < 6; ++i) {
    source_.Append(0, Event("e" + std::to_string(i), "2026-11-24T10:00:00Z"));
  }
  ManualClock clock;
  source_.clock = &clock;
  source_.chunk = 2;
  EngineOptions o;
  o.clock = &clock;
  o.idle_timeout_ms = 1000;
  // Down once batch 1 is durable; batch 2 is read by then (one batch commits while the next
  // one fills), the last two records are not.
  o.on_commit = [&](const MicroBatch&) { source_.broker_down = true; };
  PipelineConfig cfg = TestConfig();
  cfg.trigger.max_records = 2;
  auto engine = MicroBatchEngine::Make(cfg, &source_, &sink_, o);
  ASSERT_TRUE(engine.ok());
  Status st = (*engine)->Run();
  EXPECT_TRUE(st.IsUnavailable()) << st.ToString();
  EXPECT_NE(st.message().find("clicks[0] is at offset 4 of 6"), std::string::npos) << st.ToString();
  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"e0", "e1", "e2", "e3"}));  // kept

  // With the broker back, the next run reads the rest and ends.
  source_.broker_down = false;
  o.on_commit = nullptr;
  auto rerun = MicroBatchEngine::Make(cfg, &source_, &sink_, o);
  ASSERT_TRUE(rerun.ok());
  ASSERT_TRUE((*rerun)->Run().ok());
  EXPECT_EQ(EventIds(sink_), (std::multiset<std::string>{"e0", "e1", "e2", "e3", "e4", "e5"}));
}

// A consumer that is assigned partitions commits the table's position for them to the group
// at once, so the group's lag is right even when the last commit before a restart or a
// rebalance was lost (broker down) and no new record arrives.
TEST_F(MicroBatchEngineTest, AssignmentCommitsTheTablePositionToTheGroup) {
  source_.Append(0, Event("a", "2026-11-24T10:00:00Z"));
  source_.Append(0, Event("b", "2026-11-24T10:00:01Z"));
  source_.Append(1, Event("c", "2026-11-24T10:00:02Z"));
  ASSERT_TRUE(RunOnce().ok());
  source_.committed.clear();  // the group's offsets were never committed
  ASSERT_TRUE(RunOnce().ok());
  EXPECT_EQ(last_stats_.totals.records, 0);
  EXPECT_EQ(source_.committed.at({"clicks", 0}), 2);
  EXPECT_EQ(source_.committed.at({"clicks", 1}), 1);
}

}  // namespace
}  // namespace lakestream::stream
