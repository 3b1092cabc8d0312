// Table properties lakestream honours when writing (PROTOCOL.md "Table
// Properties"; defaults as Delta's): delta.checkpointInterval (10),
// delta.logRetentionDuration ("interval 30 days"),
// delta.deletedFileRetentionDuration ("interval 1 week"); and the properties
// lakestream gives the tables it creates to maintain by merge.
//
// Durations are Spark calendar-interval strings: "interval <n> <unit>"
// with units microsecond(s)..week(s); the "interval" word is optional.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "delta/actions.h"

namespace lakestream::delta {

inline constexpr int64_t kDefaultCheckpointInterval = 10;
inline constexpr int64_t kDefaultLogRetentionMs = 30LL * 24 * 3600 * 1000;
inline constexpr int64_t kDefaultDeletedFileRetentionMs = 7LL * 24 * 3600 * 1000;

// InvalidArgument for text that is not an interval.
Result<int64_t> ParseIntervalMillis(std::string_view text);

// The configured values, defaults when absent or malformed.
int64_t CheckpointInterval(const Metadata& m);
int64_t LogRetentionMillis(const Metadata& m);
int64_t DeletedFileRetentionMillis(const Metadata& m);

// The properties of a table lakestream creates to maintain by MERGE (SCD1/SCD2
// dimensions such as the streaming user_profile, merge-maintained OData silver
// tables): delta.enableDeletionVectors = true, so a merge marks the replaced
// rows of a file in a deletion vector instead of copying the file's other rows
// (docs/deletion-vectors.md). Append-only tables (events, bronze, quarantine,
// run logs) get none of this unless their writer asks.
StringMap MergeTableProperties();

}  // namespace lakestream::delta
