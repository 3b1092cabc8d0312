// RefreshService: load -> transform -> dashboard refresh on a worker thread.
#include "odata/refresh_service.h"

#include <chrono>

#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "odata/load_job.h"
#include "common/schedule.h"

namespace lakestream::odata {

RefreshService::RefreshService(MetadataStore& store, HttpClient& http, RefreshConfig config)
    : store_(store), http_(http), config_(std::move(config)) {}

RefreshService::~RefreshService() { Wait(); }

int64_t RefreshService::Now() const {
  return ClockOrReal(config_.clock)->NowMillis();
}

void RefreshService::Wait() {
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    t = std::move(worker_);
  }
  if (t.joinable()) t.join();
}

Result<int64_t> RefreshService::DataAsOf() {
  std::vector<std::string> ids = config_.sources;
  if (ids.empty()) {
    ASSIGN_OR_RETURN(auto all, store_.ListSources(true));
    for (const auto& s : all) ids.push_back(s.id);
  }
  if (ids.empty()) return int64_t{0};
  int64_t oldest = -1;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(auto runs, store_.ListRuns(id, 50));
    int64_t best = 0;
    for (const auto& r : runs) {
      if (r.state == RunState::kSucceeded && r.started_at_ms > best) best = r.started_at_ms;
    }
    if (best == 0) return int64_t{0};  // a source never loaded: unknown
    oldest = oldest < 0 ? best : std::min(oldest, best);
  }
  return oldest;
}

Result<std::string> RefreshService::Start(const std::vector<std::string>& sources, bool force) {
  return StartAs(sources, force, "api");
}

Result<std::string> RefreshService::StartAs(const std::vector<std::string>& sources, bool force,
                                            const std::string& trigger) {
  std::vector<std::string> chosen = sources.empty() ? config_.sources : sources;
  if (chosen.empty()) {
    ASSIGN_OR_RETURN(auto all, store_.ListSources(true));
    for (const auto& s : all) chosen.push_back(s.id);
  }
  if (chosen.empty()) return Status::InvalidArgument("refresh: no active sources to load");
  for (const auto& id : chosen) RETURN_IF_ERROR(store_.GetSource(id).status());
  ASSIGN_OR_RETURN(int64_t as_of, DataAsOf());
  int64_t now = Now();
  std::thread old;
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_.empty()) {
      return Status::Conflict("refresh: refresh " + running_ + " is still running");
    }
    if (!force && as_of > 0 && now - as_of < config_.stale_after_ms) {
      return Status::Conflict(
          "refresh: data is fresh (as of " + std::to_string((now - as_of) / 1000) +
          " s ago; refreshes are allowed after " + std::to_string(config_.stale_after_ms / 1000) +
          " s); pass force to refresh anyway");
    }
    id = "r" + std::to_string(now) + "-" + std::to_string(++counter_);
    Refresh r;
    r.id = id;
    r.sources = chosen;
    r.trigger = trigger;
    r.started_at = now;
    refreshes_[id] = r;
    order_.push_back(id);
    running_ = id;
    old = std::move(worker_);  // a finished refresh's thread (running_ was empty)
  }
  if (old.joinable()) old.join();
  std::lock_guard<std::mutex> lock(mu_);
  worker_ = std::thread([this, id] { RunRefresh(id); });
  return id;
}

Result<std::string> RefreshService::RunDueSchedules() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_.empty()) return std::string();
  }
  int64_t now = Now();
  ASSIGN_OR_RETURN(auto sources, store_.ListSources(true));
  std::vector<std::string> due;
  for (const auto& s : sources) {
    Result<Schedule> sch = ParseSchedule(s.schedule);
    if (!sch.ok() || sch->kind == Schedule::Kind::kNever) continue;
    ASSIGN_OR_RETURN(auto runs, store_.ListRuns(s.id, 1));
    // Never ran: due at once; otherwise at the first due time after the last run.
    int64_t next = runs.empty() ? now : sch->NextAfter(runs[0].queued_at_ms);
    if (next >= 0 && next <= now) due.push_back(s.id);
  }
  if (due.empty()) return std::string();
  Result<std::string> id = StartAs(due, /*force=*/true, "schedule");
  if (!id.ok() && id.status().IsConflict()) return std::string();
  return id;
}

RefreshSummary RefreshService::SummaryLocked(const Refresh& r) const {
  RefreshSummary s;
  s.id = r.id;
  s.trigger = r.trigger;
  s.succeeded = r.state == "succeeded";
  s.phase = r.phase;
  s.error = r.error;
  s.started_at_ms = r.started_at;
  s.finished_at_ms = r.finished_at;
  s.rows = r.rows;
  return s;
}

