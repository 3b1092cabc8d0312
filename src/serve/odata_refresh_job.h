// ODataRefreshJob: the OData refresh (src/refresh, docs/odata.md) as a job of
// `lakestream serve`, like vacuum or optimize. Built from the refresh config
// file (refresh/refresh_config.h), it
//   - runs on serve's scheduler as "odata-refresh" every `schedule_check`
//     (30 s by default, first run at start): each run starts one refresh of
//     the sources whose schedule is due (RefreshService::RunDueSchedules)
//     and waits for it; a run with nothing due is idle (no run-log row);
//   - records every refresh in the run log (`lakestream runs`): scheduled
//     ones through the scheduler, on-demand ones ("Refresh Now", POST
//     /api/refresh) when they finish, all as job odata-refresh;
//   - counts them in lakestream_odata_refreshes_total{trigger,status},
//     lakestream_odata_refresh_last_failed (what LakestreamODataRefreshFailed
//     watches), lakestream_odata_refresh_last_success_timestamp_seconds and
//     lakestream_odata_refresh_rows_total;
//   - notifies LakestreamODataRefreshFailed through serve's notifier on every
//     failed refresh (so the scheduler sends no LakestreamJobFailed for it);
//   - mounts the refresh API and dashboard on serve's server (Mount).
//
// Thread-safety: Run() on the scheduler thread; the refresh finishes on the
// service's worker thread, which records it (the registry, run log and
// notifier are thread-safe). Ownership: owns the RefreshModule; borrows the
// registry, run log and notifier, which must outlive it.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/status.h"
#include "metrics/registry.h"
#include "notify/notifier.h"
#include "refresh/refresh_module.h"
#include "serve/job.h"
#include "serve/run_log.h"
#include "server/http_server.h"

namespace lakestream::serve {

inline constexpr const char* kODataRefreshJobName = "odata-refresh";

class ODataRefreshJob final : public Job {
 public:
  // Reads the refresh config and opens the metadata store. `notifier` and
  // `run_log` may be null. InvalidArgument/NotFound for config problems.
  static Result<std::unique_ptr<ODataRefreshJob>> Make(const std::string& config_path,
                                                       metrics::Registry* registry,
                                                       RunLog* run_log,
                                                       notify::Notifier* notifier);
  ~ODataRefreshJob() override;

  const std::string& name() const override { return name_; }
  const Schedule& schedule() const override { return schedule_; }
  Result<JobOutcome> Run(const std::atomic<bool>& stop) override;
  bool notifies_own_failures() const override { return true; }

  // The API token the refresh config names (never empty).
  const std::string& api_token() const { return module_->config().api_token; }
  // Mounts the refresh API and dashboard; before server.Start().
  Status Mount(server::HttpServer& server) { return module_->Mount(server); }
  odata::RefreshService& service() { return module_->service(); }

 private:
  ODataRefreshJob() = default;
  void Record(const odata::RefreshSummary& s);
  void Notify(const std::string& subject, const std::string& body);

  std::string name_ = kODataRefreshJobName;
  Schedule schedule_;
  RunLog* run_log_ = nullptr;
  notify::Notifier* notifier_ = nullptr;
  metrics::CounterFamily* refreshes_ = nullptr;
  metrics::CounterFamily* rows_ = nullptr;
  metrics::Gauge* last_failed_ = nullptr;
  metrics::Gauge* last_success_ = nullptr;
  // Last: its destructor waits for a running refresh, which records itself
  // through the members above.
  std::unique_ptr<refresh::RefreshModule> module_;
};

}  // namespace lakestream::serve
