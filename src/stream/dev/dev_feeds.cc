#include "stream/dev/dev_feeds.h"

#include "stream/dev/generated_feed.h"
#include "stream/dev/mock_cluster.h"

namespace lakestream::stream {
namespace {

class DevFeedsImpl final : public DevFeeds {
 public:
  explicit DevFeedsImpl(const DevFeedOptions& o) : options_(o) {}

  Result<std::string> StartEmbeddedBroker(const std::string& topic) override {
    if (cluster_) return Status::Internal("ingest: the embedded broker is already running");
    ASSIGN_OR_RETURN(cluster_, MockCluster::Start(1));
    RETURN_IF_ERROR(cluster_->CreateTopic(topic, options_.embedded_partitions));
    return cluster_->bootstrap_servers();
  }

  Result<ProduceStats> Produce(const KafkaConnection& conn, const std::string& group,
                               const std::string& topic, int64_t events,
                               const std::function<bool()>& keep_going) override {
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaProducer> producer, KafkaProducer::Make(conn));
    ASSIGN_OR_RETURN(std::unique_ptr<ConsumerLag> lag, ConsumerLag::Make(conn, group));
    ASSIGN_OR_RETURN(std::unique_ptr<pipeline::ClickstreamGenerator> gen,
                     pipeline::ClickstreamGenerator::Create(options_.generator));
    ProduceOptions po;
    po.events = events;
    po.max_lag = options_.max_lag;
    po.lag = [&]() { return lag->Lag(topic); };
    po.keep_going = keep_going;
    return ProduceGenerated(*producer, *gen, topic, po);
  }

 private:
  DevFeedOptions options_;
  std::unique_ptr<MockCluster> cluster_;  // destroyed after the clients that used it
};

}  // namespace

std::shared_ptr<DevFeeds> NewDevFeeds(const DevFeedOptions& options) {
  return std::make_shared<DevFeedsImpl>(options);
}

}  // namespace lakestream::stream
