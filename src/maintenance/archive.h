// Archive job: moves whole partitions older than a cutoff date from a live
// Delta table into an archive Delta table (another location, possibly
// another storage account), then removes them from the live table.
//
// Steps, each safe to crash in:
//  1. Plan: the live files whose partition value (column `partition_column`,
//     a date or 'YYYY-MM-DD' string partition column) is before the cutoff.
//     Files already in the archive (an archive add tagged with the live
//     table id and the live path, see kArchiveSourceTag) are not copied again.
//  2. Copy: byte copies of the data files to the same relative paths under
//     the archive root. The rows of each live file and of its copy are
//     counted from their Parquet footers right after the copy (while the
//     copy is still readable); a difference fails the job before any
//     commit. Then each copy is put in the archive tier when the archive's
//     FileSystem has tiers (archive-tier blobs are offline: they are never
//     read again here). The `_delta_log` stays in the default tier. The
//     archive is created on first use with the live schema, partition
//     columns and protocol.
//  3. Archive commit: one commit adding the copies, each tagged with its
//     source (kArchiveSourceTag, kArchiveSourceTableTag) and its counted
//     rows (kArchiveRowsTag), carrying txn(appId = ArchiveAppId(live table
//     id), version = live read version).
//  4. Verify: the rows of every live file to remove are counted again from
//     its footer and compared with the count recorded for its archive copy;
//     any difference fails the job before anything is removed.
//  5. Live commit: removes the files (dataChange=true), same txn.
// A rerun after a crash between 3 and 5 finds the copies by their tags and
// only completes 4-5, so rows are neither lost nor duplicated. A concurrent
// archiver conflicts on the txn appId (Delta's ConcurrentTransaction); a
// concurrent delete of a planned file, or a late append into a partition
// being archived, makes the live commit fail with Conflict, and a rerun
// then finishes the job (archiving the late file too).
//
// Nothing to move is a no-op: no commit on either table.
//
// Thread-safety: a function; one archiver per live table at a time is the
// intended use (a second one loses with Conflict). Ownership: shares the stores.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"
#include "delta/transaction.h"

namespace lakestream::maintenance {

// Tags on archive add actions naming where the file came from.
inline constexpr const char* kArchiveSourceTag = "lakestream.archive.sourcePath";
inline constexpr const char* kArchiveSourceTableTag = "lakestream.archive.sourceTableId";
// The rows counted in the copy's footer when it was made.
inline constexpr const char* kArchiveRowsTag = "lakestream.archive.numRecords";

struct ArchiveOptions {
  std::shared_ptr<delta::LogStore> live;
  std::shared_ptr<delta::LogStore> archive;
  // Partitions with a value strictly before this date ('YYYY-MM-DD') move.
  std::string cutoff_date;
  std::string partition_column = "event_date";
  bool dry_run = false;
  delta::CommitOptions commit;
};

// One partition value that moves (or, for a dry run, would move).
struct ArchivePartition {
  std::string value;  // the partition value text, e.g. "2024-01-31"
  int64_t files = 0;
  int64_t bytes = 0;
  int64_t rows = 0;  // from the live files' stats (dry run) or footers
};

struct ArchiveReport {
  std::vector<ArchivePartition> partitions;  // sorted by value
  int64_t files_copied = 0;                  // copied in this run
  int64_t files_resumed = 0;  // found already archived by an earlier, interrupted run
  int64_t files_removed = 0;  // removed from the live table
  int64_t rows_live = 0;      // counted in the live files removed
  int64_t rows_archive = 0;   // counted in their archive copies
  int64_t bytes = 0;
  int64_t files_tiered = 0;      // SetTier(kArchive) calls that succeeded
  int64_t archive_version = -1;  // archive commit, -1 if none
  int64_t live_version = -1;     // live remove commit, -1 if none
};

// The txn appId of archive commits for a live table.
std::string ArchiveAppId(const std::string& live_table_id);

// "2025-11-24" minus `days` days. InvalidArgument for a malformed date.
Result<std::string> CutoffDate(const std::string& today, int64_t days);
// Today's UTC date from a clock in ms since the epoch.
std::string DateOfMillis(int64_t ms);

// Runs the job. InvalidArgument for a bad column or cutoff, or an archive
// whose schema/partitioning differs from the live table's; Corruption when
// row counts differ; Conflict when a concurrent writer wins; storage errors
// as they come (a rerun then resumes).
Status RunArchive(const ArchiveOptions& options, ArchiveReport* report);

}  // namespace lakestream::maintenance
