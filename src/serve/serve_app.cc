#include "serve/serve_app.h"

#include <filesystem>

#include "common/clock.h"
#include "common/json_escape.h"
#include "common/logger.h"
#include "common/redact.h"
#include "common/time_format.h"
#include "delta/log_store.h"
#include "delta/uri.h"
#include "io/azure_uri.h"
#include "io/file_system_resolver.h"
#include "serve/maintenance_jobs.h"
#include "serve/metered_file_system.h"
#include "serve/odata_refresh_job.h"
#include "server/observability_routes.h"
#include "stream/delta_batch_sink.h"
#include "stream/dimension_sink.h"

namespace lakestream::serve {

Result<std::unique_ptr<ServeApp>> ServeApp::Make(ServeConfig config) {
  auto app = std::unique_ptr<ServeApp>(new ServeApp(std::move(config)));
  RETURN_IF_ERROR(app->Init());
  return app;
}

ServeApp::~ServeApp() {
  collect_stop_.store(true);
  if (collect_thread_.joinable()) collect_thread_.join();
  StopStream();
  if (scheduler_) scheduler_->Stop();
  http_.Stop();
}

Status ServeApp::Init() {
  // A local state_dir must be a directory (made if missing): caught here, at start, rather
  // than by the first run-log flush of a running service.
  if (!io::IsAzureUri(config_.state_dir)) {
    std::error_code ec;
    std::string dir = config_.state_dir;
    if (dir.rfind("file://", 0) == 0) dir = dir.substr(7);
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
      return Status::InvalidArgument("serve: state_dir " + config_.state_dir +
                                     " exists and is not a directory");
    }
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Status::InvalidArgument("serve: state_dir " + config_.state_dir +
                                     ": cannot create it: " + ec.message());
    }
  }
  ASSIGN_OR_RETURN(storage_, NewMeteredFileSystem(io::NewRoutingFileSystem(), &registry_));
  RunLogOptions ro;
  ro.state_dir = config_.state_dir;
  ro.group_rows = config_.run_log_group_rows;
  ro.group_ms = config_.run_log_group_ms;
  ro.clock = config_.clock;
  ASSIGN_OR_RETURN(run_log_, RunLog::Open(ro));

  notify::NotifierOptions no = config_.notify;
  no.registry = &registry_;
  ASSIGN_OR_RETURN(notifier_, notify::Notifier::Make(no));

  SchedulerOptions so;
  so.run_log = run_log_.get();
  so.notifier = notifier_.get();
  so.registry = &registry_;
  so.clock = config_.clock;
  ASSIGN_OR_RETURN(scheduler_, Scheduler::Make(so));
  for (const JobConfig& j : config_.jobs) {
    if (j.type == "vacuum") {
      scheduler_->Add(NewVacuumJob(j.name, j.schedule, j.table, j.retention_ms));
    } else if (j.type == "log_cleanup") {
      scheduler_->Add(NewLogCleanupJob(j.name, j.schedule, j.table, j.retention_ms));
    } else if (j.type == "checkpoint") {
      scheduler_->Add(NewCheckpointJob(j.name, j.schedule, j.table));
    } else if (j.type == "archive") {
      scheduler_->Add(NewArchiveJob(j.name, j.schedule, j.table, j.archive_table,
                                    j.partition_column, j.older_than_ms));
    } else if (j.type == "optimize") {
      scheduler_->Add(NewOptimizeJob(j.name, j.schedule, j.table, j.partition_column, j.recent_ms,
                                     j.zorder_by, j.target_file_size));
    }
  }
  Schedule hourly;
  hourly.interval_ms = 3600 * 1000;
  hourly.run_at_start = true;
  scheduler_->Add(
      NewRunLogRetentionJob("runlog-retention", hourly, run_log_.get(), config_.run_log_keep_ms));
  if (!config_.refresh.empty()) RETURN_IF_ERROR(AddODataRefresh());

  std::vector<server::ReadinessCheck> checks;
  checks.push_back({"storage", [this] { return StorageReachable(); }});
  if (!config_.collect.empty()) {
    Result<std::unique_ptr<collect::CollectService>> c =
        collect::CollectService::Start(config_.collect, &registry_);
    if (!c.ok()) return c.status().WithContext("serve: collect");
    collect_ = std::move(*c);
    checks.push_back({"collector", [this] {
                        bool ready = collect_->collector().Ready();
                        return server::CheckResult{
                            ready, ready ? "ok" : "broker unreachable and spool full"};
                      }});
  }
  if (config_.pipeline) {
    const stream::PipelineConfig& p = *config_.pipeline;
    stream::StreamMonitorOptions mo;
    mo.pipeline_id = p.pipeline_id;
    mo.topic = p.source.topic;
    mo.group = p.source.group;
    mo.time_column = p.dedup.time_column;
    mo.lag_interval_ms = config_.lag_interval_ms;
    mo.max_commit_age_ms = config_.max_commit_age_ms;
    mo.clock = config_.clock;
    ASSIGN_OR_RETURN(monitor_, stream::StreamMonitor::Make(&registry_, mo));
    checks.push_back({"stream", [this] {
                        if (!stream_running_.load())
                          return server::CheckResult{false, "stream stopped"};
                        stream::Readiness r = monitor_->CheckReady(true);
                        return server::CheckResult{r.ready, r.reason};
                      }});
  }
  http_.SetApiToken(config_.api_token);
  server::MountObservability(&http_, &registry_, std::move(checks));
  MountAdmin();
  return Status::OK();
}

