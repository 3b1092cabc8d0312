// KafkaProducer: sends records to a Kafka topic (the `lakestream generate
// --topic` path and the test harness); ConsumerLag: how far a consumer group
// is behind. The generated, lag-paced feed built on them (ProduceGenerated)
// is in stream/dev/generated_feed.h, outside the product stream library.
//
// Records of generated lines are keyed by their event_id (GeneratedEventKey),
// so every resend of an event lands in the same partition as the original;
// lines without one (malformed) get no key and the default partitioner.
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

// What a producing run sent (stream/dev/generated_feed.h, the DevFeeds of ingest_job.h).
struct ProduceStats {
  int64_t produced = 0;
  int64_t malformed = 0;
  int64_t duplicates = 0;
  int64_t bytes = 0;
};

// The event_id of a generated line, if it has one as its first field.
std::optional<std::string_view> GeneratedEventKey(std::string_view line);

}  // namespace lakestream::stream
