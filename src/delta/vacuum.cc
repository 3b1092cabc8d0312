#include "delta/vacuum.h"

#include <cstring>
#include <set>

#include "delta/change_data.h"
#include "delta/deletion_vector.h"
#include "delta/features.h"
#include "delta/snapshot.h"
#include "delta/table_config.h"
#include "delta/table_writer.h"
#include "delta/uri.h"

namespace lakestream::delta {
namespace {

// A path component starting with '_' or '.' hides everything under it
// (_delta_log, .crc files...), as Spark's vacuum does; `_change_data` does
// not: change data files are never live, so like removed data files they go
// once older than the retention.
bool IsHidden(std::string_view rel) {
  size_t start = 0;
  if (rel.rfind(std::string(kChangeDataDir) + "/", 0) == 0) start = std::strlen(kChangeDataDir) + 1;
  while (start < rel.size()) {
    if (rel[start] == '_' || rel[start] == '.') return true;
    size_t slash = rel.find('/', start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

}  // namespace

Result<VacuumResult> Vacuum(std::shared_ptr<LogStore> store, const VacuumOptions& options) {
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  const std::string& root = store->table_root();
  // PROTOCOL.md "VACUUM Protocol Check": with the feature, vacuum is a write.
  if (snap->protocol().HasWriterFeature("vacuumProtocolCheck")) {
    RETURN_IF_ERROR(CheckWriteSupported(snap->protocol(), snap->metadata(), root));
  }
  int64_t configured = DeletedFileRetentionMillis(snap->metadata());
  int64_t retention = options.retention_ms.value_or(configured);
  if (retention < 0) {
    return Status::InvalidArgument("delta: " + root + ": negative vacuum retention");
  }
  if (retention < configured && !options.allow_short_retention) {
    return Status::InvalidArgument(
        "delta: " + root + ": vacuum retention of " + std::to_string(retention / 3600000.0) +
        " hours is shorter than the table's " + std::to_string(configured / 3600000.0) +
        " hours (delta.deletedFileRetentionDuration); this can delete files that readers of "
        "older versions or running writers still need. " +
        (options.override_hint.empty()
             ? std::string("Lower the table's delta.deletedFileRetentionDuration to allow it")
             : options.override_hint));
  }
  int64_t now = options.now_ms.value_or(NowMillis());
  int64_t cutoff = now - retention;
  std::set<std::string> keep;
  // A file and its deletion vector's file (`u` and `p` storage) stay while referenced.
  auto keep_file = [&](const std::string& path,
                       const std::optional<DeletionVector>& dv) -> Status {
    ASSIGN_OR_RETURN(std::string p, ResolveDataPath(root, path));
    keep.insert(std::move(p));
    if (dv && dv->storage_type != "i") {
      Result<std::string> d = DeletionVectorFilePath(root, *dv);
      if (!d.ok()) return d.status().WithContext("delta: " + root + ": " + path);
      keep.insert(std::move(d).value());
    }
    return Status::OK();
  };
  for (const auto& f : snap->files()) RETURN_IF_ERROR(keep_file(f.path, f.deletion_vector));
  for (const auto& t : snap->tombstones()) {
    if (t.deletion_timestamp.value_or(0) >= cutoff) {
      RETURN_IF_ERROR(keep_file(t.path, t.deletion_vector));
    }
  }
  ASSIGN_OR_RETURN(std::vector<io::FileInfo> files, store->fs().List(root + "/"));
  VacuumResult result;
  for (const auto& f : files) {
    std::string_view rel = std::string_view(f.path).substr(root.size() + 1);
    if (IsHidden(rel) || keep.count(f.path)) continue;
    if (f.mtime_ms > cutoff) continue;
    result.files.push_back(f.path);
    result.bytes += static_cast<int64_t>(f.size);
  }
  if (!options.dry_run) {
    for (const auto& p : result.files) {
      Status s = store->fs().Delete(p);
      if (!s.ok() && !s.IsNotFound()) return s.WithContext("delta: vacuum");
    }
  }
  return result;
}

}  // namespace lakestream::delta
