// Change data feed, the writing side (PROTOCOL.md "Change Data Files", "Add
// CDC File", "Writer Requirements for AddCDCFile").
//
// On a table with delta.enableChangeDataFeed = true, every operation that
// changes existing rows (DELETE, MERGE and the SCD modes built on it) writes
// the rows it changed into Parquet files under `_change_data/` (in Hive
// partition directories, as Spark lays them out): the table's columns, less
// the partition columns, plus `_change_type` (insert, update_preimage,
// update_postimage, delete), and commits them as `cdc` actions
// (dataChange false) in the same commit. Readers of that version then use
// only the cdc files (delta/changes_reader.h). Pure appends, overwrites,
// restores and whole-file deletes write none: their add/remove actions are
// the changes. OPTIMIZE writes none either (dataChange false).
//
// Thread-safety: ChangeDataWriter is single-threaded; the functions are
// pure. Ownership: the writer shares the FileSystem; rows are copied.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/schema.h"
#include "delta/table_writer.h"
#include "parquet/value.h"

namespace lakestream::delta {

inline constexpr const char* kChangeTypeColumn = "_change_type";
inline constexpr const char* kCommitVersionColumn = "_commit_version";
inline constexpr const char* kCommitTimestampColumn = "_commit_timestamp";
inline constexpr const char* kChangeDataDir = "_change_data";
inline constexpr const char* kEnableChangeDataFeed = "delta.enableChangeDataFeed";

enum class ChangeType { kInsert, kUpdatePreimage, kUpdatePostimage, kDelete };

// "insert", "update_preimage", "update_postimage", "delete".
std::string_view ChangeTypeName(ChangeType type);

// Whether `metadata` has delta.enableChangeDataFeed = true (case-insensitive
// "true", as Spark parses it).
bool ChangeDataFeedEnabled(const Metadata& metadata);

// Writes one commit's change rows. Files are opened on the first row of each
// partition, so a writer that gets no rows writes nothing.
class ChangeDataWriter {
 public:
  // `schema` and `partition_columns` are the table's. Errors as TableWriter::Make.
  static Result<std::unique_ptr<ChangeDataWriter>> Make(std::shared_ptr<io::FileSystem> fs,
                                                        const std::string& table_root,
                                                        const DeltaType& schema,
                                                        std::vector<std::string> partition_columns,
                                                        TableWriterOptions options = {});

  // `row` in the table's layout (one Value per schema field, as TableWriter).
  Status Write(const parquet::Value& row, ChangeType type);
  // Closes the files and returns their cdc actions (paths relative to the
  // table root, "_change_data/..."). The writer is done after.
  Result<std::vector<AddCdcFile>> Finish();

  // Storage paths of every file opened (for cleanup after a failed commit).
  const std::vector<std::string>& written_paths() const { return writer_->written_paths(); }
  int64_t rows_written() const { return writer_->rows_written(); }

 private:
  explicit ChangeDataWriter(std::unique_ptr<TableWriter> w) : writer_(std::move(w)) {}
  std::unique_ptr<TableWriter> writer_;
};

// Writes what one key's rows became: `before` the target rows, `after` the
// rows that replace them; `origin` (empty, or one per `after` row) the index
// of the `before` row each came from, -1 for a new row. A before row no after
// row came from is a delete; a new row an insert; a row that came from one and
// differs from it an update_preimage/update_postimage pair; an identical one
// nothing. Without `origin`, identical rows cancel out, a single remaining
// before row and a single remaining after row are an update, anything else
// deletes and inserts. InvalidArgument for an origin out of range.
Status WriteKeyChanges(const std::vector<parquet::Value>& before,
                       const std::vector<parquet::Value>& after, const std::vector<int>& origin,
                       ChangeDataWriter* writer);

}  // namespace lakestream::delta