Result<RefreshSummary> RefreshService::WaitFor(const std::string& id) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = refreshes_.find(id);
  if (it == refreshes_.end()) return Status::NotFound("refresh: no refresh " + id);
  finished_cv_.wait(lock, [&] { return it->second.recorded; });
  return SummaryLocked(it->second);
}

void RefreshService::Note(const std::string& id, const std::string& note) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& notes = refreshes_[id].notes;
  notes.push_back(note);
  if (notes.size() > 200) notes.erase(notes.begin());
}

void RefreshService::RunRefresh(std::string id) {
  auto set = [&](const std::string& state, const std::string& phase) {
    std::lock_guard<std::mutex> lock(mu_);
    refreshes_[id].state = state;
    refreshes_[id].phase = phase;
  };
  std::vector<std::string> sources;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sources = refreshes_[id].sources;
  }
  std::string error;
  set("running", "loading");
  for (const auto& sid : sources) {
    Result<SourceConfig> src = store_.GetSource(sid);
    if (!src.ok()) {
      error = src.status().ToString();
      break;
    }
    Result<int64_t> run = store_.CreateRun(sid, id);
    if (!run.ok()) {
      error = run.status().ToString();
      break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      refreshes_[id].run_ids.push_back(*run);
    }
    Note(id, "load " + sid + ": run " + std::to_string(*run) + " started");
    LoadOptions o = config_.load;
    o.refresh_id = id;
    o.progress = [this, &id, sid](int64_t, const std::string& note) {
      Note(id, "load " + sid + ": " + note);
    };
    Result<LoadReport> rep = RunLoad(store_, http_, *src, *run, o);
    if (!rep.ok()) {
      error = rep.status().ToString();
      break;
    }
    if (!rep->succeeded) {
      error = "load " + sid + " (run " + std::to_string(*run) + ") failed: " + rep->error;
      break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      refreshes_[id].rows += rep->rows_upserted;
    }
    Note(id, "load " + sid + ": " + std::to_string(rep->rows_read) + " rows read, " +
                 std::to_string(rep->rows_upserted) + " upserted, " +
                 std::to_string(rep->rows_quarantined) + " quarantined");
  }
  if (error.empty()) {
    set("running", "transforming");
    for (const auto& flow : config_.dataflows) {
      Result<DataflowResult> r = RunDataflow(flow);
      if (!r.ok()) {
        error = "transform " + flow.name + " failed: " + r.status().ToString();
        break;
      }
      Note(id, "transform " + flow.name + ": " + std::to_string(r->rows_out) + " rows (v" +
                   std::to_string(r->version) + ")");
    }
  }
  if (error.empty()) {
    set("running", "refreshing_dashboard");
    ::lakestream::Status s = ReloadDashboard();
    if (!s.ok()) error = "dashboard refresh failed: " + s.ToString();
  }
  int64_t now = Now();
  RefreshSummary summary;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Refresh& r = refreshes_[id];
    r.finished_at = now;
    r.state = error.empty() ? "succeeded" : "failed";
    r.phase = error.empty() ? "done" : r.phase;
    r.error = error;
    running_.clear();
    summary = SummaryLocked(r);
  }
  // Recorded before WaitFor returns, so a waiter sees the refresh recorded.
  if (config_.on_finish) config_.on_finish(summary);
  {
    std::lock_guard<std::mutex> lock(mu_);
    refreshes_[id].recorded = true;
  }
  finished_cv_.notify_all();
  if (!error.empty() && config_.on_failure) {
    std::string phase;
    {
      std::lock_guard<std::mutex> lock(mu_);
      phase = refreshes_[id].phase;
    }
    config_.on_failure(
        "lakestream refresh " + id + " failed",
        "phase: " + phase + "\nerror: " + error + "\nrunbook: " + config_.runbook_url);
  }
}

::lakestream::Status RefreshService::ReloadDashboard() {
  if (config_.dashboard_table.empty()) return ::lakestream::Status::OK();
  ASSIGN_OR_RETURN(auto store, delta::LogStore::OpenLocal(config_.dashboard_table));
  ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(store));
  nlohmann::json out;
  out["table"] = config_.dashboard_table;
  out["version"] = snap->version();
  out["columns"] = nlohmann::json::array();
  for (const auto& f : snap->schema().fields) {
    out["columns"].push_back({{"name", f.name}, {"type", f.type.ToString()}});
  }
  out["rows"] = nlohmann::json::array();
  delta::ScanOptions scan;
  scan.limit = config_.dashboard_row_limit;
  std::string carry;
  RETURN_IF_ERROR(delta::ScanNdjson(*snap, scan, [&](std::string_view chunk) {
    carry.append(chunk);
    size_t start = 0, nl;
    while ((nl = carry.find('\n', start)) != std::string::npos) {
      out["rows"].push_back(nlohmann::json::parse(carry.substr(start, nl - start)));
      start = nl + 1;
    }
    carry.erase(0, start);
    return ::lakestream::Status::OK();
  }));
  out["loaded_at"] = Now();
  std::lock_guard<std::mutex> lock(mu_);
  dashboard_ = std::move(out);
  return ::lakestream::Status::OK();
}

