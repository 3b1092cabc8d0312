// KafkaSource::Close against a group coordinator that does not answer: the close
// is bounded by KafkaSourceOptions::close_timeout_ms (source.close_timeout), says
// so in the log, and the unanswered commit becomes its outcome. On librdkafka's
// mock broker, the only broker whose responses can be held back on demand.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stream/dev/mock_cluster.h"
#include "stream/kafka_source.h"

namespace lakestream::stream {
namespace {

// Records the assignment; every partition starts where the group says.
class AssignmentListener final : public RebalanceListener {
 public:
  Result<std::map<TopicPartition, int64_t>> OnAssigned(
      const std::vector<TopicPartition>& partitions) override {
    assigned_.insert(assigned_.end(), partitions.begin(), partitions.end());
    return std::map<TopicPartition, int64_t>{};
  }
  Status OnRevoked(const std::vector<TopicPartition>&, bool) override { return Status::OK(); }
  bool assigned() const { return !assigned_.empty(); }

 private:
  std::vector<TopicPartition> assigned_;
};

class KafkaSourceCloseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MockCluster>> cluster = MockCluster::Start(1);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(*cluster);
    ASSERT_TRUE(cluster_->CreateTopic("clicks", 1).ok());
  }
  // The source is closed before the cluster goes (declared after it).
  void TearDown() override { source_.reset(); }

  // A source in group "close-test", subscribed and polled until it owns clicks[0].
  void StartSource(int64_t close_timeout_ms) {
    KafkaSourceOptions o;
    o.connection.brokers = cluster_->bootstrap_servers();
    // Requests wait for an answer up to librdkafka's maximum (5 min), so only the
    // close limit can end the wait below.
    o.connection.properties["socket.timeout.ms"] = "300000";
    o.group_id = "close-test";
    o.close_timeout_ms = close_timeout_ms;
    o.log = [this](std::string_view line) { log_.emplace_back(line); };
    Result<std::unique_ptr<Source>> source = NewKafkaSource(o);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    source_ = std::move(*source);
    source_->SetRebalanceListener(&listener_);
    ASSERT_TRUE(source_->Subscribe({"clicks"}).ok());
    std::vector<SourceRecord> records;
    // Each Poll waits up to 200 ms for the assignment; 300 of them bound the test.
    for (int i = 0; i < 300 && !listener_.assigned(); ++i) {
      ASSERT_TRUE(source_->Poll(10, 200, &records).ok());
    }
    ASSERT_TRUE(listener_.assigned()) << "the mock broker never assigned clicks[0]";
  }

  std::unique_ptr<MockCluster> cluster_;
  AssignmentListener listener_;
  std::vector<std::string> log_;
  std::unique_ptr<Source> source_;
};

TEST_F(KafkaSourceCloseTest, AnUnansweredOffsetCommitDoesNotHoldCloseBeyondItsLimit) {
  StartSource(/*close_timeout_ms=*/500);
  // The coordinator (broker 1) holds its answer to the next OffsetCommit (API 8) for an hour.
  ASSERT_TRUE(cluster_->DelayResponses(1, 8, 1, 3600 * 1000).ok());
  ASSERT_TRUE(source_->Commit({{{"clicks", 0}, 42}}).ok());
  EXPECT_FALSE(source_->CommitOutcome(0).has_value()) << "the commit is in flight";

  // Without the limit this waits socket.timeout.ms (5 minutes), and the commit's outcome
  // is librdkafka's timeout.
  Status closed = source_->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();

  std::optional<Status> outcome = source_->CommitOutcome(0);
  ASSERT_TRUE(outcome.has_value()) << "close leaves the unanswered commit's outcome";
  EXPECT_TRUE(outcome->IsUnavailable()) << outcome->ToString();
  EXPECT_NE(outcome->ToString().find("within 500 ms (source.close_timeout)"), std::string::npos)
      << outcome->ToString();
  ASSERT_EQ(log_.size(), 1u) << "close says once that it gave up";
  EXPECT_NE(log_[0].find("group close-test not left within 500 ms (source.close_timeout)"),
            std::string::npos)
      << log_[0];
  EXPECT_NE(log_[0].find("an offset commit"), std::string::npos) << log_[0];
  EXPECT_TRUE(source_->Close().ok()) << "a second close is a no-op";
}

TEST_F(KafkaSourceCloseTest, AnAnsweredCommitClosesInTimeWithItsOutcome) {
  StartSource(/*close_timeout_ms=*/60000);
  ASSERT_TRUE(source_->Commit({{{"clicks", 0}, 7}}).ok());
  ASSERT_TRUE(source_->Close().ok());
  std::optional<Status> outcome = source_->CommitOutcome(0);
  ASSERT_TRUE(outcome.has_value()) << "close waits for the commit in flight";
  EXPECT_TRUE(outcome->ok()) << outcome->ToString();
  EXPECT_TRUE(log_.empty()) << log_[0];
}

}  // namespace
}  // namespace lakestream::stream
