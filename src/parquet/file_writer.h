// FileWriter: writes one Parquet file from column batches.
//
// Usage: for each batch of rows, call WriteColumn once for every leaf column
// (levels and non-null values of those rows), then EndBatch(num_rows). The
// writer cuts a row group when the buffered bytes pass
// WriterOptions::row_group_size_bytes. Close() writes the footer; the file
// becomes visible under its name only then (see io::WritableFile).
//
// Thread-safety: single-threaded. Ownership: owns the sink.
#pragma once

#include <memory>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "parquet/column_writer.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace lakestream::parquet {

class FileWriter {
 public:
  // Writes the leading magic. The schema is copied.
  static Result<std::unique_ptr<FileWriter>> Open(std::unique_ptr<io::WritableFile> sink,
                                                  const Schema& schema,
                                                  const WriterOptions& options = {});
  ~FileWriter();

  // See ColumnChunkWriter::Write.
  Status WriteColumn(int column, const int16_t* def, const int16_t* rep, size_t num_levels,
                     const ColumnValues& values);
  // Ends a batch of `num_rows` rows; every column must have been written for
  // exactly those rows.
  Status EndBatch(int64_t num_rows);
  // Cuts the current row group now (no-op if empty).
  Status FlushRowGroup();
  // Flushes, writes the footer, closes the sink. The writer is done after.
  Status Close();

  const Schema& schema() const { return schema_; }
  // Valid after Close().
  const FileMetaData& metadata() const { return metadata_; }
  int64_t num_rows() const { return total_rows_; }
  // Bytes written to the sink so far plus bytes buffered.
  int64_t EstimatedFileSize() const;

 private:
  FileWriter(std::unique_ptr<io::WritableFile> sink, Schema schema, WriterOptions options);

  std::unique_ptr<io::WritableFile> sink_;
  Schema schema_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  FileMetaData metadata_;
  int64_t offset_ = 0;
  int64_t group_rows_ = 0;
  int64_t total_rows_ = 0;
  bool closed_ = false;
};

}  // namespace lakestream::parquet