Result<nlohmann::json> RefreshService::Data() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!dashboard_.is_null()) return dashboard_;
  }
  ::lakestream::Status s = ReloadDashboard();
  if (!s.ok() && !s.IsNotFound()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  if (dashboard_.is_null()) {
    return nlohmann::json{{"table", config_.dashboard_table},
                          {"version", -1},
                          {"columns", nlohmann::json::array()},
                          {"rows", nlohmann::json::array()}};
  }
  return dashboard_;
}

namespace {
nlohmann::json RunJson(const RunRecord& r) {
  return {{"id", r.id},
          {"source", r.source_id},
          {"refresh_id", r.refresh_id},
          {"state", std::string(RunStateName(r.state))},
          {"reason", r.reason},
          {"mode", r.mode},
          {"rows_read", r.rows_read},
          {"rows_written", r.rows_written},
          {"rows_quarantined", r.rows_quarantined},
          {"attempt", r.attempt},
          {"queued_at", r.queued_at_ms},
          {"started_at", r.started_at_ms},
          {"finished_at", r.finished_at_ms}};
}
}  // namespace

Result<nlohmann::json> RefreshService::Get(const std::string& id) {
  Refresh r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = refreshes_.find(id);
    if (it != refreshes_.end()) r = it->second;
  }
  if (r.id.empty()) {
    // A numeric id is one load run of the runs table, with its state changes.
    bool numeric =
        !id.empty() && id.size() < 18 && id.find_first_not_of("0123456789") == std::string::npos;
    if (!numeric) return ::lakestream::Status::NotFound("refresh: no refresh or run " + id);
    ASSIGN_OR_RETURN(RunRecord rec, store_.GetRun(std::stoll(id)));
    ASSIGN_OR_RETURN(auto events, store_.ListRunEvents(rec.id));
    nlohmann::json j = RunJson(rec);
    j["events"] = nlohmann::json::array();
    for (const auto& e : events) {
      j["events"].push_back(
          {{"state", std::string(RunStateName(e.state))}, {"detail", e.detail}, {"at", e.at_ms}});
    }
    return j;
  }
  nlohmann::json runs = nlohmann::json::array();
  for (int64_t run_id : r.run_ids) {
    Result<RunRecord> rec = store_.GetRun(run_id);
    if (rec.ok()) runs.push_back(RunJson(*rec));
  }
  return nlohmann::json{
      {"id", r.id},           {"state", r.state},           {"phase", r.phase},
      {"sources", r.sources}, {"started_at", r.started_at}, {"finished_at", r.finished_at},
      {"error", r.error},     {"notes", r.notes},           {"runs", runs}};
}

Result<nlohmann::json> RefreshService::Status() {
  ASSIGN_OR_RETURN(int64_t as_of, DataAsOf());
  int64_t now = Now();
  bool stale = as_of <= 0 || now - as_of >= config_.stale_after_ms;
  ASSIGN_OR_RETURN(auto runs, store_.ListRuns("", 20));
  nlohmann::json history = nlohmann::json::array(), errors = nlohmann::json::array();
  for (const auto& r : runs) {
    history.push_back(RunJson(r));
    if (r.state == RunState::kFailed) {
      errors.push_back({{"run_id", r.id},
                        {"source", r.source_id},
                        {"reason", r.reason},
                        {"at", r.finished_at_ms}});
    }
  }
  nlohmann::json refreshes = nlohmann::json::array();
  std::string running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    running = running_;
    for (auto it = order_.rbegin(); it != order_.rend() && refreshes.size() < 10; ++it) {
      const Refresh& r = refreshes_[*it];
      refreshes.push_back({{"id", r.id},
                           {"state", r.state},
                           {"phase", r.phase},
                           {"started_at", r.started_at},
                           {"finished_at", r.finished_at},
                           {"error", r.error}});
    }
  }
  return nlohmann::json{
      {"now", now},
      {"data_as_of", as_of > 0 ? nlohmann::json(as_of) : nlohmann::json(nullptr)},
      {"stale", stale},
      {"stale_after_seconds", config_.stale_after_ms / 1000},
      {"refresh_allowed", stale && running.empty()},
      {"running", running.empty() ? nlohmann::json(nullptr) : nlohmann::json(running)},
      {"refreshes", refreshes},
      {"history", history},
      {"errors", errors}};
}

}  // namespace lakestream::odata
