// The user_profile SCD2 dimension kept by the streaming job, end to end on
// a real Apache Kafka broker (the kafka_broker ctest fixture,
// tests/kafka_test_broker.h; a topic of each test's own) with the product
// sinks (Delta tables on the local disk): events delivered out of order across many micro-batches, a
// simulated crash between the events commit and the dimension commit, a
// restart; the final dimension must equal the SCD2 history computed directly
// from the events, and its txns must equal the events table's.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "common/time_format.h"
#include "delta/log_store.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "io/fault_injection_file_system.h"
#include "kafka_test_broker.h"
#include "pipeline/generator/clickstream_generator.h"
#include "stream/delta_batch_sink.h"
#include "stream/dimension_sink.h"
#include "stream/kafka_producer.h"
#include "stream/txn_app_id.h"
#include "stream/kafka_source.h"
#include "stream/micro_batch_engine.h"

namespace lakestream::stream {
namespace {

using parquet::Value;

constexpr const char* kConfig = R"(
pipeline_id: dimtest
source: {topic: profiles, brokers: "set-by-the-test:9092"}
target: {table: /unused/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: user_id, type: int64, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: country, type: string}
  - {name: city, type: string}
  - {name: os, type: string}
  - {name: page_url, type: string}
trigger: {interval: 500ms, max_records: 40}
available_now: true
dimension: {table: /unused/user_profile}
)";

// One event of a user: the tracked values at a time.
struct ProfileEvent {
  int64_t user = 0;
  int64_t time_us = 0;
  std::string country, city, os;
};

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

// The events sink under the dimension with a simulated crash: after the events commit of batch
// `crash_at_batch` (events durable), Commit fails before the dimension sink above it gets to
// its dimension commit, as a process killed there would leave the tables.
class CrashAfterEventsCommitSink final : public BatchSink {
 public:
  CrashAfterEventsCommitSink(std::unique_ptr<BatchSink> inner, int crash_at_batch)
      : inner_(std::move(inner)), crash_at_batch_(crash_at_batch) {}

  Status Open(const TableLayout& layout) override { return inner_->Open(layout); }
  io::FileSystem& fs() override { return inner_->fs(); }
  const std::string& table_root(TableRole role) const override { return inner_->table_root(role); }
  std::optional<FileLayout> file_layout(TableRole role) const override {
    return inner_->file_layout(role);
  }
  Result<std::optional<int64_t>> CommittedOffset(TableRole role,
                                                 const TopicPartition& tp) override {
    return inner_->CommittedOffset(role, tp);
  }
  Status Commit(const MicroBatch& batch) override {
    RETURN_IF_ERROR(inner_->Commit(batch));
    if (++batches_ == crash_at_batch_) {
      return Status::Internal("stream: test crash point before_dimension (batch " +
                              std::to_string(batch.sequence) + "'s events are committed)");
    }
    return Status::OK();
  }
  Status ScanRecentKeys(const RecentKeysScan& scan,
                        const std::function<void(std::string_view, int64_t)>& fn) override {
    return inner_->ScanRecentKeys(scan, fn);
  }

