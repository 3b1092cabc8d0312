// Schedules of OData sources (the `schedule` column): when a source's next
// load is due. Texts, times in UTC:
//   ""  or "manual"            never (on-demand refreshes only)
//   "daily HH:MM"              once a day
//   "hourly" / "hourly :MM"    once an hour at minute MM (default 0)
//   "every N minutes|hours"    N > 0, aligned to the epoch
// `serve` calls RefreshService::RunDueSchedules from its scheduler tick.
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace lakestream::odata {

struct Schedule {
  enum class Kind { kNever, kDaily, kHourly, kEvery };
  Kind kind = Kind::kNever;
  int64_t offset_ms = 0;  // kDaily: into the day; kHourly: into the hour
  int64_t every_ms = 0;   // kEvery
};

// InvalidArgument quoting the text and the accepted forms.
Result<Schedule> ParseSchedule(const std::string& text);

// The first due time strictly after `after_ms`; -1 for kNever.
int64_t NextDue(const Schedule& s, int64_t after_ms);

}  // namespace lakestream::odata
