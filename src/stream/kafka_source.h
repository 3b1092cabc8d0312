// KafkaSource: the Source (stream/source.h) over a librdkafka high-level
// consumer in a consumer group.
//
// - Auto-commit and auto offset store are off: offsets reach the group only
//   through Commit(), which the engine calls after a batch is durable.
// - Rebalances: the rebalance callback asks the RebalanceListener where each
//   assigned partition starts and assigns with those offsets, so the first
//   record fetched is already the right one (no fetch-then-seek). With the
//   cooperative protocol (partition.assignment.strategy=cooperative-sticky)
//   only the moved partitions are (un)assigned incrementally; with the eager
//   protocols the whole assignment is replaced.
// - Any librdkafka property can be passed (KafkaConnection::properties);
//   secrets are masked in every message (stream/kafka_config.h).
//
// Thread-safety: one thread (see Source). Ownership: owns the client.
#pragma once

#include <memory>
#include <string>

#include "stream/kafka_config.h"
#include "stream/stream_observer.h"
#include "stream/source.h"

namespace lakestream::stream {

struct KafkaSourceOptions {
  KafkaConnection connection;
  std::string group_id;
  // Where a partition starts when the listener says kOffsetStored and the
  // group has no committed offset: "earliest" or "latest".
  std::string auto_offset_reset = "earliest";
  // Records larger than this are still delivered (librdkafka fetches them);
  // this bounds how much one Poll() buffers.
  int64_t max_poll_bytes = 64LL << 20;
  // Told about transient consumer errors, which Poll skips (librdkafka
  // retries them); optional.
  StreamObserver* observer = nullptr;
};

// InvalidArgument for a bad property (naming it, never its value when secret)
// or a missing group id.
Result<std::unique_ptr<Source>> NewKafkaSource(const KafkaSourceOptions& options);

}  // namespace lakestream::stream
