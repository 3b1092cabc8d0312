// TableWriter: writes rows of a Delta table into new Parquet data files and
// describes them as add actions, ready for a transaction to commit.
//
// Rows are parquet::Value structs with one Value per field of the table
// schema, in schema order, partition columns included (laid out as
// ToParquetSchema(schema) would read them). Rows are routed to one open file
// per partition (Hive directories `col=value/`, delta/partition_path.h);
// partition columns are not stored in the files. A file is closed once its
// estimated size passes `target_file_size`. Files are named
// `part-<nnnnn>-<uuid>.c000.zstd.parquet`.
//
// Column mapping (delta/column_mapping_writer.h): when the schema's fields
// carry delta.columnMapping.physicalName metadata, data files store columns
// under their physical names with Parquet field ids, and stats, partition
// values and partition directories use physical names too.
//
// Nothing is visible in the table until the add actions are committed;
// files of an abandoned writer (or a failed commit) are orphans that
// vacuum removes. written_paths() lists them so a caller can delete them
// eagerly.
//
// Thread-safety: single-threaded. Ownership: shares the FileSystem.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "delta/actions.h"
#include "delta/file_stats.h"
#include "delta/schema.h"
#include "io/file_system.h"
#include "parquet/column_writer.h"
#include "parquet/value.h"

namespace lakestream::delta {

struct TableWriterOptions {
  int64_t target_file_size = 128LL << 20;
  int64_t shred_batch_rows = 4096;  // rows buffered before they are written as a batch
  parquet::WriterOptions parquet;   // ZSTD by default
  StatsOptions stats;
  bool data_change = true;
  // File names start "<file_prefix>-<nnnnn>-" ("cdc" for change data files).
  std::string file_prefix = "part";
  // Wall time for add.modificationTime (borrowed).
  Clock* clock = RealClock();
};

class TableWriter {
 public:
  // InvalidArgument if a partition column is not a top-level primitive
  // column of `schema`, or every column is a partition column.
  static Result<std::unique_ptr<TableWriter>> Make(std::shared_ptr<io::FileSystem> fs,
                                                   std::string table_root, DeltaType schema,
                                                   std::vector<std::string> partition_columns,
                                                   TableWriterOptions options = {});
  ~TableWriter();

  // Routes and buffers rows. InvalidArgument naming the column if a row does
  // not fit the schema; IOError etc. from the storage.
  Status Write(const std::vector<parquet::Value>& rows);
  Status Write(const parquet::Value& row);

  // Closes every open file and returns the add actions of all files written
  // (paths relative to the table root, URI-encoded). The writer is done after.
  Result<std::vector<AddFile>> Finish();

  // Storage paths of every file opened so far (published or not).
  const std::vector<std::string>& written_paths() const { return written_paths_; }
  int64_t rows_written() const { return rows_; }

 private:
  struct OpenFile;
  TableWriter() = default;
  Result<OpenFile*> FileFor(const std::vector<std::optional<std::string>>& pvalues);
  Status FlushBatch(OpenFile* f);
  Status CloseFile(std::unique_ptr<OpenFile> f);

  std::shared_ptr<io::FileSystem> fs_;
  std::string root_;
  DeltaType schema_;
  DeltaType data_schema_;  // schema_ minus partition columns
  parquet::Schema table_parquet_;
  parquet::Schema data_parquet_;
  std::vector<std::string> partition_columns_;
  // The keys of partitionValues and partition directories: the partition
  // columns' physical names when the schema has column mapping metadata.
  std::vector<std::string> partition_keys_;
  std::vector<int> partition_index_;  // field index of each partition column
  std::vector<int> data_index_;       // field index of each data column
  TableWriterOptions options_;
  std::map<std::vector<std::optional<std::string>>, std::unique_ptr<OpenFile>> open_;
  std::vector<AddFile> adds_;
  std::vector<std::string> written_paths_;
  int file_counter_ = 0;
  int64_t rows_ = 0;
  bool finished_ = false;
};

// Milliseconds since the epoch from the system clock.
int64_t NowMillis();

// The one cleanup after a write that did not commit: deletes `paths` (a
// writer's written_paths()) unless `failure.outcome_unknown()`: then the
// commit may have landed and reference them, so they stay (vacuum removes
// them if it did not). Delete errors are ignored: a file left behind is an
// orphan for vacuum, never a correctness problem.
void CleanUpAfterFailedCommit(io::FileSystem& fs, const std::vector<std::string>& paths,
                              const Status& failure);

}  // namespace lakestream::delta
