#include "stream/dev/generated_feed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/manual_clock.h"
#include "pipeline/generator/clickstream_generator.h"
#include "stream/dev/mock_cluster.h"

namespace lakestream::stream {
namespace {

// A producer on librdkafka's mock broker with a topic "paced" and a generator.
class GeneratedFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MockCluster>> cluster = MockCluster::Start(1);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(*cluster);
    ASSERT_TRUE(cluster_->CreateTopic("paced", 1).ok());
    KafkaConnection conn;
    conn.brokers = cluster_->bootstrap_servers();
    Result<std::unique_ptr<KafkaProducer>> producer = KafkaProducer::Make(conn);
    ASSERT_TRUE(producer.ok()) << producer.status().ToString();
    producer_ = std::move(*producer);
    Result<std::unique_ptr<pipeline::ClickstreamGenerator>> gen =
        pipeline::ClickstreamGenerator::Create(pipeline::GeneratorOptions{});
    ASSERT_TRUE(gen.ok()) << gen.status().ToString();
    gen_ = std::move(*gen);
  }
  void TearDown() override {
    producer_.reset();  // before the cluster it talks to
    cluster_.reset();
  }
  Result<ProduceStats> Produce(const ProduceOptions& po) {
    return ProduceGenerated(*producer_, *gen_, "paced", po);
  }
  // A producer paced at max lag 500, checking every 10 ms and reporting a pause every
  // 50 ms, waiting on `clock` (the pauses take no real time); pauses land in *reports.
  static ProduceOptions Paced(ManualClock* clock, std::vector<std::string>* reports) {
    ProduceOptions po;
    po.events = 5000;
    po.max_lag = 500;
    po.pace_interval_ms = 10;
    po.pause_report_ms = 50;
    po.clock = clock;
    po.on_pause = [reports](const std::string& why) { reports->push_back(why); };
    return po;
  }

  std::unique_ptr<MockCluster> cluster_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<pipeline::ClickstreamGenerator> gen_;
};

// A paced producer whose group lag cannot be read (the group's coordinator moving, say) says
// so while it waits, instead of stalling silently. librdkafka's mock broker stands in for
// Kafka here: only the producer side runs, and the lag is the test's own function.
TEST_F(GeneratedFeedTest, APausedProducerSaysWhyItWaits) {
  ManualClock clock;
  std::vector<std::string> reports;
  ProduceOptions po = Paced(&clock, &reports);
  int lag_calls = 0;
  po.lag = [&]() -> Result<int64_t> {
    ++lag_calls;
    return Status::Unavailable(
        "kafka lag: committed offset of paced[0]: Coordinator load in progress");
  };
  po.keep_going = [&]() { return reports.size() < 2; };
  Result<ProduceStats> st = Produce(po);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  // Unknown lag lets it run max_lag ahead: the first 1000 events, then it waits at 1000.
  EXPECT_EQ(st->produced, 1000);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_NE(reports[0].find("after 1000 events"), std::string::npos) << reports[0];
  EXPECT_NE(reports[0].find("group lag unknown"), std::string::npos) << reports[0];
  EXPECT_NE(reports[0].find("Coordinator load in progress"), std::string::npos) << reports[0];
  EXPECT_NE(reports[0].find("max lag 500"), std::string::npos) << reports[0];
  EXPECT_GT(lag_calls, 2);
  // Every wait between two lag checks went through the clock, and the reports came by its time:
  // one per 50 ms of waiting, 10 ms at a time.
  std::vector<int64_t> sleeps = clock.SleepsMillis();
  EXPECT_EQ(sleeps, std::vector<int64_t>(sleeps.size(), 10));
  EXPECT_GE(sleeps.size(), 10u);
  EXPECT_NE(reports[0].find("paused 0 s"), std::string::npos) << reports[0];
}

// A known lag above the bound is reported with its value.
TEST_F(GeneratedFeedTest, APausedProducerReportsTheLagItWaitsOn) {
  ManualClock clock;
  std::vector<std::string> reports;
  ProduceOptions po = Paced(&clock, &reports);
  po.lag = [&]() -> Result<int64_t> { return int64_t{4321}; };
  po.keep_going = [&]() { return reports.empty(); };
  Result<ProduceStats> st = Produce(po);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->produced, 0);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].find("group lag 4321 > max lag 500"), std::string::npos) << reports[0];
}

}  // namespace
}  // namespace lakestream::stream
