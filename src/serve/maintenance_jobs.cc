#include "serve/maintenance_jobs.h"

#include <chrono>

#include "delta/checkpoint_writer.h"
#include "delta/log_cleanup.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "delta/table_config.h"
#include "delta/vacuum.h"

namespace lakestream::serve {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<Job> NewVacuumJob(std::string name, Schedule schedule, std::string table,
                                  std::optional<int64_t> retention_ms) {
  return std::make_unique<FunctionJob>(
      std::move(name), schedule,
      [table, retention_ms](const std::atomic<bool>&) -> Result<JobOutcome> {
        ASSIGN_OR_RETURN(auto store, delta::LogStore::OpenLocal(table));
        delta::VacuumOptions vo;
        vo.retention_ms = retention_ms;
        ASSIGN_OR_RETURN(delta::VacuumResult r, delta::Vacuum(store, vo));
        JobOutcome o;
        o.rows = static_cast<int64_t>(r.files.size());
        o.bytes = r.bytes;
        o.detail = "vacuum " + table + ": " + std::to_string(r.files.size()) + " files deleted";
        return o;
      });
}

std::unique_ptr<Job> NewLogCleanupJob(std::string name, Schedule schedule, std::string table,
                                      std::optional<int64_t> retention_ms) {
  return std::make_unique<FunctionJob>(
      std::move(name), schedule,
      [table, retention_ms](const std::atomic<bool>&) -> Result<JobOutcome> {
        ASSIGN_OR_RETURN(auto store, delta::LogStore::OpenLocal(table));
        int64_t retention = 0;
        if (retention_ms) {
          retention = *retention_ms;
        } else {
          ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(store));
          retention = delta::LogRetentionMillis(snap->metadata());
        }
        ASSIGN_OR_RETURN(std::vector<std::string> deleted,
                         delta::CleanupExpiredLogs(*store, NowMs(), retention));
        JobOutcome o;
        o.rows = static_cast<int64_t>(deleted.size());
        o.detail =
            "log cleanup " + table + ": " + std::to_string(deleted.size()) + " log files deleted";
        return o;
      });
}

std::unique_ptr<Job> NewCheckpointJob(std::string name, Schedule schedule, std::string table) {
  return std::make_unique<FunctionJob>(
      std::move(name), schedule, [table](const std::atomic<bool>&) -> Result<JobOutcome> {
        ASSIGN_OR_RETURN(auto store, delta::LogStore::OpenLocal(table));
        ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(store));
        JobOutcome o;
        if (snap->checkpoint_version() && *snap->checkpoint_version() == snap->version()) {
          o.detail = "checkpoint " + table + ": version " + std::to_string(snap->version()) +
                     " already has one";
          return o;
        }
        delta::CheckpointOptions co;
        co.min_tombstone_timestamp_ms =
            NowMs() - delta::DeletedFileRetentionMillis(snap->metadata());
        ASSIGN_OR_RETURN(delta::LastCheckpoint lc, delta::WriteCheckpoint(*snap, co));
        o.rows = 1;
        o.detail = "checkpoint " + table + ": wrote version " + std::to_string(lc.version);
        return o;
      });
}

std::unique_ptr<Job> NewRunLogRetentionJob(std::string name, Schedule schedule, RunLog* log,
                                           int64_t keep_ms) {
  return std::make_unique<FunctionJob>(
      std::move(name), schedule, [log, keep_ms](const std::atomic<bool>&) -> Result<JobOutcome> {
        ASSIGN_OR_RETURN(int64_t n, log->DeleteOlderThan(keep_ms));
        JobOutcome o;
        o.rows = n;
        o.detail = "run log retention: " + std::to_string(n) + " rows older than " +
                   std::to_string(keep_ms / 86400000) + " days deleted";
        return o;
      });
}

}  // namespace lakestream::serve
