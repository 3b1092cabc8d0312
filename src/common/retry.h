// RetryPolicy and Retry(): the one way lakestream retries a transient
// failure. Attempts are bounded (max_attempts) and optionally by an overall
// deadline; between attempts the caller sleeps on a Clock for
//
//   backoff(n) = min(max_backoff, initial_backoff * multiplier^(n-1))   (n-th retry)
//   delay(n)   = uniform in [jitter_low * backoff(n), jitter_high * backoff(n)]
//
// The defaults (jitter_low 0, jitter_high 1) are full jitter; a caller with
// another established spread (a commit race, the stream restart) sets the
// two fractions. A server's Retry-After hint, when the attempt reports one,
// replaces the computed delay (capped at max_retry_after_ms).
//
// Which failures retry: Unavailable always; IOError when retry_io_errors;
// an attempt may overrule this for its own failure (RetryAttempt::retry).
// Retry() never sleeps past the deadline: when the next delay would end
// after it, it returns the last failure at once.
//
// Thread-safety: RetryPolicy is a value; Backoff and Retry() calls are
// independent per call (no shared state besides the Clock).
// Ownership: the policy borrows its Clock and stop flag.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/clock.h"
#include "common/status.h"

namespace lakestream {

struct RetryPolicy {
  int max_attempts = 4;  // the first try included; 0 or less: no bound (use deadline/stop)
  int64_t initial_backoff_ms = 500;
  int64_t max_backoff_ms = 20000;
  double multiplier = 2.0;
  double jitter_low = 0.0;   // delay fractions of the backoff: [low, high]
  double jitter_high = 1.0;  // (0, 1) is full jitter
  int64_t max_retry_after_ms = 60000;  // a longer Retry-After hint is capped
  int64_t deadline_ms = 0;  // overall, from the first attempt (monotonic); 0: none
  bool retry_io_errors = false;
  Clock* clock = RealClock();                // sleeps and the deadline (borrowed)
  const std::atomic<bool>* stop = nullptr;   // when set, a sleep ends early and no retry follows
  uint64_t seed = 0;                         // jitter draws; 0: random
  // Called before each retry's sleep: retry number (1-based), the failure, the delay.
  std::function<void(int retry, const Status& why, int64_t delay_ms)> on_retry;
};

// InvalidArgument naming `what` and the field when the policy is unusable
// (negative backoffs, jitter_low > jitter_high, multiplier < 1).
Status ValidateRetryPolicy(const RetryPolicy& p, std::string_view what);

// The delay before retry `n` (1-based) for a uniform draw u in [0, 1),
// with no Retry-After hint. At least 0.
int64_t BackoffDelayMs(const RetryPolicy& p, int n, double u);

// Whether the policy retries `s` (never for OK).
bool IsRetryable(const RetryPolicy& p, const Status& s);

// Sleeps `ms` on `clock` in slices of at most 20 ms, returning early (false)
// once *stop is set; true when the whole time passed. `stop` may be null.
bool SleepUnlessStopped(Clock* clock, int64_t ms, const std::atomic<bool>* stop);

// The backoff of one retry loop, for loops that do their own bookkeeping
// between attempts (a commit that rebases, a supervisor that restarts).
// Not thread-safe: one loop, one Backoff.
class Backoff {
 public:
  explicit Backoff(const RetryPolicy& policy);

  // Computes the next delay (a hint >= 0 wins, capped), sleeps it on the
  // clock, and returns true; false without sleeping when the deadline would
  // pass first, or after a sleep cut short by the stop flag.
  bool Wait(int64_t retry_after_ms = -1);
  // The delay the next Wait() would sleep, advancing the retry count.
  int64_t NextDelayMs(int64_t retry_after_ms = -1);
  // Starts again from initial_backoff (a long healthy run).
  void Reset() { retries_ = 0; }
  int retries() const { return retries_; }
  // Monotonic ms since the Backoff was made.
  int64_t ElapsedMs() const;

 private:
  RetryPolicy policy_;
  std::mt19937_64 rng_;
  int retries_ = 0;
  int64_t started_ms_;
};

// What an attempt reports to Retry() besides its Status.
struct RetryAttempt {
  int number = 1;                 // 1-based
  int64_t retry_after_ms = -1;    // the server's hint for the next delay, when it sent one
  std::optional<bool> retry;      // overrules IsRetryable() for this attempt's failure
};

namespace internal {
// Runs the loop for a Status-returning attempt.
Status RetryLoop(const RetryPolicy& p, const std::function<Status(RetryAttempt&)>& attempt);
}  // namespace internal

// Calls `attempt` until it succeeds, fails with a non-retryable Status, the
// attempts or the deadline run out, or the stop flag is set. Returns the
// last attempt's Status or Result unchanged (callers add their own context).
template <typename F>
auto Retry(const RetryPolicy& p, F&& attempt) -> std::invoke_result_t<F, RetryAttempt&> {
  using R = std::invoke_result_t<F, RetryAttempt&>;
  if constexpr (std::is_same_v<R, Status>) {
    return internal::RetryLoop(p, attempt);
  } else {
    std::optional<R> last;
    Status st = internal::RetryLoop(p, [&](RetryAttempt& a) -> Status {
      last.emplace(attempt(a));
      return last->status();
    });
    (void)st;
    return std::move(*last);
  }
}

}  // namespace lakestream
