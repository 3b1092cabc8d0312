// Table properties lakestream honours when writing (PROTOCOL.md "Table
// Properties"; defaults as Delta's): delta.checkpointInterval (10),
// delta.logRetentionDuration ("interval 30 days"),
// delta.deletedFileRetentionDuration ("interval 1 week").
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

}  // namespace lakestream::delta