 private:
  std::unique_ptr<BatchSink> inner_;
  int crash_at_batch_;
  int batches_ = 0;
};

class StreamDimensionE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> bootstrap = testing::TestBrokerBootstrap();
    ASSERT_TRUE(bootstrap.ok()) << bootstrap.status().ToString();
    topic_ = testing::UniqueKafkaName("profiles");
    Status st = testing::CreateTestTopic(*bootstrap, topic_, 3);
    ASSERT_TRUE(st.ok()) << st.ToString();
    conn_.brokers = *bootstrap;
    auto cfg = ParsePipelineConfig(kConfig);
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    config_ = *cfg;
    config_.source.brokers = *bootstrap;
    config_.source.topic = topic_;
    config_.source.group = testing::UniqueKafkaName("dimtest-group");
    // The pid keeps concurrent runs (other checkouts on this machine) apart.
    dir_ = ::testing::TempDir() + "/stream_dim_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    config_.table = dir_ + "/events";
    config_.quarantine_table = dir_ + "/events_quarantine";
    config_.dimension.table = dir_ + "/user_profile";
  }

  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);  // kept for a look when it failed
  }

  // Runs the job until the topic is drained. `crash_at_batch` > 0 simulates
  // a crash after that batch's events commit, before its dimension commit.
  Status Ingest(int crash_at_batch = 0) {
    KafkaSourceOptions so;
    so.connection = conn_;
    // A fresh group per run: positions come from the tables, not the group.
    so.group_id = config_.source.group + "-" + std::to_string(++runs_);
    ASSIGN_OR_RETURN(auto source, NewKafkaSource(so));
    EngineOptions eo;
    eo.max_seconds = 120;
    eo.idle_timeout_ms = 10000;
    std::function<void(std::string_view)> log;
    if (std::getenv("LAKESTREAM_E2E_LOG") != nullptr) {
      log = [](std::string_view s) { std::fprintf(stderr, "  %.*s\n", int(s.size()), s.data()); };
    }
    eo.log = log;
    DeltaSinkOptions dso;
    dso.events_table = config_.table;
    dso.quarantine_table = config_.quarantine_table;
    dso.fs = fs_;  // null: the local disk
    ASSIGN_OR_RETURN(auto events, NewDeltaBatchSink(dso));
    auto inner = std::make_unique<CrashAfterEventsCommitSink>(std::move(events), crash_at_batch);
    DimensionSinkOptions o;
    o.log = log;
    ASSIGN_OR_RETURN(auto sink, WithDimension(std::move(inner), config_, o));
    ASSIGN_OR_RETURN(auto engine, MicroBatchEngine::Make(config_, source.get(), sink.get(), eo));
    return engine->Run();
  }

  void Produce(const std::vector<std::string>& lines) {
    auto producer = KafkaProducer::Make(conn_);
    ASSERT_TRUE(producer.ok());
    for (const std::string& line : lines) {
      ASSERT_TRUE((*producer)->Produce(topic_, GeneratedEventKey(line), line).ok());
    }
    ASSERT_TRUE((*producer)->Flush(30000).ok());
  }

  std::shared_ptr<const delta::Snapshot> Load(const std::string& table) {
    auto store = delta::LogStore::OpenLocal(table);
    EXPECT_TRUE(store.ok());
    auto snap = delta::Snapshot::Load(*store);
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    return snap.ok() ? *snap : nullptr;
  }

  // Dimension rows as "user|country|city|os|event_time|from|to|current", sorted.
  std::vector<std::string> DimensionRows() {
    std::vector<std::string> out;
    auto snap = Load(config_.dimension.table);
    if (!snap) return out;
    std::vector<Value> rows;
    for (const auto& f : snap->files()) EXPECT_TRUE(delta::ReadFileRows(*snap, f, &rows).ok());
    for (const auto& r : rows) {
      std::string s;
      for (const auto& v : r.items) s += (s.empty() ? "" : "|") + Text(v);
      out.push_back(s);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Per Kafka partition: (events txn, dimension txn).
  std::map<int, std::pair<int64_t, int64_t>> Txns() {
    std::map<int, std::pair<int64_t, int64_t>> out;
    auto events = Load(config_.table);
    auto dim = Load(config_.dimension.table);
    for (int p = 0; p < 3; ++p) {
      auto e = events->TransactionVersion(TxnAppId(config_.pipeline_id, topic_, p));
      auto d = dim->TransactionVersion(DimensionTxnAppId(config_.pipeline_id, "user_profile", p));
      out[p] = {e.value_or(-1), d.value_or(-1)};
    }
    return out;
  }

  // Produces the hand-built profile events (shuffled) and returns the SCD2
  // history they must give, as DimensionRows() prints it.
  std::vector<std::string> ProduceProfileChanges() {
    // 30 users, 12 events each, every event changing a tracked column; the
    // stream delivers them in a random order (late and out-of-order updates
    // spread over ~9 batches of 40 records).
    const int64_t t0 = 1'790'000'000'000'000;
    const char* countries[] = {"DE", "FR", "US", "JP", "BR"};
    const char* oses[] = {"linux", "ios", "android"};
    std::vector<ProfileEvent> events;
    std::mt19937_64 rng(5);
    for (int64_t u = 1; u <= 30; ++u) {
      int64_t t = t0 + u * 1000;
      for (int i = 0; i < 12; ++i) {
        t += 1 + static_cast<int64_t>(rng() % 5'000'000);
        events.push_back(
            {u, t, countries[(u + i) % 5], "city-" + std::to_string(i), oses[(u * 7 + i) % 3]});
      }
    }
    std::vector<std::string> lines;
    for (size_t i = 0; i < events.size(); ++i) {
      const ProfileEvent& e = events[i];
      lines.push_back("{\"event_id\":\"ev-" + std::to_string(i) +
                      "\",\"user_id\":" + std::to_string(e.user) + ",\"event_time\":\"" +
                      FormatTimestampMicros(e.time_us) + "\",\"country\":\"" + e.country +
                      "\",\"city\":\"" + e.city + "\",\"os\":\"" + e.os +
                      "\",\"page_url\":\"/p\"}");
    }
    std::shuffle(lines.begin(), lines.end(), rng);
    Produce(lines);

    // Reference: per user, events in time order; each starts a version that
    // ends where the next begins; the last one is current.
    std::map<int64_t, std::vector<ProfileEvent>> by_user;
    for (const auto& e : events) by_user[e.user].push_back(e);
    std::vector<std::string> want;
    for (auto& [u, evs] : by_user) {
      std::sort(evs.begin(), evs.end(),
                [](const ProfileEvent& a, const ProfileEvent& b) { return a.time_us < b.time_us; });
      for (size_t i = 0; i < evs.size(); ++i) {
        const ProfileEvent& e = evs[i];
        bool last = i + 1 == evs.size();
        want.push_back(std::to_string(u) + "|" + e.country + "|" + e.city + "|" + e.os + "|" +
                       std::to_string(e.time_us) + "|" + std::to_string(e.time_us) + "|" +
                       (last ? "null" : std::to_string(evs[i + 1].time_us)) + "|" +
                       (last ? "true" : "false"));
      }
    }
    std::sort(want.begin(), want.end());
    return want;
  }

  std::string topic_;
  KafkaConnection conn_;
  PipelineConfig config_;
  std::string dir_;
  int runs_ = 0;
  std::shared_ptr<io::FileSystem> fs_;
};

TEST_F(StreamDimensionE2ETest, OutOfOrderProfileChangesAndACrashGiveTheReferenceHistory) {
  const std::vector<std::string> want = ProduceProfileChanges();

  // Run 1 "crashes" after batch 3's events commit, before its dimension commit.
  Status st = Ingest(/*crash_at_batch=*/3);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("before_dimension"), std::string::npos) << st.ToString();
  bool lagging = false;
  for (auto [p, t] : Txns()) lagging = lagging || t.second < t.first;
  ASSERT_TRUE(lagging) << "the crash left no partition behind: the test would prove nothing";
  ASSERT_LT(DimensionRows().size(), want.size());

  // Run 2 recovers the lagging partitions from the events table and goes on.
  ASSERT_TRUE(Ingest().ok());
  EXPECT_EQ(DimensionRows(), want);
  for (auto [p, t] : Txns()) {
    EXPECT_EQ(t.second, t.first) << "partition " << p;
    EXPECT_GE(t.first, 0) << "partition " << p;
  }
  // Run 3 has nothing to do and changes nothing.
  const int64_t version = Load(config_.dimension.table)->version();
  ASSERT_TRUE(Ingest().ok());
  EXPECT_EQ(Load(config_.dimension.table)->version(), version);
  EXPECT_EQ(DimensionRows(), want);
}

