// DimensionBatchSink: a BatchSink decorator that keeps an SCD type 2
// dimension table (e.g. the clickstream's user_profile) current from the
// events the inner sink commits, in the same exactly-once scheme
// (docs/streaming.md, "The user_profile dimension").
//
// After the inner sink has committed a batch (events durable), the batch's
// events files are read back (only the key, tracked and sequence columns)
// and merged into the dimension with delta::MergeScd2 in ONE dimension
// commit carrying one txn action per Kafka partition of the batch:
// appId DimensionTxnAppId(pipeline_id, name, partition), version = the
// partition's last offset (the same version the events commit carries).
//
// Recovery: a crash between the events commit and the dimension commit
// leaves a partition's dimension txn behind its events txn. Recover() finds
// those partitions, walks the events log back to the commits whose txn for
// them is newer than the dimension's, re-reads those commits' files and
// merges them in one commit that moves the dimension txns up to the events
// txns. SCD2 merging is idempotent, so rows that were already applied change
// nothing. Recover() runs when partitions are assigned (CommittedOffset of
// the events role, i.e. at every start and rebalance), and before the next
// batch whenever a dimension merge failed (the batch's events are durable,
// so Commit still reports success and the dimension catches up later).
//
// A dimension table created by Open has deletion vectors enabled
// (delta::MergeTableProperties: each merge marks the closed versions' rows in a
// DV and appends the new rows; untouched files are not rewritten) and starts
// at the events table's current txns (no backfill of older events; `lakestream merge --source EVENTS
// --mode scd2` backfills). Events rows with a null key or sequence are
// skipped.
//
// Thread-safety: engine thread only (as every BatchSink). Ownership: owns
// the inner sink; shares its FileSystem.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "delta/schema.h"
#include "stream/batch_sink.h"
#include "stream/pipeline_config.h"
#include "stream/stream_observer.h"

namespace lakestream::stream {

struct DimensionSinkOptions {
  std::function<void(std::string_view)> log;
  // Told about failed merges and recoveries (stream_observer.h); optional.
  StreamObserver* observer = nullptr;
  int max_attempts = 5;  // merges re-planned after a Conflict
};

// The txn appId recording how far a Kafka partition is applied to the
// dimension: "<pipeline_id>:<name>:<partition>". Unambiguous, unlike the old
// events appId (stream/txn_app_id.h): ValidatePipelineConfig, which the parser
// and WithDimension apply, allows only letters, digits, - _ . in both names,
// so neither holds ':' and no migration is needed.
std::string DimensionTxnAppId(const std::string& pipeline_id, const std::string& name,
                              int32_t partition);

// The dimension table's schema: key (not null), tracked columns, the
// sequence column, valid_from, valid_to (the sequence's type), is_current.
delta::DeltaType DimensionSchema(const PipelineConfig& config);

// Wraps `inner` when config.dimension is enabled; returns `inner` otherwise.
Result<std::unique_ptr<BatchSink>> WithDimension(std::unique_ptr<BatchSink> inner,
                                                 const PipelineConfig& config,
                                                 DimensionSinkOptions options = {});

}  // namespace lakestream::stream
