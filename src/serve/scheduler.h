// Scheduler: runs the scheduled jobs of `lakestream serve` on one
// background thread, one job at a time, each when its schedule says. Every
// run is timed and
//   - appended to the run log (job, start, end, status, rows, bytes, error),
//   - counted in lakestream_job_runs_total{job,status},
//     lakestream_job_duration_seconds{job}, lakestream_job_rows_total{job},
//     lakestream_job_last_success_timestamp_seconds{job} and
//     lakestream_job_last_run_failed{job} (1 after a failed run, 0 after a
//     good one: what the LakestreamJobFailed alert watches),
//   - notified (rate-limited) when it fails, unless the job sends its own
//     notification (Job::notifies_own_failures).
// A run whose outcome is idle (nothing was due) leaves no row and no count.
// A failed job is not retried early: it runs again at its next slot.
//
// Thread-safety: Add() before Start(); Stop() and RunNow() from any thread.
// Ownership: owns the jobs; borrows the run log, notifier and registry.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "metrics/registry.h"
#include "notify/notifier.h"
#include "serve/job.h"
#include "serve/run_log.h"

namespace lakestream::serve {

struct SchedulerOptions {
  RunLog* run_log = nullptr;             // optional
  notify::Notifier* notifier = nullptr;  // optional
  metrics::Registry* registry = nullptr;
  Clock* clock = RealClock();  // borrowed
};

class Scheduler {
 public:
  static Result<std::unique_ptr<Scheduler>> Make(SchedulerOptions options);
  ~Scheduler();

  void Add(std::unique_ptr<Job> job);
  void Start();
  // Asks a running job to stop (Job::Run's flag), waits for the thread.
  void Stop();

  // Runs the named job now on the calling thread, with the bookkeeping of a
  // scheduled run. NotFound for an unknown name; otherwise the job's status.
  Status RunNow(const std::string& name);
  std::vector<std::string> job_names() const;

 private:
  explicit Scheduler(SchedulerOptions options);
  Status RunJob(Job& job);
  void Loop();
  int64_t Now() const { return options_.clock->NowMillis(); }

  SchedulerOptions options_;
  std::vector<std::unique_ptr<Job>> jobs_;
  std::vector<int64_t> next_run_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;  // cv_ and serialising runs
  std::mutex run_mu_;
  std::condition_variable cv_;
  std::thread thread_;

  metrics::CounterFamily* runs_ = nullptr;
  metrics::CounterFamily* rows_ = nullptr;
  metrics::HistogramFamily* duration_ = nullptr;
  metrics::GaugeFamily* last_success_ = nullptr;
  metrics::GaugeFamily* last_failed_ = nullptr;
};

}  // namespace lakestream::serve
