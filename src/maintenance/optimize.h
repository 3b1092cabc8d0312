// OPTIMIZE: rewrites a Delta table's data files without changing its rows,
// committed as one OPTIMIZE commit whose actions all have dataChange=false
// (streaming readers skip it), with metrics.
//
// Per partition (those a partition-only `where` predicate may match):
//  - bin-packing (no zorder_by): the "small" files (size < min_file_size,
//    and not already an OPTIMIZE output for the same target size) are
//    rewritten together when there are at least two of them, and so is every
//    file whose deletion vector hides more than max_deleted_fraction of its
//    rows (purged: the rewrite drops them), alone if need be;
//  - Z-order (zorder_by set): unless every file of the partition is already
//    Z-ordered by the same columns (and none needs purging), all its files are read, sorted by their
//    Z-order key (maintenance/zorder.h) and rewritten.
// Rows are cut into ceil(input bytes / target_file_size) files of equal row
// counts, so a file is about the target size. Output files are tagged
// (kOptimizeTargetTag, kZOrderByTag) so that a second OPTIMIZE with the same
// settings finds nothing to do: an optimized partition is left alone and
// no commit is made.
//
// Concurrency: the commit reads and removes exactly the rewritten files, so
// concurrent appends (streaming ingest) commute with it and are kept; a
// concurrent delete/overwrite of a rewritten file makes it fail with
// Conflict (and its new files are deleted).
//
// Memory: Z-order holds one partition's rows in memory at a time (as
// parquet::Value rows, roughly 100 bytes per cell: ~860 MB for 1M rows of 8
// columns); bin-packing streams them one input file at a time.
//
// Thread-safety: a function; concurrent with readers and appenders.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"
#include "delta/table_writer.h"
#include "delta/transaction.h"

namespace lakestream::maintenance {

inline constexpr const char* kOptimizeTargetTag = "lakestream.optimize.targetFileSize";
inline constexpr const char* kZOrderByTag = "lakestream.optimize.zOrderBy";

struct OptimizeOptions {
  std::shared_ptr<delta::LogStore> table;
  // Partition predicate (delta/predicate.h) choosing the partitions; empty: all.
  std::string where;
  std::vector<std::string> zorder_by;  // data columns; empty: bin-packing only
  int64_t target_file_size = 512LL << 20;
  // Files below this size are compacted; <= 0 means 3/4 of the target.
  int64_t min_file_size = 0;
  // Files whose deletion vector hides more than this fraction of their rows are
  // rewritten without them whatever their size (as Spark's maxDeletedRowsRatio).
  double max_deleted_fraction = 0.05;
  parquet::WriterOptions parquet;  // ZSTD by default
  delta::CommitOptions commit;
};

struct OptimizeReport {
  int64_t partitions_considered = 0;
  int64_t partitions_optimized = 0;
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t bytes_removed = 0;
  int64_t bytes_added = 0;
  int64_t rows = 0;      // rows rewritten
  int64_t version = -1;  // the OPTIMIZE commit, -1 if nothing to do
};

// InvalidArgument for a predicate on data columns, unknown or partition
// Z-order columns, a non-positive target; Conflict when a concurrent commit
// removed a rewritten file; storage and reader errors naming the file.
Status RunOptimize(const OptimizeOptions& options, OptimizeReport* report);

}  // namespace lakestream::maintenance
