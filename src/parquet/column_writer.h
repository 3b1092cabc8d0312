// ColumnChunkWriter: turns one leaf column's levels and values into the
// pages of a column chunk (dictionary page, then v1 data pages), buffered in
// memory until the row group is flushed.
//
// Values are dictionary-encoded (RLE_DICTIONARY) until the dictionary passes
// WriterOptions::dictionary_page_size_limit, then the chunk falls back to
// PLAIN for the rest of its pages. Pages are cut only at row boundaries
// (repetition level 0), once they pass WriterOptions::page_size_bytes.
//
// Thread-safety: single-threaded. Ownership: keeps references to the
// descriptor and options, which must outlive it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "parquet/column_values.h"
#include "parquet/compression.h"
#include "parquet/encoding/encoding.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/statistics.h"

namespace lakestream::parquet {

struct WriterOptions {
  CompressionCodec compression = CompressionCodec::kZstd;
  int compression_level = 0;  // 0: the codec's default (ZSTD 3, GZIP 6)
  int64_t row_group_size_bytes = 128LL << 20;  // encoded bytes buffered before a row group is cut
  int64_t page_size_bytes = 1 << 20;
  int64_t dictionary_page_size_limit = 1 << 20;
  bool enable_dictionary = true;
  bool write_statistics = true;
  size_t max_statistics_length = 64;  // binary min/max longer than this are truncated
  std::string created_by = "lakestream version 0.1.0";
  std::vector<KeyValue> key_value_metadata;
};

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const ColumnDescriptor& col, const WriterOptions& options);

  // Appends `n` levels and the non-null values they describe. `def` may be
  // null when max_def is 0 and `rep` when max_rep is 0. `values` holds
  // exactly the entries whose def level equals max_def, in order.
  // InvalidArgument if the counts disagree or a level is out of range.
  Status Write(const int16_t* def, const int16_t* rep, size_t n, const ColumnValues& values);

  // Bytes this chunk holds in memory now (encoded pages + the open page).
  int64_t BufferedBytes() const;
  int64_t num_values() const { return num_values_; }

  // Writes the chunk to `sink` (whose current size is `*offset`), advances
  // *offset, and fills `out` with the chunk's metadata. Resets the writer for
  // the next row group.
  Status Flush(io::WritableFile* sink, int64_t* offset, ColumnChunk* out);

 private:
  Status Init();
  Status FlushPage();
  void AppendPage(const PageHeader& header, std::string_view payload, std::string* out);
  void AddValues(const ColumnValues& values, size_t begin, size_t end);
  // Folds the dictionary's distinct values into the statistics.
  void StatsFromDictionary();

  const ColumnDescriptor& col_;
  const WriterOptions& options_;
  Status init_status_;
  std::unique_ptr<Codec> codec_;
  std::unique_ptr<DictionaryEncoder> dict_;
  std::unique_ptr<ValueEncoder> plain_;
  bool fallback_ = false;
  StatisticsBuilder stats_;

  // The open page.
  std::vector<int16_t> page_def_, page_rep_;
  int64_t page_values_ = 0;  // levels in the page
  int64_t page_nulls_ = 0;

  // Closed pages of this chunk, headers included, compressed.
  std::string pages_;
  int64_t pages_uncompressed_ = 0;
  int64_t num_values_ = 0;
  int64_t num_data_pages_ = 0;
  int64_t num_dict_data_pages_ = 0;

  std::string scratch_, compressed_;
};

}  // namespace lakestream::parquet
