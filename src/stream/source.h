// Source: where the streaming ingest job reads records from: a partitioned,
// offset-addressed log (Kafka, or Azure Event Hubs through its Kafka
// endpoint). KafkaSource (stream/kafka_source.h) is the implementation; the
// micro-batch engine (stream/micro_batch_engine.h) only sees this interface.
//
// Offsets: the engine, not the source, decides where each partition starts
// (the table's txn versions are the truth, see docs/streaming.md), through the
// RebalanceListener. Offsets committed back to the source with Commit() are
// informational (they make lag visible to Kafka tooling) and are committed
// only after the data is durable in the table.
//
// Thread-safety: a Source is used by one thread. Listener callbacks run on
// that thread, inside Poll() (and Close()).
// Ownership: the source does not own its listener; the listener must outlive
// the source's last Poll/Close.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace lakestream::stream {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
  // "topic[3]", for messages.
  std::string ToString() const;
};

// Logical start positions a listener may return instead of an offset.
inline constexpr int64_t kOffsetBeginning = -2;  // the earliest retained offset
inline constexpr int64_t kOffsetEnd = -1;        // only records produced from now on
inline constexpr int64_t kOffsetStored = -1000;  // the group's committed offset

struct SourceRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // producer or log-append time; -1 when absent
  std::optional<std::string> key;
  // KafkaSource reserves kJsonPadding (64) bytes past the end (capacity), so
  // JSON parsers read the payload in place (see PayloadReadable()).
  std::string payload;

  // Bytes readable from payload.data(): its capacity (std::string's buffer
  // is allocated that far; the bytes past size() are unspecified).
  size_t PayloadReadable() const { return payload.capacity(); }

  TopicPartition tp() const { return {topic, partition}; }
};

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  // Partitions were assigned to this consumer. Returns where each should
  // start (an offset or one of the kOffset* constants); partitions the map
  // leaves out start at kOffsetStored. An error fails the Poll() that
  // delivered the assignment, and the partitions are not consumed.
  virtual Result<std::map<TopicPartition, int64_t>> OnAssigned(
      const std::vector<TopicPartition>& partitions) = 0;
  // Partitions are about to be taken away (`lost`: already taken, e.g. after
  // a session timeout). The listener flushes what it holds for them before
  // returning; the source stops delivering their records afterwards. An error
  // is returned from the Poll() (or Close()) that ran the callback.
  virtual Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) = 0;
};

class Source {
 public:
  virtual ~Source() = default;

  virtual void SetRebalanceListener(RebalanceListener* listener) = 0;
  // Joins the consumer group for `topics`; assignment arrives during Poll().
  virtual Status Subscribe(const std::vector<std::string>& topics) = 0;

  // Writes up to `max_records` records to (*out)[0..n), waiting up to
  // `timeout_ms` for the first one, and returns n (0 on timeout). Elements
  // already in *out are overwritten in place so their string buffers are
  // reused (no allocation per record in the steady state); *out is grown
  // when needed and never shrunk, so elements past n are stale leftovers.
  // Unavailable while brokers are unreachable is not an error (0 records);
  // errors are fatal client states and listener failures.
  virtual Result<size_t> Poll(size_t max_records, int timeout_ms,
                              std::vector<SourceRecord>* out) = 0;

  // Moves an assigned partition so the next record polled is `offset`.
  // InvalidArgument if the partition is not assigned.
  virtual Status Seek(const TopicPartition& tp, int64_t offset) = 0;

  // Starts committing the next offset to read for each partition (last
  // processed + 1) to the consumer group, in the background: the caller never
  // waits on the group coordinator (a coordinator outage must not stall
  // ingest; these offsets are informational). At most one commit is in
  // flight: Internal if one still is. An error here means the commit could
  // not be started; its outcome comes from CommitOutcome.
  virtual Status Commit(const std::map<TopicPartition, int64_t>& next_offsets) = 0;

  // The outcome of the commit started last, once: waits up to `timeout_ms`
  // (0: only looks) for it to complete; nullopt while it is still in flight,
  // or when no outcome is waiting. Close() waits for a commit in flight (up
  // to its limit; KafkaSource: source.close_timeout), and its outcome can
  // still be taken afterwards.
  virtual std::optional<Status> CommitOutcome(int timeout_ms) = 0;

  // The partitions currently assigned.
  virtual Result<std::vector<TopicPartition>> Assignment() = 0;

  // The partition's low (earliest retained) and high (next to be written)
  // offsets, asking the broker.
  virtual Result<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& tp,
                                                         int timeout_ms) = 0;

  // Leaves the group (revoking the assignment through the listener) and
  // releases the client, within the source's close limit. Idempotent.
  virtual Status Close() = 0;
};

}  // namespace lakestream::stream
