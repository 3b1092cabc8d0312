// AckingProducer: the collector's Kafka / Event Hubs producer. Unlike
// stream::KafkaProducer (fire, then Flush), it reports the outcome of each
// request's records: the callback runs once every record of the request has
// a definitive delivery report, so the collector answers 200 only for what
// the broker acknowledged.
//
// Settings: stream::BuildProducerProperties (one librdkafka config path, the
// Event Hubs rules included), then the collector's: enable.idempotence=true,
// acks=all, message.timeout.ms = the ack timeout, linger.ms 5 (latency),
// under the user's own properties. Records are keyed (collect/event_batch.h).
// A request whose records cannot all be queued (the local queue past its
// high-water mark) queues none of them and fails at once with Unavailable.
//
// Reachability: false after librdkafka reports all brokers down or a
// delivery fails, true again after a delivery or a metadata probe succeeds.
//
// Thread-safety: Produce and Probe from any thread; callbacks run on the
// producer's own poll thread and must not block. Ownership: owns the client
// and the poll thread; the destructor waits up to 5 s for queued records.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "collect/event_batch.h"
#include "common/status.h"
#include "stream/kafka_config.h"

namespace lakestream::collect {

class AckingProducer {
 public:
  struct Options {
    stream::KafkaConnection connection;
    int64_t ack_timeout_ms = 5000;
    int64_t max_queued = 500000;  // records in flight before requests are refused
  };
  // OK when every record was acknowledged; otherwise the first error
  // (Unavailable for timeouts and broker outages, IOError for others).
  using Done = std::function<void(const Status&)>;

  // InvalidArgument for bad properties (naming the property).
  static Result<std::unique_ptr<AckingProducer>> Make(const Options& options);
  ~AckingProducer();

  void Produce(const std::string& topic, const std::vector<EventRecord>& records, Done done);
  // Asks the cluster for metadata (up to timeout_ms); updates reachable().
  bool Probe(int timeout_ms);

  bool reachable() const { return reachable_.load(); }
  int64_t in_flight() const;
  int64_t delivered() const { return delivered_.load(); }
  int64_t failed() const { return failed_.load(); }

 private:
  struct Pending;
  struct Client;
  AckingProducer() = default;
  static void DeliveryCb(void* rk, const void* msg, void* opaque);
  static void ErrorCb(void* rk, int err, void* opaque);
  void PollLoop();

  Options options_;
  std::unique_ptr<Client> client_;
  std::thread poller_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> reachable_{true};
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failed_{0};
};

}  // namespace lakestream::collect
