// KafkaSource (src/stream/kafka_source.h) against a real Apache Kafka broker
// (the kafka_broker ctest fixture, tests/kafka_test_broker.h): start offsets
// chosen by the rebalance listener, seeks, commits visible to consumer-group
// lag, listener failures. Each test has a topic and groups of its own.
#include "stream/kafka_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "kafka_test_broker.h"
#include "stream/kafka_producer.h"
#include "stream/micro_batch_engine.h"
#include "stream/testing_memory_sink.h"

namespace lakestream::stream {
namespace {

// Records assignments and answers them with fixed start offsets.
class FixedStartListener : public RebalanceListener {
 public:
  Result<std::map<TopicPartition, int64_t>> OnAssigned(
      const std::vector<TopicPartition>& parts) override {
    for (const auto& tp : parts) assigned.insert(tp);
    std::map<TopicPartition, int64_t> out;
    for (const auto& tp : parts) {
      auto it = starts.find(tp);
      if (it != starts.end()) out[tp] = it->second;
    }
    return out;
  }
  Status OnRevoked(const std::vector<TopicPartition>& parts, bool lost) override {
    for (const auto& tp : parts) revoked.insert(tp);
    return Status::OK();
  }
  std::map<TopicPartition, int64_t> starts;
  std::set<TopicPartition> assigned;
  std::set<TopicPartition> revoked;
};

class KafkaSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> bootstrap = testing::TestBrokerBootstrap();
    ASSERT_TRUE(bootstrap.ok()) << bootstrap.status().ToString();
    bootstrap_ = *bootstrap;
    topic_ = testing::UniqueKafkaName("t");
    Status st = testing::CreateTestTopic(bootstrap_, topic_, 2);
    ASSERT_TRUE(st.ok()) << st.ToString();
    KafkaConnection conn;
    conn.brokers = bootstrap_;
    auto p = KafkaProducer::Make(conn);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    // 10 records per partition, keys k0..k9, payload "p<partition>-<i>".
    for (int part = 0; part < 2; ++part) {
      for (int i = 0; i < 10; ++i) {
        std::string key = "k" + std::to_string(i);
        std::string payload = "p" + std::to_string(part) + "-" + std::to_string(i);
        ASSERT_TRUE((*p)->Produce(topic_, key, payload, part).ok());
      }
    }
    ASSERT_TRUE((*p)->Flush(10000).ok());
  }

  Result<std::unique_ptr<Source>> NewSource(const std::string& group) {
    KafkaSourceOptions o;
    o.connection.brokers = bootstrap_;
    o.group_id = group;
    return NewKafkaSource(o);
  }

  // Polls until `n` records arrived or 20 s passed.
  std::vector<SourceRecord> PollN(Source& s, size_t n) {
    std::vector<SourceRecord> out, polled;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      Result<size_t> got = s.Poll(100, 100, &polled);  // overwrites polled[0..got)
      EXPECT_TRUE(got.ok());
      if (got.ok()) out.insert(out.end(), polled.begin(), polled.begin() + *got);
    }
    return out;
  }

  std::string bootstrap_;
  std::string topic_;
};

