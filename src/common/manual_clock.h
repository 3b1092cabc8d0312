// ManualClock: a Clock for tests. Time moves only when the test calls
// Advance()/SetNowMicros() or when code under test calls SleepForMicros(),
// which advances both times by the requested amount at once and records it,
// so a retry loop's backoffs can be asserted without waiting for them.
//
// Header-only and used only by tests, so the shipping binary never links it.
//
// Thread-safety: safe for concurrent use (one mutex).
// Ownership: a plain value owned by the test; pass its address as Clock*.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "common/clock.h"

namespace lakestream {

class ManualClock final : public Clock {
 public:
  // Wall time starts at `now_micros`; monotonic time at 0.
  explicit ManualClock(int64_t now_micros = 1764000000000000) : wall_(now_micros) {}

  int64_t NowMicros() override {
    std::lock_guard<std::mutex> lock(mu_);
    return wall_;
  }
  int64_t MonotonicMicros() override {
    std::lock_guard<std::mutex> lock(mu_);
    return mono_;
  }
  void SleepForMicros(int64_t micros) override {
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(micros);
    if (micros > 0) {
      wall_ += micros;
      mono_ += micros;
    }
  }

  // Moves both times forward by `micros`.
  void AdvanceMicros(int64_t micros) {
    std::lock_guard<std::mutex> lock(mu_);
    wall_ += micros;
    mono_ += micros;
  }
  void AdvanceMillis(int64_t millis) { AdvanceMicros(millis * 1000); }
  // Sets wall time only (a jump of the system clock); monotonic time stays.
  void SetNowMicros(int64_t micros) {
    std::lock_guard<std::mutex> lock(mu_);
    wall_ = micros;
  }
  void SetNowMillis(int64_t millis) { SetNowMicros(millis * 1000); }

  // Every SleepForMicros() argument so far, in call order.
  std::vector<int64_t> SleepsMicros() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }
  std::vector<int64_t> SleepsMillis() const {
    std::vector<int64_t> out = SleepsMicros();
    for (int64_t& s : out) s /= 1000;
    return out;
  }

 private:
  mutable std::mutex mu_;
  int64_t wall_;
  int64_t mono_ = 0;
  std::vector<int64_t> sleeps_;
};

}  // namespace lakestream
