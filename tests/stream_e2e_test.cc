// Streaming ingest end to end: generated clickstream events with known
// duplicates and malformed records go through a real Apache Kafka broker (the
// kafka_broker ctest fixture, tests/kafka_test_broker.h; a topic and group of
// each test's own) into the events and quarantine tables; afterwards the
// events table holds exactly the unique good events and the quarantine table
// exactly the bad records, also across a restart in the middle. Injected
// request errors, which a real broker cannot be made to return, run on
// librdkafka's mock broker (StreamE2EMockFaultTest). The sink is the product
// one: Delta tables on the local disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "kafka_test_broker.h"
#include "pipeline/generator/clickstream_generator.h"
#include "stream/dedup_rebuild.h"
#include "stream/kafka_producer.h"
#include "stream/kafka_source.h"
#include "stream/micro_batch_engine.h"
#include "stream/stream_observer.h"
#include "stream/dev/mock_cluster.h"
#include "delta/snapshot.h"
#include "stream/delta_batch_sink.h"

namespace lakestream::stream {
namespace {

// The source's brokers, topic and group are set per test.
constexpr const char* kConfig = R"(
pipeline_id: e2e
source: {topic: clicks, brokers: "set-by-the-test:9092"}
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: user_id, type: int64, nullable: false}
  - {name: session_id, type: string}
  - {name: event_type, type: string}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: page_url, type: string}
  - {name: country, type: string}
  - {name: screen_width, type: int32}
  - {name: duration_ms, type: int32}
  - {name: revenue, type: double}
  - {name: logged_in, type: boolean}
  - {name: properties, type: json}
trigger: {interval: 500ms, max_records: 700}
available_now: true
)";

struct Expected {
  std::set<std::string> unique_good;
  int64_t malformed = 0;
  int64_t duplicates = 0;
};

class StreamE2ETest : public ::testing::Test {
 protected:
  // The real broker: a fresh 3-partition topic and group for this test.
  void SetUp() override {
    Result<std::string> bootstrap = testing::TestBrokerBootstrap();
    ASSERT_TRUE(bootstrap.ok()) << bootstrap.status().ToString();
    topic_ = testing::UniqueKafkaName("clicks");
    Status st = testing::CreateTestTopic(*bootstrap, topic_, 3);
    ASSERT_TRUE(st.ok()) << st.ToString();
    Prepare(*bootstrap);
  }

  void Prepare(const std::string& bootstrap) {
    conn_.brokers = bootstrap;
    auto cfg = ParsePipelineConfig(kConfig);
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    config_ = *cfg;
    config_.source.brokers = bootstrap;
    config_.source.topic = topic_;
    config_.source.group = testing::UniqueKafkaName("e2e-group");
    // The pid keeps two builds' runs (e.g. ASan beside RelWithDebInfo) apart.
    dir_ = ::testing::TempDir() + "/stream_e2e_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    config_.table = dir_ + "/events";
    config_.quarantine_table = dir_ + "/events_quarantine";
  }

  void TearDown() override {
    // Kept after a failure, to look at.
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
  }

  Result<std::unique_ptr<BatchSink>> NewSink() {
    DeltaSinkOptions o;
    o.events_table = config_.table;
    o.quarantine_table = config_.quarantine_table;
    return NewDeltaBatchSink(o);
  }

