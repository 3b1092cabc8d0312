// Reading Delta checkpoints (PROTOCOL.md "Checkpoints"): classic single-file
// `N.checkpoint.parquet` and multi-part `N.checkpoint.o.p.parquet` V1
// checkpoints, through parquet::FileReader and RecordAssembler.
//
// Only the action columns are read (txn, add, remove, metaData, protocol,
// domainMetadata, and the v2 markers checkpointMetadata/sidecar), and within
// them only the fields we model: stats_parsed, partitionValues_parsed and
// anything unknown are projected away before any page is decoded. Rows are
// streamed one row group at a time. Missing columns read as null, as the
// protocol asks.
//
// A checkpoint holding v2 actions (checkpointMetadata, sidecar) yields
// NotSupported naming the v2Checkpoint feature.
//
// Thread-safety: pure functions of their inputs.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/log_store.h"
#include "io/file_system.h"

namespace lakestream::delta {

using ActionSink = std::function<Status(Action&&)>;

// Calls `sink` for every action in one checkpoint Parquet file, in file order.
Status ReadCheckpointFile(io::FileSystem& fs, const std::string& path, const ActionSink& sink);

// All parts of a checkpoint, in part order. NotSupported for UUID-named (v2)
// checkpoints; Corruption if a part is missing.
Status ReadCheckpoint(io::FileSystem& fs, const CheckpointFiles& checkpoint,
                      const ActionSink& sink);

}  // namespace lakestream::delta