TEST_F(StreamDimensionE2ETest, GeneratedClickstreamKeepsOneContiguousHistoryPerUser) {
  // Generated events (late events, duplicates, malformed lines, attribute
  // changes), two simulated crashes before dimension commits.
  pipeline::GeneratorOptions go;
  go.seed = 21;
  go.users = 60;
  go.late_rate = 0.2;
  go.attribute_change_rate = 0.05;
  go.malformed_rate = 0.01;
  go.duplicate_rate = 0.03;
  auto gen = pipeline::ClickstreamGenerator::Create(go);
  ASSERT_TRUE(gen.ok());
  std::vector<std::string> lines;
  for (int i = 0; i < 1500; ++i) lines.push_back((*gen)->Next());
  Produce(lines);
  config_.trigger.max_records = 150;
  ASSERT_FALSE(Ingest(/*crash_at_batch=*/2).ok());
  ASSERT_FALSE(Ingest(/*crash_at_batch=*/3).ok());
  ASSERT_TRUE(Ingest().ok());
  for (auto [p, t] : Txns()) EXPECT_EQ(t.second, t.first) << "partition " << p;

  // The events table's rows per user (what the dimension was built from).
  auto events = Load(config_.table);
  std::vector<Value> rows;
  for (const auto& f : events->files()) ASSERT_TRUE(delta::ReadFileRows(*events, f, &rows).ok());
  const auto& fields = events->schema().fields;
  auto col = [&](const std::string& n) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == n) return i;
    }
    ADD_FAILURE() << n;
    return size_t{0};
  };
  size_t uid = col("user_id"), et = col("event_time"), c1 = col("country"), c2 = col("city"),
         c3 = col("os");
  std::map<int64_t, std::map<int64_t, std::string>> latest;  // user -> time -> tracked
  std::map<int64_t, std::set<int64_t>> times;
  for (const auto& r : rows) {
    std::string tracked = Text(r.items[c1]) + "|" + Text(r.items[c2]) + "|" + Text(r.items[c3]);
    latest[r.items[uid].i64][r.items[et].i64] = tracked;
    times[r.items[uid].i64].insert(r.items[et].i64);
  }
  // Dimension invariants per user: versions contiguous from the first event,
  // one current version with the tracked values of the user's newest event,
  // each version starting at one of the user's event times, adjacent
  // versions different.
  std::map<int64_t, std::vector<std::vector<std::string>>> versions;
  for (const std::string& line : DimensionRows()) {
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == '|') {
        f.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    }
    ASSERT_EQ(f.size(), 8u) << line;
    versions[std::stoll(f[0])].push_back(f);
  }
  ASSERT_EQ(versions.size(), latest.size());
  int64_t multi = 0;
  for (auto& [u, vs] : versions) {
    std::sort(vs.begin(), vs.end(),
              [](const auto& a, const auto& b) { return std::stoll(a[5]) < std::stoll(b[5]); });
    EXPECT_EQ(std::stoll(vs.front()[5]), *times[u].begin()) << "user " << u;
    for (size_t i = 0; i < vs.size(); ++i) {
      EXPECT_TRUE(times[u].count(std::stoll(vs[i][5]))) << "user " << u;
      bool last = i + 1 == vs.size();
      EXPECT_EQ(vs[i][7], last ? "true" : "false") << "user " << u;
      EXPECT_EQ(vs[i][6], last ? "null" : vs[i + 1][5]) << "user " << u;
      if (!last) {
        EXPECT_NE(vs[i][1] + vs[i][2] + vs[i][3], vs[i + 1][1] + vs[i + 1][2] + vs[i + 1][3]);
      }
    }
    const auto& cur = vs.back();
    EXPECT_EQ(cur[1] + "|" + cur[2] + "|" + cur[3], latest[u].rbegin()->second) << "user " << u;
    multi += vs.size() > 1;
  }
  EXPECT_GT(multi, 5) << "too few attribute changes to test anything";
}

TEST_F(StreamDimensionE2ETest, AFailedDimensionCommitIsCaughtUpBeforeTheNextBatch) {
  const std::vector<std::string> want = ProduceProfileChanges();
  // The dimension's commit of batch 2 fails (the log write of its merge);
  // the events keep flowing and batch 3 first re-applies what was missed.
  auto faults = std::make_shared<io::FaultInjectionFileSystem>(io::NewLocalFileSystem());
  // PutIfAbsent calls on the dimension's log: 1 creates it, 2 is batch 1's commit.
  faults->FailNth(io::FsOp::kPutIfAbsent, 3, io::FaultInjectionFileSystem::Fault::kIOError, 1,
                  "user_profile/_delta_log");
  fs_ = faults;
  ASSERT_TRUE(Ingest().ok());
  EXPECT_EQ(faults->InjectedFailures(), 1);
  EXPECT_EQ(DimensionRows(), want);
  for (auto [p, t] : Txns()) EXPECT_EQ(t.second, t.first) << "partition " << p;
}

}  // namespace
}  // namespace lakestream::stream
