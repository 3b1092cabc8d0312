// TableFileWriter: turns the JSON records of one micro-batch into Parquet data
// files of one table, one open file per partition value (Hive directories
// `col=value/`), rolled when a file passes the size target. Records go
// through pipeline::JsonBatchBuilder (the fast typed path) and are encoded in
// batches of `batch_rows` rows. Partition columns are not stored in files.
//
// Files are named `<dir>/part-<nnnnn>-<random>.c000.zstd.parquet` and are
// invisible to readers until a Delta commit adds them; an aborted batch
// leaves orphan files at most (the FileSystem publishes a file on Close only).
//
// Thread-safety: single-threaded. Ownership: shares the FileSystem.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "parquet/column_writer.h"
#include "pipeline/json_batch_builder.h"
#include "stream/batch_sink.h"

namespace lakestream::stream {

struct TableFileWriterOptions {
  int64_t file_size_target = 128LL << 20;
  int64_t batch_rows = 8192;
  parquet::WriterOptions parquet;
  // ms since the epoch for StagedFile::modification_time_ms; system clock if unset.
  std::function<int64_t()> clock;
};

class TableFileWriter {
 public:
  // `columns` are the data columns; `partition_columns` name the partition
  // values passed to Add, in order.
  static Result<std::unique_ptr<TableFileWriter>> Make(std::shared_ptr<io::FileSystem> fs,
                                                       std::string table_root,
                                                       std::vector<pipeline::ColumnSpec> columns,
                                                       std::vector<std::string> partition_columns,
                                                       TableFileWriterOptions options = {});
  ~TableFileWriter();

  // Parses and adds one record to the partition `values` (one per partition
  // column; nullopt is null). On a bad record returns its Status and adds
  // nothing (InvalidArgument from the builder); storage errors otherwise...
  // callers tell them apart with IsInvalidArgument().
  Status Add(const std::vector<std::optional<std::string>>& values, std::string_view record);

  // Closes every open file and returns them; the writer is empty after and
  // can take the next batch.
  Result<std::vector<StagedFile>> Finish();
  // Drops open files without publishing them.
  void Abort();

  int64_t rows() const { return rows_; }
  int64_t buffered_bytes() const;
  const parquet::Schema& schema() const { return *schema_; }

 private:
  struct Part;
  TableFileWriter() = default;
  Status FlushRows(Part* p);
  Status CloseFile(Part* p);

  std::shared_ptr<io::FileSystem> fs_;
  std::string root_;
  std::vector<pipeline::ColumnSpec> columns_;
  std::vector<std::string> partition_columns_;
  TableFileWriterOptions options_;
  std::shared_ptr<const parquet::Schema> schema_;
  std::map<std::vector<std::optional<std::string>>, std::unique_ptr<Part>> parts_;
  std::vector<StagedFile> done_;
  int file_counter_ = 0;
  int64_t rows_ = 0;
};

// "a=1/b=x%3Ay/" (Hive escaping; null as __HIVE_DEFAULT_PARTITION__); empty
// for an unpartitioned table.
std::string HivePartitionDirectory(const std::vector<std::string>& columns,
                                   const std::vector<std::optional<std::string>>& values);

}  // namespace lakestream::stream
