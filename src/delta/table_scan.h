// TableScan: reads the rows of a snapshot's live files as NDJSON, with the
// partition columns added back from add.partitionValues (typed by the table
// schema, delta/partition_values.h). Columns are the table schema's, in its
// order; a column a data file lacks (schema evolution) reads as null. File
// columns, partition values and stats are looked up through the snapshot's
// ColumnMapping (delta/column_mapping.h): by physical name or field id on
// column-mapped tables, nested fields included.
//
// Data files are read one row group at a time through parquet::FileReader
// with only the requested top-level columns decoded.
//
// Thread-safety: single-threaded. Ownership: shares the snapshot.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/predicate.h"
#include "delta/snapshot.h"

namespace lakestream::delta {

struct ScanOptions {
  std::vector<std::string> columns;  // top-level columns; empty means all
  int64_t limit = -1;                // stop after this many rows; < 0 means all
  // Rows to keep (delta/predicate.h text, e.g. "country = 'DE'"). Files are
  // pruned by partition values, then skipped by stats, then rows filtered.
  std::string where;
};

struct ScanStats {
  int64_t files = 0;  // files read
  int64_t rows = 0;   // rows output
  int64_t bytes_scanned = 0;
  int64_t files_pruned = 0;   // by partition values
  int64_t files_skipped = 0;  // by stats
  int64_t bytes_skipped = 0;  // of pruned and skipped files
  int64_t rows_filtered = 0;  // read but not matching
  int64_t rows_deleted = 0;   // read but deleted by a deletion vector
};

// One live file as the scan sees it.
struct ScanFile {
  std::string path;  // FileSystem path (decoded, resolved against the root)
  const AddFile* add = nullptr;
  // The JSON of each partition column's value, by column name.
  std::vector<std::pair<std::string, std::string>> partition_json;
};

// Resolves every live file of `snapshot`: its storage path and typed
// partition values. Corruption for bad partition values.
Result<std::vector<ScanFile>> PlanScan(const Snapshot& snapshot);

// Streams the rows as NDJSON into `sink` (whole lines, in chunks of about
// 1 MiB). Rows a file's deletion vector deletes are never output. InvalidArgument
// for unknown columns; errors of the Parquet reader and of deletion vectors
// (delta/deletion_vector.h) name the file.
Status ScanNdjson(const Snapshot& snapshot, const ScanOptions& options,
                  const std::function<Status(std::string_view)>& sink, ScanStats* stats = nullptr);

}  // namespace lakestream::delta
