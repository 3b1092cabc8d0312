// Converts a newline-delimited JSON file into one Parquet file with a
// declared column list (the batch path of the ingest engine, and the
// benchmark against DuckDB's read_json → COPY TO parquet).
//
// Records that fail to parse or cast are counted and reported through
// `on_bad_record` (they never stop the conversion).
//
// Thread-safety: a free function; runs on the calling thread (plus one
// encoder thread of its own when options.threads is 2).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "parquet/column_writer.h"
#include "pipeline/json_batch_builder.h"

namespace lakestream::pipeline {

struct ConvertStats {
  int64_t records = 0;      // good rows written
  int64_t bad_records = 0;  // lines that failed to parse or cast
  int64_t input_bytes = 0;
  int64_t output_bytes = 0;
  int row_groups = 0;
};

struct ConvertOptions {
  parquet::WriterOptions writer;
  int64_t batch_rows = 8192;  // rows parsed before they are handed to the writer (cache-sized)
  // 1: parse and encode on the calling thread. 2: parse on the calling
  // thread while a second thread encodes and compresses the previous batch.
  int threads = 1;
  // Called for each bad record with its 1-based line number and the reason.
  std::function<void(int64_t line, const Status& why)> on_bad_record;
};

Result<ConvertStats> ConvertNdjsonToParquet(io::FileSystem& fs, const std::string& input,
                                            const std::string& output,
                                            const std::vector<ColumnSpec>& columns,
                                            const ConvertOptions& options);

}  // namespace lakestream::pipeline
