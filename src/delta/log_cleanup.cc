#include "delta/log_cleanup.h"

namespace lakestream::delta {

Result<std::vector<std::string>> CleanupExpiredLogs(const LogStore& store, int64_t now_ms,
                                                    int64_t retention_ms) {
  ASSIGN_OR_RETURN(LogListing listing, store.List());
  std::vector<std::string> deleted;
  int64_t cutoff_ts = now_ms - retention_ms;
  int64_t cutoff_commit = -1;
  for (const auto& [v, f] : listing.commits) {
    if (f.mtime_ms <= cutoff_ts) cutoff_commit = v;
  }
  if (cutoff_commit < 0) return deleted;
  int64_t cutoff_checkpoint = -1;
  for (const auto& [v, c] : listing.checkpoints) {
    if (v <= cutoff_commit && c.complete()) cutoff_checkpoint = std::max(cutoff_checkpoint, v);
  }
  if (cutoff_checkpoint < 0) return deleted;
  auto remove = [&](const std::string& path) -> Status {
    Status s = store.fs().Delete(path);
    if (s.ok()) deleted.push_back(path);
    return s.IsNotFound() ? Status::OK() : s;
  };
  for (const auto& [v, f] : listing.commits) {
    if (v < cutoff_checkpoint) RETURN_IF_ERROR(remove(f.path));
  }
  for (const auto& [v, c] : listing.checkpoints) {
    if (v >= cutoff_checkpoint) continue;
    for (const auto& part : c.parts) RETURN_IF_ERROR(remove(part.path));
  }
  // Checksums (N.crc) before the cutoff checkpoint.
  ASSIGN_OR_RETURN(auto files, store.fs().List(store.log_dir() + "/"));
  for (const auto& f : files) {
    std::string_view name = std::string_view(f.path).substr(store.log_dir().size() + 1);
    LogFileName n = ParseLogFileName(name);
    if (n.kind == LogFileName::Kind::kChecksum && n.version < cutoff_checkpoint) {
      RETURN_IF_ERROR(remove(f.path));
    }
  }
  return deleted;
}

}  // namespace lakestream::delta
