// KafkaProducer: sends records to a Kafka topic (the `lakestream generate
// --topic` path and the test harness), and ProduceGenerated, which feeds
// synthetic clickstream events (pipeline/clickstream_generator.h) into it.
//
// Records are keyed by their event_id (the first field of a generated line),
// so every resend of an event lands in the same partition as the original;
// lines without one (malformed) get no key and the default partitioner.
//
// Pacing: the embedded mock broker keeps only a few MB per partition
// (stream/mock_cluster.h), so ProduceGenerated can wait while the consumer
// group's lag (high watermark minus committed offset, summed over partitions)
// exceeds `max_lag` records, as measured by a ConsumerLag.
//
// Thread-safety: Produce/Flush from one thread. Ownership: owns the client.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pipeline/clickstream_generator.h"
#include "stream/kafka_config.h"

namespace lakestream::stream {

class KafkaProducer {
 public:
  // InvalidArgument for bad properties (see BuildKafkaProperties).
  static Result<std::unique_ptr<KafkaProducer>> Make(const KafkaConnection& conn);
  ~KafkaProducer();

  // Queues one record into `partition`, or (-1) the partition chosen from
  // the key, or by librdkafka when there is none. Waits while the local
  // queue is full. Internal for fatal client errors.
  Status Produce(const std::string& topic, std::optional<std::string_view> key,
                 std::string_view payload, int32_t partition = -1);
  // Waits up to timeout_ms for every queued record to be acknowledged.
  // Unavailable if some are still in flight, IOError if any failed.
  Status Flush(int timeout_ms);

  int64_t delivered() const { return delivered_.load(); }
  int64_t failed() const { return failed_.load(); }

 private:
  KafkaProducer() = default;
  static void DeliveryCb(void* rk, const void* msg, void* opaque);
  struct Handle;
  std::unique_ptr<Handle> h_;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failed_{0};
  std::string first_error_;
};

// The records of `topic` that the consumer group has not committed yet.
// Thread-safety: one thread. Ownership: owns its client.
class ConsumerLag {
 public:
  static Result<std::unique_ptr<ConsumerLag>> Make(const KafkaConnection& conn,
                                                   const std::string& group_id);
  ~ConsumerLag();
  // Sum over partitions of (high watermark - committed offset), where a
  // partition without a committed offset counts from offset 0.
  Result<int64_t> Lag(const std::string& topic, int timeout_ms = 5000);
  // The same per partition: partition -> lag (for the consumer lag metric).
  // A failed query drops the client, and the next call starts a new one from the
  // bootstrap brokers: after a broker or the group's coordinator dies, a long-lived
  // client can keep asking the dead node and never answer again.
  Result<std::map<int32_t, int64_t>> LagByPartition(const std::string& topic,
                                                    int timeout_ms = 5000);

 private:
  ConsumerLag() = default;
  struct Handle;
  Status Connect();
  std::unique_ptr<Handle> h_;
  KafkaProperties props_;
};

struct ProduceStats {
  int64_t produced = 0;
  int64_t malformed = 0;
  int64_t duplicates = 0;
  int64_t bytes = 0;
};

struct ProduceOptions {
  int64_t events = 0;
  // Pause while lag() > max_lag (both set), checking every pace_interval_ms.
  std::function<Result<int64_t>()> lag;
  int64_t max_lag = 0;
  int pace_interval_ms = 200;
  // Called after each pause check; return false to stop early.
  std::function<bool()> keep_going;
  // Called about every pause_report_ms while paused, with why (the lag, or the error that
  // leaves it unknown), so a stalled producer says what it waits for.
  std::function<void(const std::string&)> on_pause;
  int pause_report_ms = 10000;
};

// Produces options.events generated lines into `topic` and flushes.
Result<ProduceStats> ProduceGenerated(KafkaProducer& producer,
                                      pipeline::ClickstreamGenerator& generator,
                                      const std::string& topic, const ProduceOptions& options);

// The event_id of a generated line, if it has one as its first field.
std::optional<std::string_view> GeneratedEventKey(std::string_view line);

}  // namespace lakestream::stream
