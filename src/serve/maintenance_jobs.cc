#include "serve/maintenance_jobs.h"

#include <chrono>

#include "common/clock.h"
#include "delta/checkpoint_writer.h"
#include "delta/log_cleanup.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "delta/table_config.h"
#include "delta/vacuum.h"
#include "maintenance/archive.h"
#include "maintenance/checkpoint_job.h"
#include "maintenance/optimize.h"

namespace lakestream::serve {
namespace {

int64_t NowMs() { return RealClock()->NowMillis(); }

}  // namespace

std::unique_ptr<Job> NewVacuumJob(std::string name, Schedule schedule, std::string table,
                                  std::optional<int64_t> retention_ms) {
  return std::make_unique<FunctionJob>(
      std::move(name), schedule,
      [table, retention_ms](const std::atomic<bool>&) -> Result<JobOutcome> {
        ASSIGN_OR_RETURN(auto store, delta::LogStore::Open(table));
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
        ASSIGN_OR_RETURN(auto store, delta::LogStore::Open(table));
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
        maintenance::CheckpointJobOptions co;
        ASSIGN_OR_RETURN(co.table, delta::LogStore::Open(table));
        maintenance::CheckpointJobReport r;
        RETURN_IF_ERROR(maintenance::RunCheckpoint(co, &r));
        JobOutcome o;
        o.rows = r.written ? 1 : 0;
        o.detail = "checkpoint " + table + ": version " + std::to_string(r.version) +
                   (r.written ? " written" : " already had one") + ", " +
                   std::to_string(r.log_files_deleted) + " expired log files deleted";
        return o;
      });
}

std::unique_ptr<Job> NewArchiveJob(std::string name, Schedule schedule, std::string table,
                                   std::string archive_table, std::string partition_column,
                                   int64_t older_than_ms) {
  return std::make_unique<FunctionJob>(
      std::move(name), schedule, [=](const std::atomic<bool>&) -> Result<JobOutcome> {
        maintenance::ArchiveOptions ao;
        ASSIGN_OR_RETURN(ao.live, delta::LogStore::Open(table));
        ASSIGN_OR_RETURN(ao.archive, delta::LogStore::Open(archive_table));
        ao.partition_column = partition_column;
        ASSIGN_OR_RETURN(ao.cutoff_date,
                         maintenance::CutoffDate(maintenance::DateOfMillis(NowMs()),
                                                 older_than_ms / (24LL * 3600 * 1000)));
        maintenance::ArchiveReport r;
        RETURN_IF_ERROR(maintenance::RunArchive(ao, &r));
        JobOutcome o;
        o.rows = r.rows_live;
        o.bytes = r.bytes;
        o.detail = "archive " + table + " -> " + archive_table + ": " +
                   std::to_string(r.partitions.size()) + " partitions before " + ao.cutoff_date +
                   ", " + std::to_string(r.rows_live) + " rows moved";
        return o;
      });
}

std::unique_ptr<Job> NewOptimizeJob(std::string name, Schedule schedule, std::string table,
                                    std::string partition_column, int64_t recent_ms,
                                    std::vector<std::string> zorder_by, int64_t target_file_size) {
  return std::make_unique<FunctionJob>(
      std::move(name), schedule, [=](const std::atomic<bool>&) -> Result<JobOutcome> {
        maintenance::OptimizeOptions oo;
        ASSIGN_OR_RETURN(oo.table, delta::LogStore::Open(table));
        ASSIGN_OR_RETURN(std::string since,
                         maintenance::CutoffDate(maintenance::DateOfMillis(NowMs()),
                                                 recent_ms / (24LL * 3600 * 1000)));
        oo.where = partition_column + " >= '" + since + "'";
        oo.zorder_by = zorder_by;
        oo.target_file_size = target_file_size;
        maintenance::OptimizeReport r;
        RETURN_IF_ERROR(maintenance::RunOptimize(oo, &r));
        JobOutcome o;
        o.rows = r.rows;
        o.bytes = r.bytes_added;
        o.detail = "optimize " + table + " where " + oo.where + ": " +
                   std::to_string(r.partitions_optimized) + " partitions, " +
                   std::to_string(r.files_removed) + " files -> " + std::to_string(r.files_added);
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