Status ServeApp::AddODataRefresh() {
  Result<std::unique_ptr<ODataRefreshJob>> job =
      ODataRefreshJob::Make(config_.refresh, &registry_, run_log_.get(), notifier_.get());
  if (!job.ok()) return job.status().WithContext("serve: refresh");
  // One token guards every control route; the refresh config names where it comes from.
  if (config_.api_token.empty()) {
    config_.api_token = (*job)->api_token();
  } else if (config_.api_token != (*job)->api_token()) {
    return Status::InvalidArgument(
        "serve: refresh " + config_.refresh +
        ": the API token variable its api_token_env names differs from LAKESTREAM_API_TOKEN; "
        "serve has one API token: set both to the same value or drop api_token_env");
  }
  http_.SetApiToken(config_.api_token);
  RETURN_IF_ERROR((*job)->Mount(http_));
  scheduler_->Add(std::move(job).value());
  return Status::OK();
}

server::CheckResult ServeApp::StorageReachable() const {
  // One cheap request per table (a /readyz probe must not list a long log):
  // the _last_checkpoint hint either exists or is NotFound; any other error
  // means the storage does not answer. The reason names the table and the error.
  std::vector<std::string> roots = {run_log_->table_root()};
  if (config_.pipeline) roots.push_back(config_.pipeline->table);
  for (const std::string& t : roots) {
    Result<std::string> root = delta::NormalizeTableRoot(t);
    if (!root.ok()) return {false, Redact("storage: " + root.status().message())};
    Result<io::FileInfo> st = storage_->Stat(*root + "/_delta_log/_last_checkpoint");
    if (!st.ok() && !st.status().IsNotFound()) {
      return {false, Redact("storage not reachable: table " + *root + ": " + st.status().message())};
    }
  }
  return {true, "ok"};
}

void ServeApp::MountAdmin() {
  using server::HttpRequest;
  using server::HttpResponse;
  http_.Post("/api/stream/stop", [this](const HttpRequest&) {
    if (!config_.pipeline) return HttpResponse::Json(404, "{\"error\":\"no stream configured\"}\n");
    StopStream();
    return HttpResponse::Json(200, "{\"stream\":\"stopped\"}\n");
  });
  http_.Post("/api/stream/start", [this](const HttpRequest&) {
    if (!config_.pipeline) return HttpResponse::Json(404, "{\"error\":\"no stream configured\"}\n");
    StartStream();
    return HttpResponse::Json(200, "{\"stream\":\"running\"}\n");
  });
  http_.Post("/api/jobs/run", [this](const HttpRequest& req) {
    Status st = scheduler_->RunNow(req.Param("name"));
    std::string body = "{\"job\":";
    AppendJsonString(req.Param("name"), &body);
    body += ",\"ok\":";
    body += st.ok() ? "true" : "false";
    if (!st.ok()) {
      body += ",\"error\":";
      AppendJsonString(st.ToString(), &body);
    }
    body += "}\n";
    return HttpResponse::Json(st.ok() ? 200 : (st.IsNotFound() ? 404 : 500), body);
  });
  http_.Get("/api/runs", [this](const HttpRequest& req) {
    const int64_t now = config_.clock->NowMillis();
    Result<int64_t> since = SinceToMicros(req.Param("since", "30d"), now);
    if (!since.ok()) return HttpResponse::Json(400, "{\"error\":\"bad since\"}\n");
    (void)run_log_->Flush();
    Result<std::vector<RunRow>> rows = run_log_->Read(*since, req.Param("failed") == "1");
    if (!rows.ok()) {
      std::string b = "{\"error\":";
      AppendJsonString(rows.status().ToString(), &b);
      return HttpResponse::Json(500, b + "}\n");
    }
    std::string out;
    for (const RunRow& r : *rows) {
      out += "{\"job\":";
      AppendJsonString(r.job, &out);
      out += ",\"started_at\":\"" + FormatTimestampMicros(r.started_us) + "\",\"status\":";
      AppendJsonString(r.status, &out);
      out += ",\"rows\":" + std::to_string(r.rows) + ",\"error\":";
      AppendJsonString(r.error, &out);
      out += "}\n";
    }
    HttpResponse resp = HttpResponse::Text(200, out);
    resp.content_type = "application/x-ndjson";
    return resp;
  });
}

