// Vacuum: deletes data files the table no longer references. A file under
// the table root is deleted when no live add and no unexpired remove
// tombstone of the latest snapshot names it (as its data file or as the file
// of its deletion vector) and it is older than the
// retention (delta.deletedFileRetentionDuration, default 7 days). This is
// also what removes the orphans of crashed or failed writers.
//
// `_delta_log/` and other hidden paths (a component starting with '_' or
// '.', like Spark) are never touched, except `_change_data/`: change data
// files (delta/change_data.h) are never live, so they go once older than the
// retention, as in Spark. A retention shorter than the table's
// configured one is refused unless `allow_short_retention` is set, because
// it can break readers of older versions and writers still in flight.
//
// Thread-safety: safe to run beside readers and writers that respect the
// retention.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"

namespace lakestream::delta {

struct VacuumOptions {
  std::optional<int64_t> retention_ms;  // default: the table's setting
  bool dry_run = false;
  bool allow_short_retention = false;
  // How the caller's user grants allow_short_retention (a CLI flag); ends the refusal's
  // message. Empty: the table property is the only way.
  std::string override_hint;
  std::optional<int64_t> now_ms;  // default: the system clock
};

struct VacuumResult {
  std::vector<std::string> files;  // deleted (or, for a dry run, to delete)
  int64_t bytes = 0;
};

// InvalidArgument for a too-short retention without the override.
Result<VacuumResult> Vacuum(std::shared_ptr<LogStore> store, const VacuumOptions& options);

}  // namespace lakestream::delta
