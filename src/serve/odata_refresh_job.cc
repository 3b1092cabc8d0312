#include "serve/odata_refresh_job.h"

#include "common/logger.h"
#include "common/redact.h"
#include "common/uuid.h"

namespace lakestream::serve {

Result<std::unique_ptr<ODataRefreshJob>> ODataRefreshJob::Make(const std::string& config_path,
                                                               metrics::Registry* registry,
                                                               RunLog* run_log,
                                                               notify::Notifier* notifier) {
  std::unique_ptr<ODataRefreshJob> j(new ODataRefreshJob());
  j->run_log_ = run_log;
  j->notifier_ = notifier;
  ASSIGN_OR_RETURN(j->refreshes_,
                   registry->AddCounter("lakestream_odata_refreshes_total",
                                        "OData refreshes (load, transform, dashboard) by trigger "
                                        "(schedule, api) and status (ok, failed)",
                                        {"trigger", "status"}));
  ASSIGN_OR_RETURN(j->rows_, registry->AddCounter("lakestream_odata_refresh_rows_total",
                                                  "Rows upserted by the loads of OData refreshes"));
  ASSIGN_OR_RETURN(metrics::GaugeFamily * failed,
                   registry->AddGauge("lakestream_odata_refresh_last_failed",
                                      "1 when the last OData refresh failed, else 0"));
  ASSIGN_OR_RETURN(metrics::GaugeFamily * success,
                   registry->AddGauge("lakestream_odata_refresh_last_success_timestamp_seconds",
                                      "End time of the last successful OData refresh"));
  for (const char* trigger : {"schedule", "api"}) {
    for (const char* status : {"ok", "failed"}) j->refreshes_->WithLabels({trigger, status});
  }
  j->rows_->WithLabels({});
  j->last_failed_ = &failed->WithLabels({});
  j->last_success_ = &success->WithLabels({});

  odata::RefreshConfig hooks;
  ODataRefreshJob* self = j.get();
  hooks.on_failure = [self](const std::string& subject, const std::string& body) {
    self->Notify(subject, body);
  };
  hooks.on_finish = [self](const odata::RefreshSummary& s) { self->Record(s); };
  ASSIGN_OR_RETURN(j->module_, refresh::RefreshModule::Make(config_path, hooks));
  j->schedule_.kind = Schedule::Kind::kInterval;
  j->schedule_.interval_ms = j->module_->config().schedule_check_ms;
  j->schedule_.run_at_start = true;
  return j;
}

ODataRefreshJob::~ODataRefreshJob() { module_.reset(); }

Result<JobOutcome> ODataRefreshJob::Run(const std::atomic<bool>&) {
  odata::RefreshService& service = module_->service();
  ASSIGN_OR_RETURN(std::string id, service.RunDueSchedules());
  JobOutcome out;
  if (id.empty()) {
    out.idle = true;
    out.detail = "no source schedule due (or a refresh is running)";
    return out;
  }
  // Shutdown waits for the refresh, as it waits for any running job: a load
  // stopped halfway is resumed by the next one, but there is no need to.
  ASSIGN_OR_RETURN(odata::RefreshSummary s, service.WaitFor(id));
  if (!s.succeeded) {
    return Status::Internal("odata refresh " + s.id + " failed in phase " + s.phase + ": " +
                            s.error);
  }
  out.rows = s.rows;
  out.detail = "refresh " + s.id;
  return out;
}

void ODataRefreshJob::Record(const odata::RefreshSummary& s) {
  const char* status = s.succeeded ? "ok" : "failed";
  refreshes_->WithLabels({s.trigger, status}).Inc();
  rows_->WithLabels({}).Inc(static_cast<double>(s.rows));
  last_failed_->Set(s.succeeded ? 0 : 1);
  if (s.succeeded) last_success_->Set(static_cast<double>(s.finished_at_ms) / 1e3);
  DefaultLogger().Info("odata-refresh", s.succeeded ? "refresh succeeded" : "refresh failed",
                       {{"id", s.id},
                        {"trigger", s.trigger},
                        {"rows", std::to_string(s.rows)},
                        {"error", Redact(s.error)}});
  // Scheduled refreshes get their row from the scheduler (Run returns them).
  if (s.trigger == "schedule" || run_log_ == nullptr) return;
  RunRow row;
  row.job = name_;
  row.run_id = NewUuid();
  row.started_us = s.started_at_ms * 1000;
  row.ended_us = s.finished_at_ms * 1000;
  row.status = status;
  row.rows = s.rows;
  if (!s.succeeded) row.error = "refresh " + s.id + " failed in phase " + s.phase + ": " + s.error;
  Status st = run_log_->Append(std::move(row));
  if (!st.ok()) {
    DefaultLogger().Warn("odata-refresh", "run log append failed", {{"error", st.ToString()}});
  }
}

void ODataRefreshJob::Notify(const std::string& subject, const std::string& body) {
  DefaultLogger().Error("odata-refresh", Redact(subject), {{"detail", Redact(body)}});
  if (notifier_ == nullptr) return;
  notify::Alert a;
  a.key = "odata_refresh_failed";
  a.name = "LakestreamODataRefreshFailed";
  a.severity = "critical";
  a.summary = subject;
  a.detail = body;
  a.runbook_anchor = "lakestreamodatarefreshfailed";
  Status st = notifier_->Notify(a);
  if (!st.ok()) {
    DefaultLogger().Warn("odata-refresh", "notification failed", {{"error", st.ToString()}});
  }
}

}  // namespace lakestream::serve
