// Schedule: when a recurring piece of work runs next: a job of `lakestream
// serve` (vacuum, optimize, the OData refresh, ...) or an OData source's load.
// One text syntax, times in UTC:
//   "manual" (or "")            never on its own (on demand only)
//   "daily HH:MM"               once a day
//   "hourly" / "hourly :MM"     once an hour at minute MM (default 0)
//   "every 15m", "every 2h",    at multiples of the interval since the epoch
//   "every N minutes|hours"     (durations as common/config_values.h)
// The serve config's older keys map onto it: `daily_at: "03:30"` is
// "daily 03:30"; `every: 1h` is an interval counted from serve's start (not
// aligned), optionally with run_at_start.
//
// Thread-safety: a value; pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream {

struct Schedule {
  enum class Kind { kInterval, kDaily, kHourly, kNever };
  Kind kind = Kind::kInterval;
  int64_t interval_ms = 0;    // kInterval
  bool aligned = false;       // kInterval: slots at multiples of interval_ms since the epoch
  int64_t daily_at_ms = 0;    // kDaily: ms after 00:00 UTC
  int64_t hourly_at_ms = 0;   // kHourly: ms after the full hour
  bool run_at_start = false;  // kInterval: first run right away

  // The first run time strictly after `after_ms` (wall ms since the epoch);
  // for an unaligned kInterval, after_ms + interval; -1 for kNever.
  int64_t NextAfter(int64_t after_ms) const;
  // "every 60s" / "daily at 03:30 UTC" / "hourly at :15" / "manual".
  std::string ToString() const;
};

// The text syntax above. InvalidArgument quoting the text and the accepted
// forms.
Result<Schedule> ParseSchedule(std::string_view text);

// "HH:MM" (24 h, UTC) -> ms after midnight. InvalidArgument naming the text.
Result<int64_t> ParseTimeOfDay(std::string_view text);

}  // namespace lakestream
