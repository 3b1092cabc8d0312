// The copy-on-write engine behind every merge flavour (delta/merge.h):
// plans candidate files from the source keys, groups target and source
// rows by key, asks a Resolver what each key's rows become, rewrites the
// files where a key changed and commits once. Private to src/delta.
//
// Thread-safety: functions. Ownership: rows are copied in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "delta/merge.h"
#include "delta/snapshot.h"

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

// `key` is for messages ("id=3"); `target` the key's current rows (copies,
// any order); `source` its source rows in batch order.
using Resolver =
    std::function<Result<KeyOutcome>(const std::string& key, std::vector<parquet::Value> target,
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

Result<MergeResult> RunMerge(std::shared_ptr<LogStore> store,
                             const std::vector<parquet::Value>& source, const EngineSpec& spec,
                             const ResolverFactory& make_resolver, const MergeOptions& options);

// Index of the field `name` in `schema`, or InvalidArgument naming `what`.
Result<int> FieldIndex(const DeltaType& schema, const std::string& name, const std::string& what,
                       const std::string& table);

}  // namespace lakestream::delta::merge_internal
