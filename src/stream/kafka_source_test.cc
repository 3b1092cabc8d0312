#include "stream/kafka_source.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "stream/mock_cluster.h"

namespace lakestream::stream {
namespace {

class RecordingListener : public RebalanceListener {
 public:
  Result<std::map<TopicPartition, int64_t>> OnAssigned(
      const std::vector<TopicPartition>& partitions) override {
    assigned.insert(assigned.end(), partitions.begin(), partitions.end());
    return std::map<TopicPartition, int64_t>{};
  }
  Status OnRevoked(const std::vector<TopicPartition>&, bool) override { return Status::OK(); }
  std::vector<TopicPartition> assigned;
};

// An offset commit the group refuses for a partition is a failed commit, not a success:
// the engine retries it, and the group's lag (what autoscalers and paced producers read)
// is not left behind silently. The broker's per-partition error (OffsetCommit has no
// top-level one) comes from librdkafka's mock broker: a real broker cannot be made to
// refuse a well-formed commit on demand.
TEST(KafkaSourceTest, APartitionErrorInAnOffsetCommitFailsTheCommit) {
  Result<std::unique_ptr<MockCluster>> cluster = MockCluster::Start(1);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  ASSERT_TRUE((*cluster)->CreateTopic("commits", 1).ok());
  KafkaSourceOptions o;
  o.connection.brokers = (*cluster)->bootstrap_servers();
  o.group_id = "commit-errors";
  Result<std::unique_ptr<Source>> source = NewKafkaSource(o);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  RecordingListener listener;
  (*source)->SetRebalanceListener(&listener);
  ASSERT_TRUE((*source)->Subscribe({"commits"}).ok());
  std::vector<SourceRecord> records;
  for (int i = 0; i < 300 && listener.assigned.empty(); ++i) {
    ASSERT_TRUE((*source)->Poll(10, 100, &records).ok());
  }
  ASSERT_EQ(listener.assigned.size(), 1u);
  const TopicPartition tp{"commits", 0};
  ASSERT_TRUE((*source)->Commit({{tp, 0}}).ok());

  // 12: OFFSET_METADATA_TOO_LARGE, a per-partition error librdkafka does not retry itself.
  (*cluster)->PushRequestErrors(8, {12});
  Status st = (*source)->Commit({{tp, 0}});
  EXPECT_TRUE(st.IsUnavailable()) << st.ToString();
  EXPECT_TRUE((*source)->Commit({{tp, 0}}).ok());  // the next one goes through
  EXPECT_TRUE((*source)->Close().ok());
}

}  // namespace
}  // namespace lakestream::stream
