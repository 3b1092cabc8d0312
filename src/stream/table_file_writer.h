// TableFileWriter: turns the JSON records of one micro-batch into Parquet data
// files of one table, one open file per partition value (Hive directories
// `col=value/`), rolled when a file passes the size target. Records go
// through pipeline::JsonBatchBuilder (the fast typed path) and are encoded in
// batches of `batch_rows` rows. Partition columns are not stored in files.
//
// Pipelining: with `encode_thread` (the default) a full batch is handed to a
// background thread that encodes, compresses and writes it while the caller
// parses the next one into the partition's second builder, so parsing and
// encoding use two cores. Each partition has at most one batch in flight, so
// memory stays bounded by two batches per open partition. An encode or
// storage error surfaces from a later Add() or from Finish(). Seal() lets a
// committer thread close one micro-batch's files while the next one is
// being parsed.
//
// Files are named `<dir>/part-<nnnnn>-<uuid>.c000.zstd.parquet` and are
// invisible to readers until a Delta commit adds them; an aborted batch
// leaves orphan files at most (the FileSystem publishes a file on Close only).
//
// Thread-safety: the public methods are called from one thread; the encode
// thread is internal. Ownership: shares the FileSystem.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "io/file_system.h"
#include "parquet/column_writer.h"
#include "pipeline/json_batch_builder.h"
#include "stream/batch_sink.h"

namespace lakestream::stream {

struct TableFileWriterOptions {
  int64_t file_size_target = 128LL << 20;
  int64_t batch_rows = 8192;
  // Encode and compress on a background thread (see above); false encodes
  // inline in Add().
  bool encode_thread = true;
  parquet::WriterOptions parquet;
  // Parquet field_id of each column (in `columns` order; nullopt: none), for
  // column-mapped tables (delta/column_mapping_writer.h). Empty: no ids.
  std::vector<std::optional<int32_t>> field_ids;
  // Wall time for StagedFile::modification_time_ms (borrowed).
  Clock* clock = RealClock();
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
  // `readable`: see JsonBatchBuilder::Add (bytes readable from record.data()).
  Status Add(const std::vector<std::optional<std::string>>& values, std::string_view record,
             size_t readable = 0);

  // Waits for the encode thread, closes every open file and returns them;
  // the writer is empty after and can take the next batch.
  // Same as FinishSealed(Seal()).
  Result<std::vector<StagedFile>> Finish();

  // The files of one batch, detached from the writer by Seal().
  class Sealed;
  // Detaches the batch so far (its open files and buffered rows); the writer
  // takes the next batch's Add() calls at once, while another thread
  // finishes this one with FinishSealed.
  std::unique_ptr<Sealed> Seal();
  // Encodes what is left of a sealed batch, closes its files and returns
  // them. May run on another thread than Add(), concurrently with it; one
  // call per sealed batch. On error the sealed batch is dropped (nothing
  // published); the writer must then be Abort()ed.
  Result<std::vector<StagedFile>> FinishSealed(std::unique_ptr<Sealed> sealed);
  // Waits for the encode thread, then drops open files without publishing
  // them and forgets any encode error. No FinishSealed may be running.
  void Abort();

  int64_t rows() const { return rows_; }
  const parquet::Schema& schema() const { return *schema_; }

 private:
  struct Part;
  class Encoder;
  TableFileWriter() = default;
  // Hands the part's filled builder to the encoder (or encodes it inline).
  Status SubmitRows(Part* p);
  // Encodes `rows` into the part's open file, rolling it at the size target.
  // Runs on the encode thread when there is one.
  Status EncodeRows(Part* p, pipeline::JsonBatchBuilder* rows);
  Status CloseFile(Part* p);

  std::shared_ptr<io::FileSystem> fs_;
  std::string root_;
  std::vector<pipeline::ColumnSpec> columns_;
  std::vector<std::string> partition_columns_;
  TableFileWriterOptions options_;
  std::shared_ptr<const parquet::Schema> schema_;
  std::map<std::vector<std::optional<std::string>>, std::unique_ptr<Part>> parts_;
  std::unique_ptr<Encoder> encoder_;  // null without encode_thread
  // Files of the open batch closed by a size roll. Filled by the encoder
  // thread; read once the batch's parts are idle.
  std::unique_ptr<std::vector<StagedFile>> done_ = std::make_unique<std::vector<StagedFile>>();
  std::atomic<int> file_counter_{0};
  int64_t rows_ = 0;
};

// Opaque: what Seal() detached (the batch's partitions and rolled files).
class TableFileWriter::Sealed {
 public:
  ~Sealed();

 private:
  friend class TableFileWriter;
  std::map<std::vector<std::optional<std::string>>, std::unique_ptr<Part>> parts;
  std::unique_ptr<std::vector<StagedFile>> done;
};

}  // namespace lakestream::stream
