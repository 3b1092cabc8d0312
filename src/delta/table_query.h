// TableQuery: `lakestream query` — filter, project, group and aggregate the
// rows of a Delta table snapshot on top of the scan (delta/table_scan.h), so
// the files pruned by partition values and skipped by stats are reported
// beside the result.
//
// Without aggregates the result is the scan's NDJSON of the selected
// columns. With aggregates (count, count(x), sum(x), min(x), max(x),
// avg(x)) rows are grouped by the group-by columns and one NDJSON object
// per group is output, ordered by the group values; keys are the group-by
// column names and the aggregate texts ("sum(revenue)"). Nulls are ignored
// by every aggregate but count; sum and avg need numeric columns; min and
// max compare numbers numerically and dates, timestamps and strings as
// their ISO text. sum of integer columns is exact (int64); of floating
// columns a double. An empty input gives one row for an ungrouped query
// (count 0, others null) and none for a grouped one.
//
// Thread-safety: single-threaded. Ownership: shares the snapshot.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"

namespace lakestream::delta {

struct Aggregate {
  enum class Kind { kCount, kSum, kMin, kMax, kAvg };
  Kind kind = Kind::kCount;
  std::string column;  // empty for count(*)
  std::string name;    // output key, e.g. "sum(revenue)" or "count"
};

// Parses "count,sum(x),min(x)" (case-insensitive function names; count(*)
// is count). InvalidArgument naming the bad item.
Result<std::vector<Aggregate>> ParseAggregates(std::string_view text);

struct QuerySpec {
  std::string where;                  // delta/predicate.h text; empty: all rows
  std::vector<std::string> select;    // without aggregates; empty: all columns
  std::vector<std::string> group_by;  // needs aggregates
  std::vector<Aggregate> aggregates;
  int64_t limit = -1;  // rows (or groups) output; < 0: all
};

// Runs the query and streams NDJSON into `sink`. InvalidArgument for
// unknown columns, group-by without aggregates, select with aggregates, or
// sum/avg over non-numeric columns; scan errors as ScanNdjson returns them.
Status RunQuery(const Snapshot& snapshot, const QuerySpec& spec,
                const std::function<Status(std::string_view)>& sink, ScanStats* stats);

}  // namespace lakestream::delta
