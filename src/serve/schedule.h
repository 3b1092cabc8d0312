// Schedule: when a scheduled job of `lakestream serve` runs next. Either a
// fixed interval ("every: 1h", first run one interval after start unless
// run_at_start) or a daily wall-clock time in UTC ("daily_at: 03:30").
//
// Thread-safety: a value; pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace lakestream::serve {

struct Schedule {
  enum class Kind { kInterval, kDaily };
  Kind kind = Kind::kInterval;
  int64_t interval_ms = 0;    // kInterval
  int64_t daily_at_ms = 0;    // kDaily: ms after 00:00 UTC
  bool run_at_start = false;  // kInterval: first run right away

  // The first run time strictly after `after_ms` (wall ms since the epoch);
  // for kInterval, after_ms + interval.
  int64_t NextAfter(int64_t after_ms) const;
  // "every 1h" / "daily at 03:30 UTC".
  std::string ToString() const;
};

// "daily_at" text "HH:MM" (24 h, UTC) -> ms after midnight. InvalidArgument
// naming the text otherwise.
Result<int64_t> ParseTimeOfDay(std::string_view text);
// "500ms", "30s", "10m", "2h", "30d" -> ms. InvalidArgument naming the text.
Result<int64_t> ParseDurationMs(std::string_view text);

}  // namespace lakestream::serve
