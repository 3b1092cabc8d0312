// RefreshService: on-demand refreshes for the dashboard. A refresh runs, on
// a background thread, load (each selected source, src/odata/load_job.h) ->
// transform (the dataflows, dataflow.h) -> dashboard refresh (re-reads the
// gold table the dashboard shows into an in-memory snapshot), recording
// every phase and progress note. One refresh at a time.
//
// "Data as of" is when the data was current at the source: the start time
// of the latest successful load of every dashboard source (the oldest of
// them), from the runs table, so it survives restarts. Data is stale when
// that is older than `stale_after_ms` (30 minutes by default) or unknown.
//
// Thread-safety: every method may be called from any thread (HTTP handler
// threads); state is guarded by a mutex. Ownership: borrows the store and
// HTTP client, which must outlive the service; the destructor waits for a
// running refresh.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "odata/dataflow.h"
#include "odata/load_job.h"
#include "odata/metadata_store.h"

namespace lakestream::odata {

// A finished refresh, as RefreshConfig::on_finish receives it.
struct RefreshSummary {
  std::string id;
  std::string trigger;  // "api" (Start) or "schedule" (RunDueSchedules)
  bool succeeded = false;
  std::string phase;  // the phase it ended in ("done" when it succeeded)
  std::string error;
  int64_t started_at_ms = 0, finished_at_ms = 0;
  int64_t rows = 0;  // rows upserted by its loads
};

struct RefreshConfig {
  std::vector<std::string> sources;  // default selection; empty: every active source
  std::vector<Dataflow> dataflows;   // run after the loads (all of them)
  std::string dashboard_table;       // gold (or silver) table the dashboard shows
  int64_t dashboard_row_limit = 500;
  int64_t stale_after_ms = 30 * 60 * 1000;
  LoadOptions load;
  // Failure alerts (wired to the monitoring notifier by `serve`): subject, and a
  // body with the error, the failed phase and the runbook link.
  std::function<void(const std::string&, const std::string&)> on_failure;
  std::string runbook_url = "docs/odata.md#crashes-and-retries";
  // Every finished refresh, succeeded or not, on the refresh's worker thread
  // (`serve` records it in the run log and metrics).
  std::function<void(const RefreshSummary&)> on_finish;
  Clock* clock = RealClock();  // wall time (borrowed); tests move time
};

class RefreshService {
 public:
  RefreshService(MetadataStore& store, HttpClient& http, RefreshConfig config);
  ~RefreshService();

  // Starts a refresh of `sources` (empty: the configured default), trigger
  // "api". Returns its id. Conflict when one is running (the message names
  // it) and when the data is fresh and `force` is false (the state, not the
  // request, refuses: the API answers 409); NotFound for an unknown source.
  Result<std::string> Start(const std::vector<std::string>& sources, bool force);
  // The refresh's state: {id, state, phase, started_at, finished_at, error,
  // notes[], runs[]}. NotFound for an unknown id.
  Result<nlohmann::json> Get(const std::string& id);
  // Freshness, the running refresh, recent refreshes, load history and errors.
  Result<nlohmann::json> Status();
  // The dashboard's rows (the snapshot taken by the last dashboard refresh,
  // read on first use): {table, version, columns[], rows[]}.
  Result<nlohmann::json> Data();
  // Scheduler tick (serve's odata-refresh job calls it every
  // schedule_check, serve/odata_refresh_job.h): starts one refresh, trigger
  // "schedule", of the active sources whose schedule (common/schedule.h) has a due
  // time after their last run was queued (or that never ran) and at or
  // before now. Returns the refresh id, or "" when nothing is due or a
  // refresh is already running (the due sources wait for the next tick).
  Result<std::string> RunDueSchedules();
  // Blocks until refresh `id` has finished and on_finish has returned for it
  // and returns its summary; NotFound for an unknown id.
  Result<RefreshSummary> WaitFor(const std::string& id);
  // Blocks until no refresh runs (tests, shutdown).
  void Wait();

 private:
  struct Refresh {
    std::string id, state = "queued", phase = "queued", error, trigger = "api";
    int64_t rows = 0;
    bool recorded = false;  // finished and on_finish returned
    std::vector<std::string> sources;
    std::vector<std::string> notes;
    std::vector<int64_t> run_ids;
    int64_t started_at = 0, finished_at = 0;
  };
  Result<std::string> StartAs(const std::vector<std::string>& sources, bool force,
                              const std::string& trigger);
  void RunRefresh(std::string id);
  RefreshSummary SummaryLocked(const Refresh& r) const;
  ::lakestream::Status ReloadDashboard();
  Result<int64_t> DataAsOf();
  int64_t Now() const;
  void Note(const std::string& id, const std::string& note);

  MetadataStore& store_;
  HttpClient& http_;
  RefreshConfig config_;
  std::mutex mu_;
  std::condition_variable finished_cv_;  // a refresh finished
  std::map<std::string, Refresh> refreshes_;
  std::vector<std::string> order_;  // refresh ids, oldest first
  std::string running_;
  std::thread worker_;
  int64_t counter_ = 0;
  nlohmann::json dashboard_;  // null until loaded
};

}  // namespace lakestream::odata
