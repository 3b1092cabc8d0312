#include "stream/dev/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace lakestream::stream {

struct MockCluster::Handles {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mc = nullptr;
  ~Handles() {
    if (mc != nullptr) rd_kafka_mock_cluster_destroy(mc);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

Result<std::unique_ptr<MockCluster>> MockCluster::Start(int num_brokers) {
  if (num_brokers < 1) return Status::InvalidArgument("mock cluster: need at least one broker");
  auto cluster = std::unique_ptr<MockCluster>(new MockCluster());
  cluster->h_ = std::make_unique<Handles>();
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the mock; it never connects anywhere itself.
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(std::string("mock cluster: ") + err);
  }
  cluster->h_->rk = rk;
  cluster->h_->mc = rd_kafka_mock_cluster_new(rk, num_brokers);
  if (cluster->h_->mc == nullptr) return Status::Internal("mock cluster: could not start brokers");
  cluster->bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster->h_->mc);
  return cluster;
}

MockCluster::~MockCluster() = default;

Status MockCluster::CreateTopic(const std::string& topic, int partitions,
                                int replication_factor) {
  rd_kafka_resp_err_t e =
      rd_kafka_mock_topic_create(h_->mc, topic.c_str(), partitions, replication_factor);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal("mock cluster: create topic " + topic + ": " + rd_kafka_err2str(e));
  }
  return Status::OK();
}

void MockCluster::PushRequestErrors(int16_t api_key, const std::vector<int>& error_codes) {
  std::vector<rd_kafka_resp_err_t> errs;
  for (int c : error_codes) errs.push_back(static_cast<rd_kafka_resp_err_t>(c));
  rd_kafka_mock_push_request_errors_array(h_->mc, api_key, errs.size(), errs.data());
}

Status MockCluster::DelayResponses(int32_t broker_id, int16_t api_key, int count,
                                   int delay_ms) {
  for (int i = 0; i < count; ++i) {
    rd_kafka_resp_err_t e = rd_kafka_mock_broker_push_request_error_rtts(
        h_->mc, broker_id, api_key, 1, RD_KAFKA_RESP_ERR_NO_ERROR, delay_ms);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::InvalidArgument("mock cluster: broker " + std::to_string(broker_id) +
                                     ": delay responses: " + rd_kafka_err2str(e));
    }
  }
  return Status::OK();
}

Status MockCluster::SetBrokerDown(int32_t broker_id) {
  rd_kafka_resp_err_t e = rd_kafka_mock_broker_set_down(h_->mc, broker_id);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument("mock cluster: broker " + std::to_string(broker_id) + ": " +
                                   rd_kafka_err2str(e));
  }
  return Status::OK();
}

Status MockCluster::SetBrokerUp(int32_t broker_id) {
  rd_kafka_resp_err_t e = rd_kafka_mock_broker_set_up(h_->mc, broker_id);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument("mock cluster: broker " + std::to_string(broker_id) + ": " +
                                   rd_kafka_err2str(e));
  }
  return Status::OK();
}

}  // namespace lakestream::stream