  // Every (key column, int64 column) pair of a table's latest snapshot.
  std::vector<std::pair<std::string, int64_t>> ReadTable(const std::string& table,
                                                         const std::string& key,
                                                         const std::string& num) {
    std::vector<std::pair<std::string, int64_t>> rows;
    auto store = delta::LogStore::OpenLocal(table);
    EXPECT_TRUE(store.ok());
    auto snap = delta::Snapshot::Load(*store);
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    if (!snap.ok()) return rows;
    RecentKeysScan scan{key, num, "", INT64_MAX};
    Status st = ScanRecentKeysFromSnapshot(**snap, scan, [&](std::string_view k, int64_t v) {
      rows.emplace_back(std::string(k), v);
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return rows;
  }

  // Produces n generated events into the test's topic.
  Expected Produce(int n, uint64_t seed) {
    Expected e;
    Produce(n, seed, &e);
    return e;
  }
  // Produces n more, adding them to *e.
  void Produce(int n, uint64_t seed, Expected* out) {
    Expected& e = *out;
    pipeline::GeneratorOptions go;
    go.seed = seed;
    go.malformed_rate = 0.02;
    go.duplicate_rate = 0.05;
    auto gen = pipeline::ClickstreamGenerator::Create(go);
    auto producer = KafkaProducer::Make(conn_);
    EXPECT_TRUE(gen.ok() && producer.ok());
    for (int i = 0; i < n; ++i) {
      std::string line = (*gen)->Next();
      if ((*gen)->last_was_malformed()) {
        ++e.malformed;
      } else {
        if ((*gen)->last_kind() == pipeline::EventKind::kDuplicate) ++e.duplicates;
        e.unique_good.insert(std::string(*GeneratedEventKey(line)));
      }
      EXPECT_TRUE((*producer)->Produce(topic_, GeneratedEventKey(line), line).ok());
    }
    EXPECT_TRUE((*producer)->Flush(30000).ok());
  }

  Status Ingest(EngineOptions eo = {}, std::function<void(MicroBatchEngine*)> during = {},
                StreamObserver* observer = nullptr) {
    KafkaSourceOptions so;
    so.connection = conn_;
    so.group_id = config_.source.group;
    so.observer = observer;
    eo.max_seconds = 120;
    if (std::getenv("LAKESTREAM_E2E_LOG") != nullptr) {
      eo.log = [](std::string_view s) { std::fprintf(stderr, "  %.*s\n", int(s.size()), s.data()); };
      so.log = eo.log;
    }
    ASSIGN_OR_RETURN(auto source, NewKafkaSource(so));
    eo.idle_timeout_ms = 10000;
    ASSIGN_OR_RETURN(auto sink, NewSink());
    ASSIGN_OR_RETURN(auto engine, MicroBatchEngine::Make(config_, source.get(), sink.get(), eo));
    std::thread t;
    if (during) t = std::thread([&] { during(engine.get()); });
    Status st = engine->Run();
    if (t.joinable()) t.join();
    return st;
  }

  std::multiset<std::string> EventIds() {
    std::multiset<std::string> ids;
    for (auto& [k, t] : ReadTable(config_.table, "event_id", "event_time")) ids.insert(k);
    return ids;
  }

  void ExpectExactlyOnce(const Expected& e) {
    std::multiset<std::string> ids = EventIds();
    EXPECT_EQ(ids.size(), e.unique_good.size()) << "events table has duplicates or misses";
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), e.unique_good);
    auto q = ReadTable(config_.quarantine_table, "partition", "offset");
    EXPECT_EQ(static_cast<int64_t>(q.size()), e.malformed);
    std::set<std::pair<std::string, int64_t>> distinct(q.begin(), q.end());
    EXPECT_EQ(distinct.size(), q.size()) << "a bad record was quarantined twice";
  }

  std::string topic_;
  KafkaConnection conn_;
  PipelineConfig config_;
  std::string dir_;
};

TEST_F(StreamE2ETest, GeneratedEventsLandExactlyOnce) {
  Expected e = Produce(6000, 11);
  ASSERT_GT(e.malformed, 50);
  ASSERT_GT(e.duplicates, 100);
  ASSERT_TRUE(Ingest().ok());
  ExpectExactlyOnce(e);
  // Offsets reached the group: Kafka tooling shows no lag.
  auto lag = ConsumerLag::Make(conn_, config_.source.group);
  ASSERT_TRUE(lag.ok());
  EXPECT_EQ(*(*lag)->Lag(topic_), 0);
}

TEST_F(StreamE2ETest, RestartInTheMiddleResumesFromTheTable) {
  Expected e = Produce(5000, 12);
  // First run: stop after two batches (as if killed), with the Kafka commit
  // of the last one made impossible so the group offsets lag the table.
  int batches = 0;
  EngineOptions eo;
  MicroBatchEngine* running = nullptr;
  eo.on_commit = [&](const MicroBatch&) {
    if (++batches == 2) running->RequestStop();
  };
  ASSERT_TRUE(Ingest(eo, [&](MicroBatchEngine* eng) { running = eng; }).ok());
  ASSERT_LT(EventIds().size(), e.unique_good.size());
  // Second run picks up where the table says and dedups against it.
  ASSERT_TRUE(Ingest().ok());
  ExpectExactlyOnce(e);
}

