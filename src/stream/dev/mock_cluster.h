// MockCluster: an in-process Kafka cluster (librdkafka's mock broker,
// rdkafka_mock.h) for development: `lakestream ingest` starts one when the
// config says `source: {embedded: true}` (never by default). Tests run on a
// real Kafka broker and use the mock only for faults a real broker cannot be
// made to produce (the request errors pushed below).
//
// Limits of the mock (librdkafka 2.0): each partition keeps only a few MB
// (about 5 MB or 100k messages) and drops its oldest messages past that, so
// a producer must be paced by consumer lag (ProduceGenerated's max_lag) or
// records are lost before they are read. No persistence, no transactions.
//
// Fault hooks for chaos tests: request errors pushed onto the next requests
// of one API, delayed responses, brokers set down and up.
//
// Thread-safety: the mock runs its brokers on its own threads; the methods
// here may be called from any thread. Ownership: owns the cluster and the
// client handle it lives in; destroy after every client using it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakestream::stream {

class MockCluster {
 public:
  // Starts `num_brokers` brokers on ephemeral localhost ports.
  static Result<std::unique_ptr<MockCluster>> Start(int num_brokers = 1);
  ~MockCluster();

  // "127.0.0.1:port,..." for bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstraps_; }

  // Creates a topic (the mock also auto-creates topics with 4 partitions on
  // first use). Internal on failure.
  Status CreateTopic(const std::string& topic, int partitions, int replication_factor = 1);

  // The next requests of Kafka API `api_key` (e.g. 1 Fetch, 8 OffsetCommit,
  // 0 Produce) fail, in order, with these Kafka error codes.
  void PushRequestErrors(int16_t api_key, const std::vector<int>& error_codes);
  // Broker `broker_id` answers its next `count` requests of API `api_key` only after
  // `delay_ms` (a coordinator that does not answer an OffsetCommit, 8, in time).
  // Later responses on the same connection wait behind them.
  Status DelayResponses(int32_t broker_id, int16_t api_key, int count, int delay_ms);
  // Broker ids are 1..num_brokers.
  Status SetBrokerDown(int32_t broker_id);
  Status SetBrokerUp(int32_t broker_id);

 private:
  MockCluster() = default;
  struct Handles;
  std::unique_ptr<Handles> h_;
  std::string bootstraps_;
};

}  // namespace lakestream::stream
