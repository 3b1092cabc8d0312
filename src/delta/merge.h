// MERGE into a Delta table by key (Databricks MERGE INTO), and the change
// data capture flavours built on it: SCD type 1 upserts, SCD type 2
// history, and insert-only merges (docs/merge.md has the semantics and
// where they differ from Databricks).
//
// Merges are copy-on-write, or with deletion vectors enabled on the table
// (delta.enableDeletionVectors) mark replaced rows in DVs and, when keyed,
// match keys on the key columns alone (docs/deletion-vectors.md). The
// source's keys become a read predicate (per key column an IN-set, or a
// min/max range past kMaxInSetValues distinct values); only files whose
// partition values and min/max stats may hold one of the keys are read, and
// of those only the files where a key actually changed are removed and
// rewritten (their other rows copied) or, with deletion vectors, marked.
// Every other file is left alone. The result is one commit (removes + adds,
// dataChange true, operation "MERGE" with Databricks' metric names). The
// transaction records the predicate and every file read, so a concurrent
// writer that removes one of them, or adds a file that may hold one of our
// keys, makes our commit fail with Conflict; the merge then starts over
// from the new snapshot, up to MergeOptions::max_attempts times.
//
// Every function takes the source either by const reference (copied into the
// table's layout) or as an rvalue (std::move(rows): each row's values are
// moved into that layout and the row freed as it is converted, so a large
// batch is not held twice; the caller's vector is left with empty rows).
//
// Source rows are parquet::Value structs. With `source_columns` empty they
// have the target's layout (one Value per table field); otherwise one Value
// per named column, and columns of the table the source lacks are null on
// insert and kept on update. Source columns the table lacks are allowed
// only as control columns (the delete flag); they are never written.
//
// Keys of every type match by value equality (structs, lists, maps, binary
// and INT96 included; -0.0 equals 0.0, NaN equals NaN). A key with a null
// component never matches a target row (a null inside a struct key is a value).
//
// Thread-safety: functions; any number may run concurrently against one
// table (conflicts are detected, see above). Ownership: the caller's rows
// are read, not kept.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"
#include "delta/table_writer.h"
#include "delta/transaction.h"
#include "parquet/value.h"

