// StreamObserver: the stream's non-fatal problems, which the stream
// survives but an operator must see: a post-commit checkpoint that failed
// (the commit stands, the log grows), a dimension merge that failed (events
// are committed, the dimension catches up later) and a transient Kafka
// consumer error (librdkafka retries). Before this interface they were at
// best a log line; StreamMonitor (stream_monitor.h) counts them in
// lakestream_stream_*_total families that the alert rules in
// deploy/prometheus watch (docs/runbook.md).
//
// Sinks and sources take an optional StreamObserver* and call it on the
// engine or source thread; implementations must be thread-safe and cheap.
// Ownership: borrowed; it must outlive the sink or source.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::stream {

class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  // A commit to `table` succeeded but its post-commit checkpoint failed.
  virtual void OnCheckpointFailed(const std::string& table, const std::string& error) = 0;
  // Merging a batch (or recovering) into dimension `name` failed.
  virtual void OnDimensionMergeFailed(const std::string& name, const Status& error) = 0;
  // The Kafka consumer reported a transient error (`code`: librdkafka's
  // error name, e.g. "_TRANSPORT"; a small fixed set, fit for a label).
  virtual void OnConsumerError(std::string_view code, const std::string& message) = 0;
};

}  // namespace lakestream::stream
