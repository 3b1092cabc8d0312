// RetryPolicy, Backoff and the retry loop.
#include "common/retry.h"

#include <algorithm>
#include <cmath>

namespace lakestream {

Status ValidateRetryPolicy(const RetryPolicy& p, std::string_view what) {
  auto bad = [&](const std::string& field, const std::string& why) {
    return Status::InvalidArgument(std::string(what) + ": retry." + field + ": " + why);
  };
  if (p.initial_backoff_ms < 0) return bad("initial_backoff_ms", "must not be negative");
  if (p.max_backoff_ms < p.initial_backoff_ms) {
    return bad("max_backoff_ms", "must be at least initial_backoff_ms");
  }
  if (!(p.multiplier >= 1.0)) return bad("multiplier", "must be at least 1");
  if (!(p.jitter_low >= 0.0) || !(p.jitter_high >= p.jitter_low)) {
    return bad("jitter", "need 0 <= jitter_low <= jitter_high");
  }
  if (p.deadline_ms < 0) return bad("deadline_ms", "must not be negative");
  return Status::OK();
}

int64_t BackoffDelayMs(const RetryPolicy& p, int n, double u) {
  double b = static_cast<double>(p.initial_backoff_ms) *
             std::pow(p.multiplier, static_cast<double>(std::max(0, n - 1)));
  b = std::min(b, static_cast<double>(p.max_backoff_ms));
  const double d = b * (p.jitter_low + (p.jitter_high - p.jitter_low) * u);
  return std::max<int64_t>(0, static_cast<int64_t>(d));
}

bool IsRetryable(const RetryPolicy& p, const Status& s) {
  return s.IsUnavailable() || (p.retry_io_errors && s.IsIOError());
}

bool SleepUnlessStopped(Clock* clock, int64_t ms, const std::atomic<bool>* stop) {
  if (stop == nullptr) {
    clock->SleepForMillis(ms);
    return true;
  }
  const int64_t until = clock->MonotonicMillis() + ms;
  for (;;) {
    if (stop->load()) return false;
    const int64_t left = until - clock->MonotonicMillis();
    if (left <= 0) return true;
    clock->SleepForMillis(std::min<int64_t>(left, 20));
  }
}

Backoff::Backoff(const RetryPolicy& policy)
    : policy_(policy),
      rng_(policy.seed != 0 ? policy.seed : std::random_device{}()),
      started_ms_(ClockOrReal(policy.clock)->MonotonicMillis()) {
  policy_.clock = ClockOrReal(policy_.clock);
}

int64_t Backoff::ElapsedMs() const { return policy_.clock->MonotonicMillis() - started_ms_; }

int64_t Backoff::NextDelayMs(int64_t retry_after_ms) {
  ++retries_;
  if (retry_after_ms >= 0) return std::min(retry_after_ms, policy_.max_retry_after_ms);
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  return BackoffDelayMs(policy_, retries_, u);
}

bool Backoff::Wait(int64_t retry_after_ms) {
  const int64_t delay = NextDelayMs(retry_after_ms);
  if (policy_.deadline_ms > 0 && ElapsedMs() + delay > policy_.deadline_ms) return false;
  return SleepUnlessStopped(policy_.clock, delay, policy_.stop);
}

namespace internal {

Status RetryLoop(const RetryPolicy& p, const std::function<Status(RetryAttempt&)>& attempt) {
  Backoff backoff(p);
  for (int n = 1;; ++n) {
    RetryAttempt a;
    a.number = n;
    Status s = attempt(a);
    if (s.ok()) return s;
    const bool retryable = a.retry.has_value() ? *a.retry : IsRetryable(p, s);
    if (!retryable) return s;
    if (p.max_attempts > 0 && n >= p.max_attempts) return s;
    if (p.stop != nullptr && p.stop->load()) return s;
    // Peek at the delay without sleeping, so on_retry sees what Wait() will sleep.
    Backoff peek = backoff;
    const int64_t delay = peek.NextDelayMs(a.retry_after_ms);
    if (p.deadline_ms > 0 && backoff.ElapsedMs() + delay > p.deadline_ms) return s;
    if (p.on_retry) p.on_retry(n, s, delay);
    if (!backoff.Wait(a.retry_after_ms)) return s;
  }
}

}  // namespace internal
}  // namespace lakestream
