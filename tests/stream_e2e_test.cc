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
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "kafka_test_broker.h"
#include "pipeline/generator/clickstream_generator.h"
#include "stream/dedup_rebuild.h"
#include "stream/kafka_producer.h"
#include "stream/kafka_source.h"
#include "stream/micro_batch_engine.h"
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

// What the engine saw of its source, for latches: a test thread waits for an observable event
// (a commit, polls that came back empty while the broker was down) instead of sleeping.
// Thread-safety: every member may be used from any thread.
class SourceObserver {
 public:
  struct Counts {
    int64_t empty_polls = 0;
    int64_t records = 0;
    int64_t commits = 0;
  };
  void OnPoll(size_t n) { Update([&] { n == 0 ? ++counts_.empty_polls : counts_.records += n; }); }
  void OnCommit() { Update([&] { ++counts_.commits; }); }
  void OnClose() { Update([&] { closed_ = true; }); }

  // Waits until pred(counts) holds (true), or the source is closed or 60 s pass (false).
  bool WaitFor(const std::function<bool(const Counts&)>& pred) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(60), [&] { return closed_ || pred(counts_); });
    return pred(counts_);
  }
  Counts Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_;
  }

 private:
  template <typename F>
  void Update(F f) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      f();
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  Counts counts_;
  bool closed_ = false;
};

// A Source that reports every Poll and Close to a SourceObserver.
class ObservedSource final : public Source {
 public:
  ObservedSource(std::unique_ptr<Source> inner, SourceObserver* observer)
      : inner_(std::move(inner)), observer_(observer) {}
  void SetRebalanceListener(RebalanceListener* l) override { inner_->SetRebalanceListener(l); }
  Status Subscribe(const std::vector<std::string>& topics) override {
    return inner_->Subscribe(topics);
  }
  Result<size_t> Poll(size_t max_records, int timeout_ms,
                      std::vector<SourceRecord>* out) override {
    Result<size_t> n = inner_->Poll(max_records, timeout_ms, out);
    if (n.ok()) observer_->OnPoll(*n);
    return n;
  }
  Status Seek(const TopicPartition& tp, int64_t offset) override { return inner_->Seek(tp, offset); }
  Status Commit(const std::map<TopicPartition, int64_t>& next) override {
    return inner_->Commit(next);
  }
  Result<std::vector<TopicPartition>> Assignment() override { return inner_->Assignment(); }
  Result<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp,
                                                 int timeout_ms) override {
    return inner_->Watermarks(tp, timeout_ms);
  }
  Status Close() override {
    Status st = inner_->Close();
    observer_->OnClose();
    return st;
  }

 private:
  std::unique_ptr<Source> inner_;
  SourceObserver* observer_;
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
    return e;
  }

  // `observer`, when given, sees every poll, commit and the source's close.
  Status Ingest(EngineOptions eo = {}, std::function<void(MicroBatchEngine*)> during = {},
                SourceObserver* observer = nullptr) {
    KafkaSourceOptions so;
    so.connection = conn_;
    so.group_id = config_.source.group;
    ASSIGN_OR_RETURN(std::unique_ptr<Source> source, NewKafkaSource(so));
    if (observer != nullptr) {
      source = std::make_unique<ObservedSource>(std::move(source), observer);
      eo.on_commit = [observer](const MicroBatch&) { observer->OnCommit(); };
    }
    eo.max_seconds = 120;
    if (std::getenv("LAKESTREAM_E2E_LOG") != nullptr) {
      eo.log = [](std::string_view s) { std::fprintf(stderr, "  %.*s\n", int(s.size()), s.data()); };
    }
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

TEST_F(StreamE2EMockFaultTest, InjectedRequestErrorsAndABrokerOutageDoNotLoseOrDuplicate) {
  Expected e = Produce(4000, 13);
  // Fetch (api 1) and OffsetCommit (api 8) fail a few times; the broker goes
  // down and comes back while the engine runs.
  cluster_->PushRequestErrors(1, {6, 6, 7});     // NOT_LEADER, REQUEST_TIMED_OUT
  cluster_->PushRequestErrors(8, {15, 16, 15});  // coordinator not available / not coordinator
  // Latches, no sleeps: the broker goes down after the first durable batch and comes back once
  // the engine has polled the source empty 5 times while it was down.
  using Counts = SourceObserver::Counts;
  SourceObserver seen;
  bool went_down = false, noticed = false, came_up = false;
  ASSERT_TRUE(Ingest({}, [&](MicroBatchEngine*) {
                if (!seen.WaitFor([](const Counts& c) { return c.commits >= 1; })) return;
                const int64_t empty_before = seen.Get().empty_polls;
                went_down = cluster_->SetBrokerDown(1).ok();
                noticed = seen.WaitFor(
                    [&](const Counts& c) { return c.empty_polls >= empty_before + 5; });
                came_up = cluster_->SetBrokerUp(1).ok();
              }, &seen).ok());
  ExpectExactlyOnce(e);
  // The outage happened while the engine ran, and it went on to a clean end after it.
  EXPECT_TRUE(went_down) << "the broker was never taken down (no batch was committed first?)";
  EXPECT_TRUE(noticed) << "the engine never polled the downed broker empty";
  EXPECT_TRUE(came_up);
}

}  // namespace
}  // namespace lakestream::stream
