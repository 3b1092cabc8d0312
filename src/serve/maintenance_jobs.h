// The built-in scheduled jobs of `lakestream serve`, one factory each, over
// the Delta operations in src/delta:
//   vacuum       delta/vacuum.h (retention: the table's unless configured)
//   log_cleanup  delta/log_cleanup.h (retention: the table's
//                delta.logRetentionDuration unless configured)
//   checkpoint   delta/checkpoint_writer.h (skipped when the latest version
//                already has one)
//   runlog_retention  deletes run-log rows older than `keep` (30 days)
//   archive      maintenance/archive.h: partitions older than older_than
//                (by the partition date) move to the archive table; rows =
//                rows moved (lakestream_job_rows_total{job_name=...})
//   optimize     maintenance/optimize.h on partitions dated within `recent`
// A new job type is one more factory: a FunctionJob calling the library.
//
// Thread-safety: each job runs on the scheduler thread. Ownership: jobs
// share the RunLog they are given.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "serve/job.h"
#include "serve/run_log.h"

namespace lakestream::serve {

std::unique_ptr<Job> NewVacuumJob(std::string name, Schedule schedule, std::string table,
                                  std::optional<int64_t> retention_ms);
std::unique_ptr<Job> NewLogCleanupJob(std::string name, Schedule schedule, std::string table,
                                      std::optional<int64_t> retention_ms);
std::unique_ptr<Job> NewCheckpointJob(std::string name, Schedule schedule, std::string table);
std::unique_ptr<Job> NewArchiveJob(std::string name, Schedule schedule, std::string table,
                                   std::string archive_table, std::string partition_column,
                                   int64_t older_than_ms);
std::unique_ptr<Job> NewOptimizeJob(std::string name, Schedule schedule, std::string table,
                                    std::string partition_column, int64_t recent_ms,
                                    std::vector<std::string> zorder_by, int64_t target_file_size);
std::unique_ptr<Job> NewRunLogRetentionJob(std::string name, Schedule schedule, RunLog* log,
                                           int64_t keep_ms);

}  // namespace lakestream::serve
