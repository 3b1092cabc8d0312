// ServeApp: `lakestream serve` as a library. One long-running process with
//   - the HTTP server (server/http_server.h): /metrics, /healthz, /readyz,
//     plus admin routes
//       POST /api/stream/stop    stop the stream (finishes its batch); serve stays up
//       POST /api/stream/start   start it again
//       POST /api/jobs/run?name=J   run a scheduled job now (its result as JSON)
//       GET  /api/runs?since=1d&failed=1   run-log rows as JSON lines
//     which need the API token (config.api_token) and, for POST, a JSON
//     content type or an X-Requested-By header (server/http_server.h);
//     Other modules mount more routes on http() before Run();
//   - with config.refresh, the OData refresh: the odata-refresh job, the
//     refresh API and the dashboard (serve/odata_refresh_job.h);
//   - the stream under a StreamSupervisor (restart with backoff + jitter);
//   - the Scheduler with the configured jobs plus run-log retention;
//   - the run log, the metrics registry and the optional Notifier; a stall
//     watch notifies when the stream has records waiting but no commit for
//     stream.max_commit_age.
// Run() returns after *stop is set (SIGTERM/SIGINT in the CLI): the stream
// finishes or abandons its current batch (never a partial commit), the
// running job is asked to stop, the run log is flushed, the server stops.
//
// Thread-safety: construct, mount, Run() on one thread; the admin routes
// and checks run on server threads. Ownership: owns every component.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "collect/collect_service.h"
#include "common/status.h"
#include "io/file_system.h"
#include "metrics/registry.h"
#include "notify/notifier.h"
#include "serve/run_log.h"
#include "server/observability_routes.h"
#include "serve/scheduler.h"
#include "serve/serve_config.h"
#include "serve/stream_supervisor.h"
#include "server/http_server.h"
#include "stream/stream_monitor.h"

namespace lakestream::serve {

class ServeApp {
 public:
  // Opens the run log, builds the jobs, the notifier and the stream's
  // supervisor. InvalidArgument for config problems.
  static Result<std::unique_ptr<ServeApp>> Make(ServeConfig config);
  ~ServeApp();

  server::HttpServer& http() { return http_; }
  metrics::Registry& registry() { return registry_; }
  Scheduler& scheduler() { return *scheduler_; }
  RunLog& run_log() { return *run_log_; }
  // The configured notifier, or nullptr (no notify section).
  notify::Notifier* notifier() { return notifier_.get(); }

  // Serves until *stop. The bound address is logged ("http listening"), then
  // `on_listening` (when set) gets the bound port (`serve --port-file`); its
  // error ends Run.
  Status Run(std::atomic<bool>* stop, const std::function<Status(int port)>& on_listening = {});

 private:
  explicit ServeApp(ServeConfig config) : config_(std::move(config)) {}
  Status Init();
  Status AddODataRefresh();
  void MountAdmin();
  void StartStream();
  void StopStream();
  // /readyz: whether every table's storage answers; the reason names the one that does not.
  server::CheckResult StorageReachable() const;

  ServeConfig config_;
  metrics::Registry registry_;
  // The stream's storage, metered (lakestream_storage_*_total).
  std::shared_ptr<io::FileSystem> storage_;
  server::HttpServer http_;
  std::unique_ptr<RunLog> run_log_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<stream::StreamMonitor> monitor_;

  std::mutex stream_mu_;
  std::unique_ptr<StreamSupervisor> supervisor_;
  std::thread stream_thread_;
  std::atomic<bool> stream_stop_{false};
  std::atomic<bool> stream_running_{false};

  // The HTTP event collector, when the config names one (its own port and threads;
  // collect_thread_ re-reads its write keys while it runs).
  std::unique_ptr<collect::CollectService> collect_;
  std::thread collect_thread_;
  std::atomic<bool> collect_stop_{false};
};

}  // namespace lakestream::serve
