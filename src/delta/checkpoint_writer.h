// Writing V1 checkpoints and `_last_checkpoint`, as Spark and delta-rs lay
// them out: classic single-file (`N.checkpoint.parquet`) or, when asked for a
// part size, multi-part (`N.checkpoint.<o>.<p>.parquet`, PROTOCOL.md
// "Checkpoints"; `_last_checkpoint` then says "parts"). One struct column
// per action (txn, add, remove, metaData, protocol, domainMetadata), each row
// holding exactly one non-null action; partitionValues, tags, configuration
// and format.options as map<string,string>; stats as a JSON string.
//
// Each checkpoint file is published atomically (io::WritableFile); the parts
// of a multi-part checkpoint one after the other, then `_last_checkpoint` is
// replaced. A crash in between leaves a valid checkpoint (or an incomplete
// multi-part one, which readers ignore) and a stale hint, which readers
// tolerate.
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
  // 0: one classic checkpoint file. N > 0: a multi-part checkpoint of
  // ceil(actions / N) parts of at most N actions each (Spark's
  // spark.databricks.delta.checkpoint.partSize), even when that is one part.
  int64_t part_size = 0;
};

// The checkpoint Parquet schema we write.
const parquet::Schema& CheckpointSchema();

// Writes the checkpoint for `snapshot.version()` and then `_last_checkpoint`.
// Returns what `_last_checkpoint` now says (with `parts` for a multi-part
// checkpoint). InvalidArgument for a negative part size or more parts than
// an int holds; I/O errors name the file.
Result<LastCheckpoint> WriteCheckpoint(const Snapshot& snapshot,
                                       const CheckpointOptions& options = {});

}  // namespace lakestream::delta
