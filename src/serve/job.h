// Job: one scheduled piece of work of `lakestream serve` (vacuum, log
// cleanup, checkpoint, run-log retention; archive and optimize plug in the
// same way). A job is a name, a schedule and Run(); the scheduler
// (serve/scheduler.h) times it, records a run-log row, updates the
// lakestream_job_* metrics and notifies on failure.
//
// Thread-safety: Run() is called from the scheduler thread only, never
// concurrently with itself. Ownership: the scheduler owns its jobs.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "common/schedule.h"

namespace lakestream::serve {

struct JobOutcome {
  int64_t rows = 0;    // rows moved/deleted/written, when the job has rows
  int64_t bytes = 0;   // bytes freed or written
  std::string detail;  // a short human summary for the log
  // Nothing was due (a job that checks for work, such as odata-refresh when
  // no source schedule is due): no run-log row, not counted as a run.
  bool idle = false;
};

class Job {
 public:
  virtual ~Job() = default;
  virtual const std::string& name() const = 0;
  virtual const Schedule& schedule() const = 0;
  // `stop` is set when serve shuts down; long jobs should check it between
  // safe steps and return early.
  virtual Result<JobOutcome> Run(const std::atomic<bool>& stop) = 0;
  // True when the job sends its own, more specific failure notification
  // (odata-refresh: LakestreamODataRefreshFailed); the scheduler then sends
  // no LakestreamJobFailed for it.
  virtual bool notifies_own_failures() const { return false; }
};

// A job from a function (most jobs are one call into a library).
class FunctionJob final : public Job {
 public:
  using Fn = std::function<Result<JobOutcome>(const std::atomic<bool>&)>;
  FunctionJob(std::string name, Schedule schedule, Fn fn)
      : name_(std::move(name)), schedule_(schedule), fn_(std::move(fn)) {}
  const std::string& name() const override { return name_; }
  const Schedule& schedule() const override { return schedule_; }
  Result<JobOutcome> Run(const std::atomic<bool>& stop) override { return fn_(stop); }

 private:
  std::string name_;
  Schedule schedule_;
  Fn fn_;
};

}  // namespace lakestream::serve
