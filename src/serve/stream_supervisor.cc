#include "serve/stream_supervisor.h"

#include <algorithm>

#include "common/logger.h"
#include "common/uuid.h"

namespace lakestream::serve {
StreamSupervisor::StreamSupervisor(SupervisorOptions options) : options_(std::move(options)) {
  if (!options_.run) options_.run = stream::RunIngest;
  options_.clock = ClockOrReal(options_.clock);
}

RetryPolicy StreamSupervisor::AsRetryPolicy(const RestartPolicy& p) {
  RetryPolicy r;
  r.max_attempts = 0;
  r.initial_backoff_ms = p.initial_backoff_ms;
  r.max_backoff_ms = p.max_backoff_ms;
  r.jitter_low = 1.0 - p.jitter;
  r.jitter_high = 1.0 + p.jitter;
  return r;
}

int64_t StreamSupervisor::BackoffMs(const RestartPolicy& p, int n, double u) {
  return std::max<int64_t>(1, BackoffDelayMs(AsRetryPolicy(p), n, u));
}

void StreamSupervisor::OnBatch(const stream::MicroBatch& batch) {
  if (options_.monitor) options_.monitor->OnBatch(batch);
  if (!options_.run_log) return;
  const int64_t now = options_.clock->NowMillis();
  RunRow row;
  row.job = "stream";
  row.run_id = std::to_string(batch.sequence);
  row.started_us = (now - batch.duration_ms) * 1000;
  row.ended_us = now * 1000;
  row.rows = batch.metrics.events;
  row.bytes = batch.metrics.bytes;
  std::string offsets = "{";
  for (const auto& [tp, last] : batch.last_offsets) {
    if (offsets.size() > 1) offsets += ',';
    offsets += "\"" + tp.ToString() + "\":" + std::to_string(last);
  }
  row.offsets = offsets + "}";
  Status st = options_.run_log->Append(std::move(row));
  if (!st.ok()) {
    DefaultLogger().Warn("stream", "run log append failed", {{"error", st.ToString()}});
  }
}

void StreamSupervisor::RecordFailure(const Status& st, int64_t started_ms, int64_t ended_ms) {
  failures_total_.fetch_add(1);
  if (options_.monitor) options_.monitor->OnFailure(st);
  if (options_.run_log) {
    RunRow row;
    row.job = "stream";
    row.run_id = NewUuid();
    row.started_us = started_ms * 1000;
    row.ended_us = ended_ms * 1000;
    row.status = "failed";
    row.error = st.ToString();
    Status ls = options_.run_log->Append(std::move(row));
    if (!ls.ok()) {
      DefaultLogger().Warn("stream", "run log append failed", {{"error", ls.ToString()}});
    }
  }
  if (options_.notifier) {
    notify::Alert a;
    a.key = "stream_failed";
    a.name = "LakestreamStreamDown";
    a.severity = "critical";
    a.summary = "stream " + options_.ingest.config.pipeline_id + " failed; restarting";
    a.detail = st.ToString();
    a.runbook_anchor = "lakestreamstreamdown";
    Status ns = options_.notifier->Notify(a);
    if (!ns.ok()) DefaultLogger().Warn("stream", "notification failed", {{"error", ns.ToString()}});
  }
}

Status StreamSupervisor::Run(std::atomic<bool>* stop) {
  Logger& log = DefaultLogger();
  Clock* clock = options_.clock;
  RetryPolicy policy = AsRetryPolicy(options_.restart);
  policy.clock = clock;
  policy.stop = stop;
  policy.seed = options_.seed;
  Backoff backoff(policy);
  while (!stop->load()) {
    stream::IngestOptions o = options_.ingest;
    o.stop = stop;
    stream::StreamMonitor* monitor = options_.monitor;
    o.on_connected = [monitor](const stream::KafkaConnection& c) {
      if (monitor) monitor->StartLag(c);
    };
    o.on_commit = [this](const stream::MicroBatch& b) { OnBatch(b); };
    if (!o.log) {
      o.log = [](std::string_view s) { DefaultLogger().Info("stream", s); };
    }
    const int64_t started = clock->NowMillis();
    runs_.fetch_add(1);
    if (monitor) monitor->SetRunning(true);
    log.Info("stream", "stream started",
             {{"pipeline", o.config.pipeline_id}, {"run", std::to_string(runs_.load())}});
    Result<stream::IngestResult> r = options_.run(o);
    if (monitor) {
      monitor->SetRunning(false);
      monitor->StopLag();
    }
    const int64_t ended = clock->NowMillis();
    if (options_.run_log) {
      Status fs = options_.run_log->Flush();
      if (!fs.ok()) log.Warn("stream", "run log flush failed", {{"error", fs.ToString()}});
    }
    if (r.ok()) {
      log.Info("stream", "stream stopped",
               {{"batches", std::to_string(r->stats.batches)},
                {"events", std::to_string(r->stats.totals.events)}});
      return Status::OK();
    }
    log.Error("stream", "stream failed", {{"error", r.status().ToString()}});
    RecordFailure(r.status(), started, ended);
    if (ended - started >= options_.restart.reset_after_ms) backoff.Reset();
    const int64_t delay = std::max<int64_t>(1, backoff.NextDelayMs());
    log.Info("stream", "restarting after backoff",
             {{"delay_ms", std::to_string(delay)}, {"attempt", std::to_string(backoff.retries())}});
    if (SleepUnlessStopped(clock, delay, stop) && monitor) monitor->OnRestart();
  }
  return Status::OK();
}

}  // namespace lakestream::serve