// On librdkafka's mock broker, because a real broker cannot be told to answer
// Fetch and OffsetCommit with chosen error codes. (A real broker killed and
// restarted mid-run is in the Kafka fault tests.)
class StreamE2EMockFaultTest : public StreamE2ETest {
 protected:
  void SetUp() override {
    auto c = MockCluster::Start(1);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    topic_ = "clicks";
    ASSERT_TRUE(cluster_->CreateTopic(topic_, 3).ok());
    Prepare(cluster_->bootstrap_servers());
  }

  std::unique_ptr<MockCluster> cluster_;
};

// What the engine went through, for the outage's latches: the test thread waits
// for an event (a commit, an error the consumer saw) instead of sleeping.
// Thread-safety: every member may be used from any thread.
class OutageLatch final : public StreamObserver {
 public:
  void OnCheckpointFailed(const std::string&, const std::string&) override {}
  void OnDimensionMergeFailed(const std::string&, const Status&) override {}
  void OnConsumerError(std::string_view, const std::string&) override { Bump(&errors_); }
  void OnCommit() { Bump(&commits_); }

  // Waits until the count reaches n (true) or 60 s pass (false).
  bool WaitForCommits(int64_t n) { return WaitFor(&commits_, n); }
  bool WaitForErrors(int64_t n) { return WaitFor(&errors_, n); }
  int64_t commits() { return Get(&commits_); }
  int64_t errors() { return Get(&errors_); }

 private:
  void Bump(int64_t* c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++*c;
    }
    cv_.notify_all();
  }
  bool WaitFor(int64_t* c, int64_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return *c >= n; });
  }
  int64_t Get(int64_t* c) {
    std::lock_guard<std::mutex> lock(mu_);
    return *c;
  }
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t commits_ = 0;
  int64_t errors_ = 0;
};

TEST_F(StreamE2EMockFaultTest, InjectedRequestErrorsAndABrokerOutageDoNotLoseOrDuplicate) {
  Expected e = Produce(3000, 13);
  // Fetch (api 1) and OffsetCommit (api 8) fail a few times; the broker goes
  // down after the first commit and comes back once the consumer has seen it
  // gone; then the second half of the events arrives, so the run has to fetch
  // again after the outage.
  cluster_->PushRequestErrors(1, {6, 6, 7});     // NOT_LEADER, REQUEST_TIMED_OUT
  cluster_->PushRequestErrors(8, {15, 16, 15});  // coordinator not available / not coordinator
  OutageLatch latch;
  std::atomic<bool> all_produced{false};
  EngineOptions eo;
  eo.on_commit = [&](const MicroBatch&) { latch.OnCommit(); };
  eo.input_finished = [&] { return all_produced.load(); };
  int64_t commits_before_outage = 0;
  int64_t errors_before_outage = 0;
  Status st = Ingest(
      eo,
      [&](MicroBatchEngine*) {
        bool committed = latch.WaitForCommits(1);
        commits_before_outage = latch.commits();
        errors_before_outage = latch.errors();
        EXPECT_TRUE(committed) << "no batch committed before the outage";
        EXPECT_TRUE(cluster_->SetBrokerDown(1).ok());
        EXPECT_TRUE(latch.WaitForErrors(errors_before_outage + 1))
            << "the consumer never saw the broker go down";
        EXPECT_TRUE(cluster_->SetBrokerUp(1).ok());
        Produce(2000, 14, &e);
        all_produced = true;
      },
      &latch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ExpectExactlyOnce(e);
  // The fault happened: the consumer saw errors, and batches were committed after it.
  EXPECT_GT(latch.errors(), errors_before_outage);
  EXPECT_GT(latch.commits(), commits_before_outage);
}

}  // namespace
}  // namespace lakestream::stream
