// Table operations built on Transaction and TableWriter: create, append,
// overwrite (whole table or replaceWhere), delete by predicate, restore.
// Each is one optimistic transaction with conflict checks and retries
// (delta/transaction.h); data files written for a commit that definitely
// failed are deleted again (if the outcome is unknown they are left for
// vacuum).
//
// New tables get protocol (1, 2) and a metaData with the schema as Spark
// StructType JSON, partitionColumns, createdTime and a random id.
//
// Thread-safety: functions; any number may run concurrently against one
// table, in threads or processes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"
#include "delta/schema.h"
#include "delta/table_writer.h"
#include "delta/transaction.h"
#include "parquet/value.h"

namespace lakestream::delta {

// Creates the table (version 0). AlreadyExists if it has a log already.
// With delta.columnMapping.mode = name or id in `configuration` the schema's
// fields get ids and physical names (delta/column_mapping_writer.h). `table_id` is the
// metaData id (a catalog's table id); a random UUID when empty.
Result<CommitResult> CreateTable(std::shared_ptr<LogStore> store, const DeltaType& schema,
                                 const std::vector<std::string>& partition_columns,
                                 const StringMap& configuration = {},
                                 const CommitOptions& commit = {},
                                 const std::string& table_id = {});

enum class SaveMode { kAppend, kOverwrite };

struct WriteRequest {
  SaveMode mode = SaveMode::kAppend;
  // Overwrite only: replace just the files matching this predicate on
  // partition columns; every row written must match it.
  std::optional<std::string> replace_where;
  // Idempotent writes: skipped when the table's txn version for app_id is
  // already >= app_version; committed with txn(app_id, app_version).
  std::optional<std::string> app_id;
  int64_t app_version = 0;
  // Used when the table does not exist yet (it is created in the same commit).
  // One exception: delta.columnMapping.mode = name on an existing table
  // without column mapping turns it on in the write's commit (physical names
  // equal to the logical ones, as Spark does).
  std::vector<std::string> partition_columns;
  StringMap configuration;
  TableWriterOptions writer;
  CommitOptions commit;
};

struct WriteResult {
  bool skipped = false;  // idempotent replay: nothing written
  CommitResult commit;
  int64_t files_added = 0;
  int64_t files_removed = 0;
  int64_t rows = 0;
  int64_t bytes = 0;
};

// Feeds rows into the writer (rows as TableWriter takes them).
using RowProducer = std::function<Status(TableWriter* writer)>;

// Writes the rows `produce` gives. `schema` must equal the table's schema
// when the table exists (InvalidArgument otherwise).
Result<WriteResult> WriteRows(std::shared_ptr<LogStore> store, const DeltaType& schema,
                              const RowProducer& produce, const WriteRequest& request);
Result<WriteResult> WriteRows(std::shared_ptr<LogStore> store, const DeltaType& schema,
                              const std::vector<parquet::Value>& rows, const WriteRequest& request);

struct DeleteResult {
  CommitResult commit;        // version -1 when nothing matched (no commit)
  int64_t files_removed = 0;  // whole files dropped or rewritten
  int64_t files_rewritten = 0;
  int64_t files_added = 0;
  int64_t rows_deleted = 0;
  int64_t rows_copied = 0;
  // Files that kept their data and got a deletion vector instead of a rewrite
  // (tables with delta.enableDeletionVectors = true).
  int64_t deletion_vectors_added = 0;
};

// Deletes the rows matching `where`. Files whose partition values or stats
// prove every row matches are dropped whole; others that may match are
// rewritten without the matching rows or, when the table has deletion
// vectors enabled (delta/features.h DeletionVectorsEnabled) and the file's
// stats have numRecords, keep their data and get a new deletion vector file
// holding their old deleted rows plus the matching ones (a file left with no
// rows is dropped whole).
Result<DeleteResult> DeleteWhere(std::shared_ptr<LogStore> store, const std::string& where,
                                 const TableWriterOptions& writer = {},
                                 const CommitOptions& commit = {});

struct RestoreResult {
  CommitResult commit;
  int64_t files_added = 0;
  int64_t files_removed = 0;
};

// Makes the latest version's file set (and metadata) equal version
// `version`'s. NotFound when a file to restore was vacuumed away.
Result<RestoreResult> RestoreTable(std::shared_ptr<LogStore> store, int64_t version,
                                   const CommitOptions& commit = {});

}  // namespace lakestream::delta
