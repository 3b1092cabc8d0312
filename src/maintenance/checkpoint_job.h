// Checkpoint job for the scheduler: writes a classic checkpoint of a table's
// latest version (unless `_last_checkpoint` already names that version) and
// then deletes log files past delta.logRetentionDuration, the same way a
// commit at a checkpoint interval does (delta/transaction.h), but on a
// schedule, so that tables with few commits also get checkpoints.
//
// Vacuum needs no wrapper: delta::Vacuum (delta/vacuum.h) takes options and
// returns a report already.
//
// Thread-safety: a function; safe beside writers (a checkpoint is a
// published file for a version that already exists; cleanup keeps
// everything a snapshot at or after the newest checkpoint needs).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "common/status.h"
#include "delta/log_store.h"

namespace lakestream::maintenance {

struct CheckpointJobOptions {
  std::shared_ptr<delta::LogStore> table;
  bool cleanup_log = true;
  std::optional<int64_t> now_ms;  // default: the system clock
};

struct CheckpointJobReport {
  int64_t version = -1;  // the table's latest version
  bool written = false;  // false when that version had a checkpoint already
  int64_t log_files_deleted = 0;
};

// NotFound for a table without a log; storage errors as they come.
Status RunCheckpoint(const CheckpointJobOptions& options, CheckpointJobReport* report);

}  // namespace lakestream::maintenance
