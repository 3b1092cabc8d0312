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
// - Close is bounded by close_timeout_ms: a group coordinator that does not
//   answer (after a broker outage) cannot hold it for socket.timeout.ms; past
//   the limit the source logs that it gave up and the client is released in
//   the background (stream/kafka_consumer_close_internal.h).
//
// Thread-safety: one thread (see Source). Ownership: owns the client.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

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
  // How long Close() waits for the consumer to leave the group (its revoke
  // callback, offset commits in flight, the LeaveGroup request) before it
  // gives up on the group coordinator and goes on (source.close_timeout).
  // Kafka's committed offsets are advisory (docs/streaming.md): giving up
  // loses no data, the group's lag only shows stale until the next commit.
  int64_t close_timeout_ms = 10000;
  // Told when Close() gives up (one line, for the job's log); optional.
  std::function<void(std::string_view)> log;
};

// InvalidArgument for a bad property (naming it, never its value when secret)
// or a missing group id.
Result<std::unique_ptr<Source>> NewKafkaSource(const KafkaSourceOptions& options);

}  // namespace lakestream::stream
