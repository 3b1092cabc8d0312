// Clock: the one seam for time and sleeping, as LevelDB's Env has NowMicros
// and SleepForMicroseconds. Retries, schedules, freshness checks, timeouts
// and timestamps ask a Clock instead of std::chrono, so tests drive time with
// a ManualClock (common/manual_clock.h) instead of sleeping.
//
// Two times: NowMicros() is wall time (microseconds since the Unix epoch,
// for timestamps written to tables, logs and messages; it may jump), and
// MonotonicMicros() never goes backwards (for measuring durations and
// deadlines). SleepForMicros() blocks the calling thread.
//
// Thread-safety: implementations are safe for concurrent use.
// Ownership: RealClock() returns a process-lifetime singleton, never freed;
// options structs hold a borrowed Clock* that must outlive their user.
#pragma once

#include <cstdint>

namespace lakestream {

class Clock {
 public:
  virtual ~Clock() = default;

  // Wall time: microseconds since 1970-01-01T00:00:00Z.
  virtual int64_t NowMicros() = 0;
  // Monotonic time in microseconds from an arbitrary origin.
  virtual int64_t MonotonicMicros() = 0;
  // Blocks for `micros` (nothing for <= 0).
  virtual void SleepForMicros(int64_t micros) = 0;

  int64_t NowMillis() { return NowMicros() / 1000; }
  int64_t MonotonicMillis() { return MonotonicMicros() / 1000; }
  void SleepForMillis(int64_t millis) { SleepForMicros(millis * 1000); }
};

// The system clock (std::chrono::system_clock / steady_clock) and a real
// sleep. Never null.
Clock* RealClock();

// `clock` when set, RealClock() otherwise: for options whose Clock* defaults
// to null.
inline Clock* ClockOrReal(Clock* clock) { return clock != nullptr ? clock : RealClock(); }

}  // namespace lakestream
