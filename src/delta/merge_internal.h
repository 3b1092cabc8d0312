// The copy-on-write engine behind every merge flavour (delta/merge.h):
// plans candidate files from the source keys, groups target and source
// rows by key, asks a Resolver what each key's rows become, rewrites the
// files where a key changed and commits once. Private to src/delta.
// Keyed merges into tables with deletion vectors enabled take the key scan
// instead (merge_key_scan.cc, ResolveByKeyScan below).
//
// Thread-safety: functions. Ownership: rows are copied in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "delta/merge.h"
#include "delta/snapshot.h"

namespace lakestream::delta {
class ChangeDataWriter;
}  // namespace lakestream::delta

namespace lakestream::delta::merge_internal {

// A source row in the target's layout.
struct SourceRow {
  parquet::Value row;         // kStruct, one Value per table field
  std::vector<bool> present;  // per table field: the source has this column
  bool is_delete = false;     // the delete flag column said so
};

// What one key's target rows become.
struct KeyOutcome {
  bool changed = false;              // false: the target rows stay as they are
  std::vector<parquet::Value> rows;  // when changed: all rows of the key afterwards
  // Empty, or per row of `rows` the index of the target row it came from (-1:
  // a new row): what the change data feed records (delta/change_data.h).
  std::vector<int> origin;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t deleted = 0;
};

// `key()` names the key for messages ("id=3"; made only when asked for);
// `target` the key's current rows (copies, any order); `source` its source
// rows in batch order.
using KeyName = std::function<std::string()>;
using Resolver =
    std::function<Result<KeyOutcome>(const KeyName& key, std::vector<parquet::Value> target,
                                     const std::vector<const SourceRow*>& source)>;

struct EngineSpec {
  std::string table;  // for messages
  std::vector<std::string> keys;
  std::vector<std::string> source_columns;
  std::optional<std::string> delete_column;
  bool read_all = false;  // also resolve keys without source rows (read every file)
  StringMap parameters;   // operationParameters
};

// Builds the resolver for one attempt's snapshot (column indexes etc.).
using ResolverFactory = std::function<Result<Resolver>(const Snapshot& snapshot)>;

// The caller's source rows: borrowed (copied into the table's layout), or
// owned (`owned` == `rows`: each row's values moved into that layout and the
// row freed as it is converted, so the batch is not held twice). Converted
// once per merge; an attempt that finds the table's schema changed converts
// a borrowed source again and fails an owned one with Conflict.
struct SourceRows {
  const std::vector<parquet::Value>* rows = nullptr;
  std::vector<parquet::Value>* owned = nullptr;
};

Result<MergeResult> RunMerge(std::shared_ptr<LogStore> store, SourceRows source,
                             const EngineSpec& spec, const ResolverFactory& make_resolver,
                             const MergeOptions& options);

// Key encoding (merge.cc): a key component's bytes, equal exactly when the
// values are equal; false for null (a null component never matches).
bool AppendKeyPart(const parquet::Value& v, std::string* out);
// The key of `row` (table layout) at the fields `idx`; false when a part is null.
bool EncodeKey(const parquet::Value& row, const std::vector<int>& idx, std::string* out);
// "id=3, region=EU" for messages.
std::string KeyText(const DeltaType& schema, const parquet::Value& row,
                    const std::vector<int>& idx);

using SourceByKey = std::unordered_map<std::string, std::vector<const SourceRow*>>;

// A candidate file of the key scan and what the merge does to it.
struct ScanFile {
  const AddFile* add = nullptr;
  int64_t live = 0;                // rows its deletion vector leaves (counted by the scan)
  std::vector<uint64_t> replaced;  // file row indexes of rows of changed keys, ascending
};

// The key scan (merge_key_scan.cc), for keyed merges without NOT MATCHED BY
// SOURCE. Pass 1 reads only the key columns of `files` (row positions, no
// other column) and finds the rows whose key the source holds; when more
// than `bound` rows match it returns false having resolved and written
// nothing (the caller runs its bounded passes instead). Pass 2 reads the
// matched rows only (every column, the other rows skipped) of the files
// holding some, and resolves each key as soon as all its rows are read, so
// target rows held at once stay within the matches (peak in
// result->peak_buffered_rows). Then the keys without target rows and the
// null-keyed source rows are resolved. New rows go to `writer`; the changed
// keys' old rows land in each file's `replaced`, except those the outcome
// keeps exactly (an SCD2 key's older versions when only its current one
// closes), which stay where they are. Counts go to `result`. With `cdc`
// (the change data feed on), each changed key's rows before and after go to
// it as the passes write them (WriteKeyChanges).
Result<bool> ResolveByKeyScan(const Snapshot& snapshot, const std::vector<int>& key_idx,
                              const SourceByKey& by_key,
                              const std::vector<const SourceRow*>& null_keyed,
                              const Resolver& resolve, int64_t bound,
                              std::vector<ScanFile>* files, TableWriter* writer,
                              ChangeDataWriter* cdc, MergeResult* result);

// Index of the field `name` in `schema`, or InvalidArgument naming `what`.
Result<int> FieldIndex(const DeltaType& schema, const std::string& name, const std::string& what,
                       const std::string& table);

}  // namespace lakestream::delta::merge_internal

namespace lakestream::delta {

// The bodies of merge.h's functions, for a borrowed or an owned source.
Result<MergeResult> Merge(std::shared_ptr<LogStore> store, merge_internal::SourceRows source,
                          const MergeSpec& spec, const MergeOptions& options);
Result<MergeResult> MergeScd1(std::shared_ptr<LogStore> store, merge_internal::SourceRows source,
                              const CdcSpec& spec, const MergeOptions& options);
Result<MergeResult> MergeScd2(std::shared_ptr<LogStore> store, merge_internal::SourceRows source,
                              const CdcSpec& spec, const MergeOptions& options);
Result<MergeResult> MergeInsertOnly(std::shared_ptr<LogStore> store,
                                    merge_internal::SourceRows source,
                                    const std::vector<std::string>& keys,
                                    const std::vector<std::string>& source_columns,
                                    const MergeOptions& options);

}  // namespace lakestream::delta
