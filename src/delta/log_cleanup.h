// Metadata cleanup (PROTOCOL.md "Metadata Cleanup"): deletes commit,
// checkpoint and checksum files older than the log retention, but never the
// newest checkpoint at or before the cutoff, its commit, or anything after.
//
// The cutoff commit is the newest commit whose file time is at or before
// now - retention; the cutoff checkpoint the newest complete checkpoint at
// or before it. Without one nothing is deleted. `_last_checkpoint` and
// anything in subdirectories are never touched.
//
// Thread-safety: safe to run beside writers (it only deletes files no
// snapshot at or after the cutoff checkpoint needs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"

namespace lakestream::delta {

// Returns the paths deleted. `now_ms` and `retention_ms` in milliseconds.
Result<std::vector<std::string>> CleanupExpiredLogs(const LogStore& store, int64_t now_ms,
                                                    int64_t retention_ms);

}  // namespace lakestream::delta