namespace lakestream::delta {

inline constexpr size_t kMaxInSetValues = 1000;

// Conditions see rows in the target's layout. `target` is null for NOT
// MATCHED clauses; `source` is null for NOT MATCHED BY SOURCE clauses.
using MergeCondition =
    std::function<bool(const parquet::Value* target, const parquet::Value* source)>;

struct WhenMatched {
  enum class Action { kUpdate, kDelete };
  Action action = Action::kUpdate;
  MergeCondition condition;              // empty: always
  std::vector<std::string> set_columns;  // kUpdate: copied from the source; empty: all it has
};

struct WhenNotMatched {  // INSERT of the source row
  MergeCondition condition;
};

struct WhenNotMatchedBySource {
  enum class Action { kUpdate, kDelete };
  Action action = Action::kDelete;
  MergeCondition condition;
  std::vector<std::pair<std::string, parquet::Value>> set_values;  // kUpdate
};

struct MergeSpec {
  std::vector<std::string> keys;
  std::vector<std::string> source_columns;  // empty: source rows have the target's layout
  std::vector<WhenMatched> when_matched;    // first whose condition holds applies
  std::vector<WhenNotMatched> when_not_matched;
  // Non-empty: every file is read (the whole table is the read set).
  std::vector<WhenNotMatchedBySource> when_not_matched_by_source;
};

struct MergeOptions {
  TableWriterOptions writer;
  CommitOptions commit;
  int max_attempts = 3;  // whole merges, re-planned after a Conflict
  // The most target rows held in memory at once, NOT MATCHED BY SOURCE
  // (whole-table) merges included: the key space is split by key hash into
  // partitions processed one pass (one read of the candidate files) each,
  // until each fits. Whole files are also kept for their rewrite within this
  // bound. A single key with more target rows is InvalidArgument. (The
  // source rows, the caller's, are not counted; neither is one bit per
  // candidate row marking rows to rewrite.)
  int64_t max_buffered_rows = 1'000'000;
  // Idempotent merges (as WriteRequest::app_id): with app_id set the merge is
  // skipped (MergeResult::skipped) when the table's txn version for app_id is
  // already >= app_version, and otherwise commits txn(app_id, app_version).
  std::optional<std::string> app_id;
  int64_t app_version = 0;
  // txn actions (appId -> version) committed atomically with the merge, each
  // as max(the table's version, this one): a streaming job records which
  // input it has applied. A merge that changes no rows still commits when a
  // txn moves forward (a commit with only the txn actions). A concurrent
  // commit setting the same appId is a Conflict (re-planned as above).
  std::map<std::string, int64_t> set_transactions;
};

struct MergeResult {
  CommitResult commit;  // version -1 when nothing changed (no commit)
  bool skipped = false;  // idempotent replay (MergeOptions::app_id): nothing done
  int attempts = 0;     // whole merges run (1 unless a Conflict forced a retry)
  int64_t source_rows = 0;
  int64_t rows_inserted = 0;
  int64_t rows_updated = 0;
  int64_t rows_deleted = 0;
  int64_t rows_copied = 0;
  int64_t files_added = 0;
  int64_t files_removed = 0;
  int64_t files_read = 0;     // candidate files that were read
  int64_t bytes_read = 0;     // their sizes (add.size)
  int64_t bytes_removed = 0;  // sizes of the files removed (rewritten)
  int64_t bytes_added = 0;    // sizes of the files written
  std::vector<std::string> removed_paths;
  // Changed files that kept their data and got a deletion vector marking the
  // replaced rows instead of a rewrite (delta.enableDeletionVectors = true).
  int64_t deletion_vectors_added = 0;
  int64_t peak_buffered_rows = 0;  // most target rows held at once (<= max_buffered_rows)
  int passes = 0;                   // key-hash partitions processed (1 when all fit)
};

// General MERGE. InvalidArgument for unknown key/source columns and, as in
// Databricks, when two source rows match the same target row and a WHEN
// MATCHED clause exists ("deduplicate the source"). NotFound without table.
Result<MergeResult> Merge(std::shared_ptr<LogStore> store,
                          const std::vector<parquet::Value>& source, const MergeSpec& spec,
                          const MergeOptions& options = {});
Result<MergeResult> Merge(std::shared_ptr<LogStore> store, std::vector<parquet::Value>&& source,
                          const MergeSpec& spec, const MergeOptions& options = {});

// CDC options shared by the SCD modes (Databricks AUTO CDC / APPLY CHANGES).
struct CdcSpec {
  std::vector<std::string> keys;
  std::vector<std::string> source_columns;  // as MergeSpec
  std::string sequence_by;                  // a column of the table and the source
  // A source column (bool true, or a string "DELETE"/"true", marks a delete).
  std::optional<std::string> delete_column;
  // SCD2 only: changes to these columns start a new version; changes to
  // others update the version in place. Empty: every non-key column except
  // the sequence and history columns.
  std::vector<std::string> track_columns;
  // SCD2 history columns; valid_from/valid_to have the sequence column's type.
  std::string valid_from = "valid_from";
  std::string valid_to = "valid_to";  // null for the current version
  std::string is_current = "is_current";
};

// SCD type 1: per key the event with the highest sequence wins (within the
// batch and against the table; ties: the later row of the batch); events
// whose sequence is <= the stored row's are ignored. Deletes remove the row.
Result<MergeResult> MergeScd1(std::shared_ptr<LogStore> store,
                              const std::vector<parquet::Value>& source, const CdcSpec& spec,
                              const MergeOptions& options = {});
Result<MergeResult> MergeScd1(std::shared_ptr<LogStore> store,
                              std::vector<parquet::Value>&& source, const CdcSpec& spec,
                              const MergeOptions& options = {});

// SCD type 2: history versions [valid_from, valid_to), see docs/merge.md.
// A change to a tracked column splits the version covering the event (so
// late events land in the right place); other changes update that version
// in place when the event is newer than its sequence value. Idempotent:
// events whose sequence already starts a version are skipped.
Result<MergeResult> MergeScd2(std::shared_ptr<LogStore> store,
                              const std::vector<parquet::Value>& source, const CdcSpec& spec,
                              const MergeOptions& options = {});
Result<MergeResult> MergeScd2(std::shared_ptr<LogStore> store,
                              std::vector<parquet::Value>&& source, const CdcSpec& spec,
                              const MergeOptions& options = {});

// Inserts the first source row of each key the table does not hold.
Result<MergeResult> MergeInsertOnly(std::shared_ptr<LogStore> store,
                                    const std::vector<parquet::Value>& source,
                                    const std::vector<std::string>& keys,
                                    const std::vector<std::string>& source_columns = {},
                                    const MergeOptions& options = {});
Result<MergeResult> MergeInsertOnly(std::shared_ptr<LogStore> store,
                                    std::vector<parquet::Value>&& source,
                                    const std::vector<std::string>& keys,
                                    const std::vector<std::string>& source_columns = {},
                                    const MergeOptions& options = {});

}  // namespace lakestream::delta
