#include "maintenance/checkpoint_job.h"

#include "delta/checkpoint_writer.h"
#include "delta/log_cleanup.h"
#include "delta/snapshot.h"
#include "delta/table_config.h"
#include "delta/table_writer.h"

namespace lakestream::maintenance {

Status RunCheckpoint(const CheckpointJobOptions& o, CheckpointJobReport* report) {
  *report = CheckpointJobReport{};
  if (!o.table) return Status::InvalidArgument("checkpoint: no table");
  const std::string ctx = "checkpoint: " + o.table->table_root();
  Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(o.table);
  if (!snap.ok()) return snap.status().WithContext(ctx);
  report->version = (*snap)->version();
  int64_t now = o.now_ms ? *o.now_ms : delta::NowMillis();
  const delta::Metadata& m = (*snap)->metadata();
  if ((*snap)->checkpoint_version() != report->version) {
    delta::CheckpointOptions co;
    co.min_tombstone_timestamp_ms = now - delta::DeletedFileRetentionMillis(m);
    Result<delta::LastCheckpoint> lc = delta::WriteCheckpoint(**snap, co);
    if (!lc.ok()) return lc.status().WithContext(ctx);
    report->written = true;
  }
  if (o.cleanup_log) {
    auto deleted = delta::CleanupExpiredLogs(*o.table, now, delta::LogRetentionMillis(m));
    if (!deleted.ok()) return deleted.status().WithContext(ctx + ": log cleanup");
    report->log_files_deleted = static_cast<int64_t>(deleted->size());
  }
  return Status::OK();
}

}  // namespace lakestream::maintenance
