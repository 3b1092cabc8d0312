// Schema and table-property changes that commit metadata only (no data
// file is read or written): ALTER TABLE ADD COLUMN, RENAME COLUMN, DROP
// COLUMN, turning on column mapping and turning in-commit timestamps on or
// off, as Spark's Delta does them (PROTOCOL.md "Column Mapping", "In-Commit
// Timestamps").
//
// - Add works on any table: data files lack the column, so it reads as
//   null. Under column mapping the new field gets the next id and a fresh
//   "col-<uuid>" physical name. NOT NULL only on a table without rows.
// - Rename and drop need column mapping (mode name or id): a rename keeps
//   the physical name, so files still find the data; a drop leaves the data
//   in the files, never read again. Without column mapping they are
//   NotSupported, saying how to turn it on.
// - Refused with InvalidArgument naming table and column: unknown columns,
//   a name taken by a sibling (case-insensitively, as Spark compares),
//   dropping a partition column or the last column of a struct or of the
//   data, renaming or dropping a column a CHECK constraint or generated
//   column names.
//
// Paths name nested struct fields with dots ("address.city").
// Each change is one commit whose operation and parameters read as Spark's
// ("ADD COLUMNS", "RENAME COLUMN", "DROP COLUMNS", "SET TBLPROPERTIES"); a
// concurrent metadata change makes it a Conflict (delta/transaction.h).
//
// Thread-safety: functions; any number may run concurrently against a table.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "delta/column_mapping.h"
#include "delta/log_store.h"
#include "delta/schema.h"
#include "delta/snapshot.h"
#include "delta/transaction.h"

namespace lakestream::delta {

// Adds column `path` (its parent must be an existing struct) of `type`.
Result<CommitResult> AddColumn(std::shared_ptr<LogStore> store, const std::string& path,
                               const DeltaType& type, bool nullable,
                               const CommitOptions& commit = {});

// Renames column `path` to `new_name` (the last part only: a field stays
// in its struct).
Result<CommitResult> RenameColumn(std::shared_ptr<LogStore> store, const std::string& path,
                                  const std::string& new_name, const CommitOptions& commit = {});

// Drops column `path`.
Result<CommitResult> DropColumn(std::shared_ptr<LogStore> store, const std::string& path,
                                const CommitOptions& commit = {});

// Turns on column mapping mode `mode` (name; id only on a new table, see
// EnableColumnMapping). A table already in `mode` is left as is (version -1).
Result<CommitResult> SetColumnMappingMode(std::shared_ptr<LogStore> store, ColumnMappingMode mode,
                                          const CommitOptions& commit = {});

// Turns in-commit timestamps on (`enable`) or off (PROTOCOL.md "In-Commit
// Timestamps"): delta.enableInCommitTimestamps = "true" / "false". Turning
// them on lists the inCommitTimestamp writer feature (writer version 7; a
// legacy protocol lists the features it implied, delta/features.h
// WithWriterFeature), and the commit records the enablement version and
// timestamp (delta/transaction.h); turning them off drops those two. A table
// already in that state is left as is (version -1).
Result<CommitResult> SetInCommitTimestamps(std::shared_ptr<LogStore> store, bool enable,
                                           const CommitOptions& commit = {});

// The schema change of AddColumn on `schema` of table `snap`, for callers
// that commit it with data (streaming schema evolution): `column` (its
// name is the last part of `path`) with an id and physical name when
// the table maps columns; `*max_column_id` tracks delta.columnMapping.
// maxColumnId. Same errors as AddColumn.
Status AddColumnToSchema(const Snapshot& snap, DeltaType* schema, const std::string& path,
                         StructField column, int64_t* max_column_id);

}  // namespace lakestream::delta
