// Rebuilding the dedup window after a restart: reading (key, event time) of
// the recent rows of the events table.
//
// From a Delta snapshot: the live files are planned (delta::PlanScan); when
// the table is partitioned by a date derived from the time column, only
// files whose date is within the window of the newest partition date are
// opened (the window is measured from the newest data, not the wall clock,
// so replays of old data dedup the same way). Only the two columns are
// decoded.
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "delta/deletion_vector.h"
#include "delta/snapshot.h"
#include "io/file_system.h"
#include "stream/batch_sink.h"

namespace lakestream::stream {

// Calls fn(key, time_us) for every row of the Parquet file whose key and time
// are both non-null, except the rows `deleted` (a deletion vector) names. InvalidArgument naming the column if the file lacks it
// or it has the wrong type (the key may be a string or an integer column).
Status ReadKeysFromFile(io::FileSystem& fs, const std::string& path,
                        const std::string& key_column, const std::string& time_column,
                        const std::function<void(std::string_view, int64_t)>& fn,
                        const delta::DeletedRows* deleted = nullptr);

// True when a file of date partition `date` ("YYYY-MM-DD", or nullopt/
// unparsable: true) may hold rows within `window_us` of the newest date.
bool DatePartitionInWindow(const std::optional<std::string>& date, int32_t newest_day,
                           int64_t window_us);

// The scan over a Delta snapshot's live files (see above).
Status ScanRecentKeysFromSnapshot(const delta::Snapshot& snapshot, const RecentKeysScan& scan,
                                  const std::function<void(std::string_view, int64_t)>& fn);

}  // namespace lakestream::stream