void ServeApp::StartStream() {
  std::lock_guard<std::mutex> lock(stream_mu_);
  if (!config_.pipeline || stream_thread_.joinable()) return;
  SupervisorOptions so;
  so.clock = config_.clock;
  so.ingest.config = *config_.pipeline;
  so.ingest.clock = config_.clock;
  // The monitor counts what the sinks and the source survive (stream/stream_observer.h).
  so.ingest.observer = monitor_.get();
  so.ingest.make_sink = [fs = storage_, observer = monitor_.get()](
                            const stream::PipelineConfig& c)
      -> Result<std::unique_ptr<stream::BatchSink>> {
    stream::DeltaSinkOptions dso;
    dso.fs = fs;
    dso.events_table = c.table;
    dso.quarantine_table = c.quarantine_table;
    dso.observer = observer;
    ASSIGN_OR_RETURN(std::unique_ptr<stream::BatchSink> sink, stream::NewDeltaBatchSink(dso));
    // The optional SCD2 dimension (config `dimension:`), as `lakestream ingest` keeps it.
    stream::DimensionSinkOptions dim;
    dim.observer = observer;
    dim.log = [](std::string_view s) { DefaultLogger().Warn("stream", s); };
    return stream::WithDimension(std::move(sink), c, std::move(dim));
  };
  so.restart = config_.restart;
  so.monitor = monitor_.get();
  so.run_log = run_log_.get();
  so.notifier = notifier_.get();
  supervisor_ = std::make_unique<StreamSupervisor>(std::move(so));
  stream_stop_.store(false);
  stream_running_.store(true);
  stream_thread_ = std::thread([this] {
    Status st = supervisor_->Run(&stream_stop_);
    if (!st.ok())
      DefaultLogger().Error("serve", "stream supervisor ended", {{"error", st.ToString()}});
    stream_running_.store(false);
  });
}

void ServeApp::StopStream() {
  std::lock_guard<std::mutex> lock(stream_mu_);
  stream_stop_.store(true);
  if (stream_thread_.joinable()) stream_thread_.join();
  stream_running_.store(false);
  supervisor_.reset();
}

Status ServeApp::Run(std::atomic<bool>* stop, const std::function<Status(int port)>& on_listening) {
  Logger& log = DefaultLogger();
  RETURN_IF_ERROR(http_.Start(config_.http));
  log.Info("serve", "http listening",
           {{"address", http_.host() + ":" + std::to_string(http_.port())},
            {"port", std::to_string(http_.port())}});
  if (on_listening) RETURN_IF_ERROR(on_listening(http_.port()));
  scheduler_->Start();
  StartStream();
  if (collect_) {
    collect_thread_ = std::thread([this] {
      Status st = collect_->Run(&collect_stop_);
      if (!st.ok()) DefaultLogger().Error("serve", "collector stopped", {{"error", st.ToString()}});
    });
  }
  int64_t waiting_since_ms = 0;
  while (!stop->load()) {
    config_.clock->SleepForMillis(100);
    if (!monitor_ || !stream_running_.load() || !notifier_->enabled()) continue;
    if (++waiting_since_ms % 50 != 0) continue;  // every ~5 s
    stream::Readiness r = monitor_->CheckReady(true);
    if (!r.ready && r.reason.starts_with("no commit")) {
      notify::Alert a;
      a.key = "stream_stalled";
      a.name = "LakestreamNoCommit";
      a.severity = "critical";
      a.summary = "stream " + config_.pipeline->pipeline_id + " stalled";
      a.detail = r.reason;
      a.runbook_anchor = "lakestreamnocommit";
      Status ns = notifier_->Notify(a);
      if (!ns.ok()) log.Warn("serve", "notification failed", {{"error", ns.ToString()}});
    }
  }
  log.Info("serve", "shutting down");
  collect_stop_.store(true);
  if (collect_thread_.joinable()) collect_thread_.join();
  if (collect_) collect_->Stop();
  StopStream();
  scheduler_->Stop();
  Status fs = run_log_->Flush();
  if (!fs.ok()) log.Warn("serve", "run log flush failed", {{"error", fs.ToString()}});
  http_.Stop();
  log.Info("serve", "stopped");
  return Status::OK();
}

}  // namespace lakestream::serve
