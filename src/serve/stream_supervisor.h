// StreamSupervisor: keeps the streaming ingest job running inside `lakestream
// serve` (the "retrigger"). It runs stream::RunIngest; when a run fails it
// records the failure (run log row, metrics, a rate-limited notification),
// waits with exponential backoff plus jitter, and starts it again. Restarts
// are safe because the stream resumes from the events table's txn versions
// (exactly once, docs/streaming.md).
//
// Each durable batch is fed to the StreamMonitor (metrics) and appended to
// the run log (job "stream", grouped commits). On stop the engine finishes
// its current batch (commits it, or abandons it uncommitted if the commit
// fails) and Run() returns OK.
//
// Backoff: common/retry.h's Backoff with delay(n) = min(max_backoff,
// initial_backoff * 2^(n-1)) for the n-th consecutive failure, times a
// uniform factor in [1-jitter, 1+jitter]; a run that lasted reset_after
// resets n. Waits are on the Clock and cut short by the stop flag.
//
// Thread-safety: Run() on one thread; `stop` may be set from any thread.
// Ownership: borrows monitor, run log and notifier (all optional).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "common/retry.h"
#include "common/status.h"
#include "notify/notifier.h"
#include "serve/run_log.h"
#include "serve/serve_config.h"
#include "stream/ingest_job.h"
#include "stream/stream_monitor.h"

namespace lakestream::serve {

struct SupervisorOptions {
  stream::IngestOptions ingest;  // config, make_sink, generate_events, ...
  RestartPolicy restart;
  stream::StreamMonitor* monitor = nullptr;
  RunLog* run_log = nullptr;
  notify::Notifier* notifier = nullptr;
  uint64_t seed = 0;  // jitter; 0: random
  Clock* clock = RealClock();  // run times and backoff sleeps (borrowed)
  // Replaces RunIngest (tests inject failures here).
  std::function<Result<stream::IngestResult>(const stream::IngestOptions&)> run;
};

class StreamSupervisor {
 public:
  explicit StreamSupervisor(SupervisorOptions options);

  // Blocks until *stop is set (returns OK), or the stream ends by itself
  // (available_now, max_seconds: OK).
  Status Run(std::atomic<bool>* stop);

  int64_t failures() const { return failures_total_.load(); }
  int64_t runs() const { return runs_.load(); }

  // The delay before restart after the n-th consecutive failure, for a
  // uniform draw u in [0, 1).
  static int64_t BackoffMs(const RestartPolicy& p, int n, double u);
  // The restart policy as a RetryPolicy (unbounded attempts, stopped by `stop`).
  static RetryPolicy AsRetryPolicy(const RestartPolicy& p);

 private:
  void OnBatch(const stream::MicroBatch& batch);
  void RecordFailure(const Status& st, int64_t started_ms, int64_t ended_ms);

  SupervisorOptions options_;
  std::atomic<int64_t> failures_total_{0};
  std::atomic<int64_t> runs_{0};
};

}  // namespace lakestream::serve
