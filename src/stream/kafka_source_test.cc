#include "stream/kafka_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "stream/kafka_producer.h"
#include "stream/mock_cluster.h"

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
    auto c = MockCluster::Start(1);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    ASSERT_TRUE(cluster_->CreateTopic("t", 2).ok());
    KafkaConnection conn;
    conn.brokers = cluster_->bootstrap_servers();
    auto p = KafkaProducer::Make(conn);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    // 10 records per partition, keys k0..k9, payload "p<partition>-<i>".
    for (int part = 0; part < 2; ++part) {
      for (int i = 0; i < 10; ++i) {
        std::string key = "k" + std::to_string(i);
        std::string payload = "p" + std::to_string(part) + "-" + std::to_string(i);
        ASSERT_TRUE((*p)->Produce("t", key, payload, part).ok());
      }
    }
    ASSERT_TRUE((*p)->Flush(10000).ok());
  }

  Result<std::unique_ptr<Source>> NewSource(const std::string& group) {
    KafkaSourceOptions o;
    o.connection.brokers = cluster_->bootstrap_servers();
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

  std::unique_ptr<MockCluster> cluster_;
};

TEST_F(KafkaSourceTest, ListenerChoosesStartOffsetsAndCommitsAreVisibleToLag) {
  auto src = NewSource("g1");
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  FixedStartListener listener;
  listener.starts[{"t", 0}] = 7;  // as if the table had txn version 6
  listener.starts[{"t", 1}] = kOffsetBeginning;
  (*src)->SetRebalanceListener(&listener);
  ASSERT_TRUE((*src)->Subscribe({"t"}).ok());
  std::vector<SourceRecord> got = PollN(**src, 13);
  ASSERT_EQ(got.size(), 13u);
  EXPECT_EQ(listener.assigned.size(), 2u);
  int from0 = 0;
  for (const auto& r : got) {
    EXPECT_EQ(r.topic, "t");
    if (r.partition == 0) {
      EXPECT_GE(r.offset, 7);
      ++from0;
    }
    EXPECT_GE(r.timestamp_ms, 0);
  }
  EXPECT_EQ(from0, 3);
  auto wm = (*src)->Watermarks({"t", 0}, 5000);
  ASSERT_TRUE(wm.ok()) << wm.status().ToString();
  EXPECT_EQ(wm->second, 10);

  // Seek back within the assignment and read again.
  ASSERT_TRUE((*src)->Seek({"t", 0}, 8).ok());
  std::vector<SourceRecord> again = PollN(**src, 2);
  ASSERT_GE(again.size(), 2u);
  EXPECT_EQ(again[0].partition, 0);
  EXPECT_EQ(again[0].offset, 8);
  EXPECT_EQ(again[0].payload, "p0-8");
  EXPECT_EQ(again[0].key, "k8");

  ASSERT_TRUE((*src)->Commit({{{"t", 0}, 10}, {{"t", 1}, 4}}).ok());
  KafkaConnection conn;
  conn.brokers = cluster_->bootstrap_servers();
  auto lag = ConsumerLag::Make(conn, "g1");
  ASSERT_TRUE(lag.ok());
  Result<int64_t> l = (*lag)->Lag("t");
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
  auto src = NewSource("g2");
  ASSERT_TRUE(src.ok());
  (*src)->SetRebalanceListener(&listener);
  ASSERT_TRUE((*src)->Subscribe({"t"}).ok());
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
  o.connection.brokers = cluster_->bootstrap_servers();
  o.connection.properties["no.such.property"] = "1";
  o.group_id = "g";
  auto src = NewKafkaSource(o);
  ASSERT_FALSE(src.ok());
  EXPECT_NE(src.status().message().find("no.such.property"), std::string::npos);
}

}  // namespace
}  // namespace lakestream::stream