TEST_F(KafkaSourceTest, ListenerChoosesStartOffsetsAndCommitsAreVisibleToLag) {
  const std::string group = testing::UniqueKafkaName("g1");
  auto src = NewSource(group);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  FixedStartListener listener;
  listener.starts[{topic_, 0}] = 7;  // as if the table had txn version 6
  listener.starts[{topic_, 1}] = kOffsetBeginning;
  (*src)->SetRebalanceListener(&listener);
  ASSERT_TRUE((*src)->Subscribe({topic_}).ok());
  std::vector<SourceRecord> got = PollN(**src, 13);
  ASSERT_EQ(got.size(), 13u);
  EXPECT_EQ(listener.assigned.size(), 2u);
  int from0 = 0;
  for (const auto& r : got) {
    EXPECT_EQ(r.topic, topic_);
    if (r.partition == 0) {
      EXPECT_GE(r.offset, 7);
      ++from0;
    }
    EXPECT_GE(r.timestamp_ms, 0);
  }
  EXPECT_EQ(from0, 3);
  auto wm = (*src)->Watermarks({topic_, 0}, 5000);
  ASSERT_TRUE(wm.ok()) << wm.status().ToString();
  EXPECT_EQ(wm->second, 10);

  // Seek back within the assignment and read again.
  ASSERT_TRUE((*src)->Seek({topic_, 0}, 8).ok());
  std::vector<SourceRecord> again = PollN(**src, 2);
  ASSERT_GE(again.size(), 2u);
  EXPECT_EQ(again[0].partition, 0);
  EXPECT_EQ(again[0].offset, 8);
  EXPECT_EQ(again[0].payload, "p0-8");
  EXPECT_EQ(again[0].key, "k8");

  ASSERT_TRUE((*src)->Commit({{{topic_, 0}, 10}, {{topic_, 1}, 4}}).ok());
  KafkaConnection conn;
  conn.brokers = bootstrap_;
  auto lag = ConsumerLag::Make(conn, group);
  ASSERT_TRUE(lag.ok());
  Result<int64_t> l = (*lag)->Lag(topic_);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(*l, 6);

  ASSERT_TRUE((*src)->Close().ok());
  EXPECT_EQ(listener.revoked.size(), 2u);  // close revokes through the listener
}

TEST_F(KafkaSourceTest, ListenerFailureSurfacesFromPoll) {
  class Failing : public FixedStartListener {
    Result<std::map<TopicPartition, int64_t>> OnAssigned(
        const std::vector<TopicPartition>&) override {
      return Status::IOError("table unreadable");
    }
  } listener;
  auto src = NewSource(testing::UniqueKafkaName("g2"));
  ASSERT_TRUE(src.ok());
  (*src)->SetRebalanceListener(&listener);
  ASSERT_TRUE((*src)->Subscribe({topic_}).ok());
  Status failure;
  std::vector<SourceRecord> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (failure.ok() && std::chrono::steady_clock::now() < deadline) {
    Result<size_t> n = (*src)->Poll(10, 100, &out);
    if (!n.ok()) failure = n.status();
  }
  EXPECT_TRUE(failure.IsIOError()) << failure.ToString();
  EXPECT_NE(failure.message().find("on assignment"), std::string::npos);
  EXPECT_TRUE(out.empty());
}

TEST_F(KafkaSourceTest, BadPropertyIsNamed) {
  KafkaSourceOptions o;
  o.connection.brokers = bootstrap_;
  o.connection.properties["no.such.property"] = "1";
  o.group_id = "g";
  auto src = NewKafkaSource(o);
  ASSERT_FALSE(src.ok());
  EXPECT_NE(src.status().message().find("no.such.property"), std::string::npos);
}

// A broker nobody listens on: an available_now run must end with Unavailable naming the
// brokers once source.assignment_timeout passes, instead of waiting forever and exiting 0.
// (No real broker needed: the point is that there is none.)
TEST(KafkaUnreachableTest, AvailableNowFailsNamingTheBrokers) {
  Result<PipelineConfig> cfg = ParsePipelineConfig(R"(
pipeline_id: unreachable
source: {topic: clicks, brokers: "127.0.0.1:1", assignment_timeout: 2s}
target: {table: /mem/events}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
trigger: {interval: 1h}
available_now: true
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  KafkaSourceOptions o;
  o.connection.brokers = cfg->source.brokers;
  o.group_id = cfg->source.group;
  auto src = NewKafkaSource(o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  testing::MemoryBatchSink sink;
  auto engine = MicroBatchEngine::Make(*cfg, src->get(), &sink);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  Status st = (*engine)->Run();
  EXPECT_TRUE(st.IsUnavailable()) << st.ToString();
  EXPECT_NE(st.message().find("no partition of topic 'clicks' assigned"), std::string::npos)
      << st.ToString();
  EXPECT_NE(st.message().find("brokers: 127.0.0.1:1"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("do not answer"), std::string::npos) << st.ToString();
  EXPECT_EQ(sink.table(TableRole::kEvents).commits, 0);
}

}  // namespace
}  // namespace lakestream::stream
