#include "serve/scheduler.h"

#include <algorithm>
#include <chrono>

#include "common/logger.h"
#include "common/uuid.h"

namespace lakestream::serve {

Scheduler::Scheduler(SchedulerOptions options) : options_(std::move(options)) {
  options_.clock = ClockOrReal(options_.clock);
}

Result<std::unique_ptr<Scheduler>> Scheduler::Make(SchedulerOptions options) {
  if (options.registry == nullptr) return Status::InvalidArgument("scheduler: no registry");
  auto s = std::unique_ptr<Scheduler>(new Scheduler(std::move(options)));
  metrics::Registry* r = s->options_.registry;
  ASSIGN_OR_RETURN(s->runs_, r->AddCounter("lakestream_job_runs_total",
                                           "Scheduled job runs by job and status (ok, failed)",
                                           {"job_name", "status"}));
  ASSIGN_OR_RETURN(s->rows_, r->AddCounter("lakestream_job_rows_total",
                                           "Rows (or files) a job moved, deleted or wrote; "
                                           "for archive: rows moved",
                                           {"job_name"}));
  ASSIGN_OR_RETURN(s->duration_,
                   r->AddHistogram("lakestream_job_duration_seconds", "Scheduled job run time",
                                   {0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600}, {"job_name"}));
  ASSIGN_OR_RETURN(s->last_success_,
                   r->AddGauge("lakestream_job_last_success_timestamp_seconds",
                               "End time of the job's last successful run", {"job_name"}));
  ASSIGN_OR_RETURN(s->last_failed_,
                   r->AddGauge("lakestream_job_last_run_failed",
                               "1 when the job's last run failed, else 0", {"job_name"}));
  return s;
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(std::unique_ptr<Job> job) {
  const std::string& n = job->name();
  runs_->WithLabels({n, "ok"});
  runs_->WithLabels({n, "failed"});
  last_failed_->WithLabels({n}).Set(0);
  const Schedule& s = job->schedule();
  next_run_.push_back(s.kind == Schedule::Kind::kInterval && s.run_at_start ? Now()
                                                                            : s.NextAfter(Now()));
  jobs_.push_back(std::move(job));
}

std::vector<std::string> Scheduler::job_names() const {
  std::vector<std::string> v;
  for (const auto& j : jobs_) v.push_back(j->name());
  return v;
}

void Scheduler::Start() {
  if (thread_.joinable() || jobs_.empty()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status Scheduler::RunNow(const std::string& name) {
  for (auto& j : jobs_) {
    if (j->name() == name) return RunJob(*j);
  }
  return Status::NotFound("scheduler: no job named '" + name + "'");
}

Status Scheduler::RunJob(Job& job) {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  const std::string& name = job.name();
  Logger& log = DefaultLogger();
  log.Debug("scheduler", "job started", {{"job", name}});
  const int64_t start = Now();
  const int64_t t0_us = options_.clock->MonotonicMicros();
  Result<JobOutcome> r = job.Run(stop_);
  const double secs = static_cast<double>(options_.clock->MonotonicMicros() - t0_us) / 1e6;
  const int64_t end = Now();
  if (r.ok() && r->idle) {
    log.Debug("scheduler", "job idle", {{"job", name}, {"detail", r->detail}});
    return Status::OK();
  }
  RunRow row;
  row.job = name;
  row.run_id = NewUuid();
  row.started_us = start * 1000;
  row.ended_us = end * 1000;
  duration_->WithLabels({name}).Observe(secs);
  if (r.ok()) {
    row.rows = r->rows;
    row.bytes = r->bytes;
    runs_->WithLabels({name, "ok"}).Inc();
    rows_->WithLabels({name}).Inc(static_cast<double>(r->rows));
    last_success_->WithLabels({name}).Set(end / 1e3);
    last_failed_->WithLabels({name}).Set(0);
    log.Info("scheduler", "job finished",
             {{"job", name}, {"seconds", std::to_string(secs)}, {"detail", r->detail}});
  } else {
    row.status = "failed";
    row.error = r.status().ToString();
    runs_->WithLabels({name, "failed"}).Inc();
    last_failed_->WithLabels({name}).Set(1);
    log.Error("scheduler", "job failed", {{"job", name}, {"error", row.error}});
    if (options_.notifier && !job.notifies_own_failures()) {
      notify::Alert a;
      a.key = "job_failed:" + name;
      a.name = "LakestreamJobFailed";
      a.severity = "critical";
      a.summary = "scheduled job " + name + " failed";
      a.detail = row.error;
      a.runbook_anchor = "lakestreamjobfailed";
      Status ns = options_.notifier->Notify(a);
      if (!ns.ok()) log.Warn("scheduler", "notification failed", {{"error", ns.ToString()}});
    }
  }
  if (options_.run_log) {
    Status ls = options_.run_log->Append(std::move(row));
    if (!ls.ok()) log.Warn("scheduler", "run log append failed", {{"error", ls.ToString()}});
  }
  return r.status();
}

void Scheduler::Loop() {
  while (!stop_.load()) {
    size_t due = jobs_.size();
    int64_t earliest = INT64_MAX;
    for (size_t i = 0; i < jobs_.size(); ++i) {
      if (next_run_[i] < earliest) {
        earliest = next_run_[i];
        due = i;
      }
    }
    const int64_t now = Now();
    if (earliest > now) {
      std::unique_lock<std::mutex> lock(mu_);
      // Wake at least every second: the wall clock may jump.
      cv_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(earliest - now, 1000)),
                   [this] { return stop_.load(); });
      continue;
    }
    (void)RunJob(*jobs_[due]);
    next_run_[due] = jobs_[due]->schedule().NextAfter(std::max(Now(), earliest));
  }
}

}  // namespace lakestream::serve
