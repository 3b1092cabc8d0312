// Reading Delta checkpoints (PROTOCOL.md "Checkpoints"): classic single-file
// `N.checkpoint.parquet` (V1 or V2 spec), multi-part `N.checkpoint.o.p.parquet`
// (V1 only) and UUID-named `N.checkpoint.<uuid>.{json,parquet}` (V2) ones, with
// the V2 spec's sidecar files in `_delta_log/_sidecars/`, through
// parquet::FileReader and RecordAssembler.
//
// Only the action columns are read (txn, add, remove, metaData, protocol,
// domainMetadata, and the v2 markers checkpointMetadata/sidecar), and within
// them only the fields we model: stats_parsed, partitionValues_parsed and
// anything unknown are projected away before any page is decoded. Rows are
// streamed one row group at a time. Missing columns read as null, as the
// protocol asks.
//
// A V2 checkpoint is checked as PROTOCOL.md "V2 Spec" asks: exactly one
// checkpointMetadata whose version is the file's, sidecars holding only add and
// remove actions, file actions either all in the checkpoint or all in sidecars;
// anything else is Corruption naming the file.
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

// Calls `sink` for every action in one checkpoint Parquet file, in file order
// (checkpointMetadata and sidecar actions included, unchecked).
Status ReadCheckpointFile(io::FileSystem& fs, const std::string& path, const ActionSink& sink);

// Every action of a checkpoint, in part order, then each sidecar's in the order
// the checkpoint lists them; checkpointMetadata and sidecar actions are consumed
// here, not passed on. Corruption if a part is missing or the V2 rules are
// broken; NotFound if a part or sidecar vanished.
Status ReadCheckpoint(io::FileSystem& fs, const CheckpointFiles& checkpoint,
                      const ActionSink& sink);

}  // namespace lakestream::delta
