// Writing classic single-file V1 checkpoints (`N.checkpoint.parquet`) and
// `_last_checkpoint`, as Spark and delta-rs lay them out: one struct column
// per action (txn, add, remove, metaData, protocol, domainMetadata), each row
// holding exactly one non-null action; partitionValues, tags, configuration
// and format.options as map<string,string>; stats as a JSON string.
//
// The checkpoint file is published atomically (io::WritableFile), then
// `_last_checkpoint` is replaced. A crash in between leaves a valid
// checkpoint and a stale hint, which readers tolerate.
//
// Thread-safety: pure functions of their inputs (and the storage).
#pragma once

#include <cstdint>

#include "common/status.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "parquet/schema.h"

namespace lakestream::delta {

struct CheckpointOptions {
  // Tombstones deleted before this time (ms since the epoch) are expired
  // and left out; 0 keeps all. Callers pass now - deletedFileRetentionDuration.
  int64_t min_tombstone_timestamp_ms = 0;
  // Rows per RecordShredder batch.
  int64_t batch_rows = 4096;
};

// The checkpoint Parquet schema we write.
const parquet::Schema& CheckpointSchema();

// Writes the checkpoint for `snapshot.version()` and then `_last_checkpoint`.
// Returns what `_last_checkpoint` now says.
Result<LastCheckpoint> WriteCheckpoint(const Snapshot& snapshot,
                                       const CheckpointOptions& options = {});

}  // namespace lakestream::delta
