// Change data feed, the reading side: the row-level changes of a range of
// table versions, as Spark's table_changes() returns them (PROTOCOL.md
// "Reader Requirements for AddCDCFile").
//
// Per version: when the commit has `cdc` actions, only their change data
// files (delta/change_data.h) are read; otherwise every add with dataChange
// true is an insert of its rows and every remove with dataChange true a
// delete of its rows, deletion vectors honoured; a file both removed and
// added in one commit (a new deletion vector) yields just the difference:
// rows the new DV hides are deleted, rows it no longer hides inserted, as
// Spark's CDCReader does. OPTIMIZE-style commits (dataChange false) yield
// nothing. Each row carries the table's columns (the schema of the last
// version read; columns a file lacks are null) plus _change_type,
// _commit_version and _commit_timestamp (the in-commit timestamp when the
// table has them, else the commit file's modification time).
//
// Errors: InvalidArgument when the change data feed was not enabled
// (delta.enableChangeDataFeed) at the start version or a commit in the range
// turned it off, and for a start past the latest version or after the end;
// NotFound when a commit of the range has been cleaned from the log, or a
// file it names was vacuumed, naming both. The end is clamped to the latest
// version.
//
// Thread-safety: pure functions of the storage. Ownership: rows are handed
// to the caller's sink and not kept.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/log_store.h"
#include "delta/schema.h"
#include "parquet/value.h"

namespace lakestream::delta {

struct ChangesRange {
  // Versions, inclusive; at most one of version / timestamp per end. A start
  // timestamp means the first commit at or after it, an end timestamp the
  // last commit at or before it (as Spark). Neither end: latest.
  std::optional<int64_t> from_version;
  std::optional<int64_t> to_version;
  std::optional<int64_t> from_timestamp_ms;
  std::optional<int64_t> to_timestamp_ms;
};

struct ChangeRow {
  parquet::Value row;       // kStruct in the layout of `schema` below
  std::string change_type;  // insert, update_preimage, update_postimage, delete
  int64_t version = 0;
  int64_t timestamp_ms = 0;
};

// Calls `sink` for every change row, version by version. `schema` is set
// (before the first row) to the table schema the rows follow.
Status ReadChanges(std::shared_ptr<LogStore> store, const ChangesRange& range,
                   const std::function<Status(const ChangeRow&)>& sink,
                   DeltaType* schema = nullptr);

// The changes as NDJSON (one object per row: the columns, then _change_type,
// _commit_version and _commit_timestamp as "YYYY-MM-DDTHH:MM:SS.ffffffZ"),
// handed to `sink` in chunks of whole lines.
Status ChangesNdjson(std::shared_ptr<LogStore> store, const ChangesRange& range,
                     const std::function<Status(std::string_view)>& sink);

}  // namespace lakestream::delta
