// The system clock behind the Clock interface.
#include "common/clock.h"

#include <chrono>
#include <thread>

namespace lakestream {
namespace {

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t MonotonicMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void SleepForMicros(int64_t micros) override {
    if (micros > 0) std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
};

}  // namespace

Clock* RealClock() {
  static SystemClock* clock = new SystemClock();  // never destroyed: usable during exit
  return clock;
}

}  // namespace lakestream
