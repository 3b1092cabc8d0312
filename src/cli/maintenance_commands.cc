// `lakestream archive|optimize|query`: table maintenance and queries.
// Thin: the work is in src/maintenance (archive.h, optimize.h) and
// src/delta/table_query.h.
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/table_arg.h"
#include "common/config_values.h"
#include "delta/snapshot.h"
#include "delta/table_query.h"
#include "delta/table_writer.h"
#include "maintenance/archive.h"
#include "maintenance/optimize.h"

namespace lakestream::cli {
namespace {

using nlohmann::ordered_json;

// A positive size (common/config_values.h: "512MB", "64KiB", "1g", "1048576").
Result<int64_t> ParseSize(const std::string& text) {
  ASSIGN_OR_RETURN(int64_t n, ParseByteSize(text));
  if (n <= 0) return Status::InvalidArgument("'" + text + "': size must be positive");
  return n;
}

// "365d" -> 365: a duration (common/config_values.h) of whole days.
Result<int64_t> ParseDays(const std::string& text) {
  constexpr int64_t kDayMs = 86400LL * 1000;
  Result<int64_t> ms = ParseDurationMs(text);
  if (!ms.ok() || *ms % kDayMs != 0) {
    return Status::InvalidArgument("--older-than '" + text + "': use days, e.g. 365d");
  }
  return *ms / kDayMs;
}

struct ArchiveArgs {
  std::string table, archive_table, older_than, before, partition_column = "event_date";
  bool dry_run = false;
};

Status Archive(const ArchiveArgs& a) {
  maintenance::ArchiveOptions o;
  ASSIGN_OR_RETURN(o.live, OpenTableArg(a.table));
  ASSIGN_OR_RETURN(o.archive, OpenTableArg(a.archive_table));
  if (a.before.empty() == a.older_than.empty()) {
    return Status::InvalidArgument("archive: give exactly one of --older-than and --before");
  }
  if (!a.before.empty()) {
    o.cutoff_date = a.before;
  } else {
    ASSIGN_OR_RETURN(int64_t days, ParseDays(a.older_than));
    ASSIGN_OR_RETURN(o.cutoff_date,
                     maintenance::CutoffDate(maintenance::DateOfMillis(delta::NowMillis()), days));
  }
  o.partition_column = a.partition_column;
  o.dry_run = a.dry_run;
  maintenance::ArchiveReport r;
  RETURN_IF_ERROR(maintenance::RunArchive(o, &r));
  for (const auto& p : r.partitions) {
    ordered_json j;
    j[a.partition_column] = p.value;
    j["files"] = p.files;
    j["bytes"] = p.bytes;
    j["rows"] = p.rows;
    std::cout << j.dump() << "\n";
  }
  ordered_json s;
  s["dry_run"] = a.dry_run;
  s["cutoff"] = o.cutoff_date;
  s["partitions"] = r.partitions.size();
  s["files_copied"] = r.files_copied;
  s["files_resumed"] = r.files_resumed;
  s["files_removed"] = r.files_removed;
  s["files_tiered"] = r.files_tiered;
  s["rows_live"] = r.rows_live;
  s["rows_archive"] = r.rows_archive;
  s["bytes"] = r.bytes;
  s["archive_version"] = r.archive_version;
  s["live_version"] = r.live_version;
  std::cerr << s.dump() << "\n";
  return Status::OK();
}

struct OptimizeArgs {
  std::string table, where, zorder_by, target = "512MB", min_size;
};

Status Optimize(const OptimizeArgs& a) {
  maintenance::OptimizeOptions o;
  ASSIGN_OR_RETURN(o.table, OpenTableArg(a.table));
  o.where = a.where;
  o.zorder_by = SplitCommas(a.zorder_by);
  Result<int64_t> t = ParseSize(a.target);
  if (!t.ok()) return t.status().WithContext("optimize: --target-file-size");
  o.target_file_size = *t;
  if (!a.min_size.empty()) {
    Result<int64_t> m = ParseSize(a.min_size);
    if (!m.ok()) return m.status().WithContext("optimize: --min-file-size");
    o.min_file_size = *m;
  }
  auto t0 = std::chrono::steady_clock::now();
  maintenance::OptimizeReport r;
  RETURN_IF_ERROR(maintenance::RunOptimize(o, &r));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ordered_json j;
  j["version"] = r.version;
  j["partitions_considered"] = r.partitions_considered;
  j["partitions_optimized"] = r.partitions_optimized;
  j["files_removed"] = r.files_removed;
  j["files_added"] = r.files_added;
  j["bytes_removed"] = r.bytes_removed;
  j["bytes_added"] = r.bytes_added;
  j["rows"] = r.rows;
  j["seconds"] = secs;
  std::cout << j.dump() << "\n";
  return Status::OK();
}

struct QueryArgs {
  std::string table, where, select, group_by, agg;
  int64_t limit = -1;
};

Status Query(const QueryArgs& a) {
  ASSIGN_OR_RETURN(auto store, OpenTableArg(a.table));
  auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(store));
  delta::QuerySpec spec;
  spec.where = a.where;
  spec.select = SplitCommas(a.select);
  spec.group_by = SplitCommas(a.group_by);
  if (!a.agg.empty()) {
    ASSIGN_OR_RETURN(spec.aggregates, delta::ParseAggregates(a.agg));
  }
  spec.limit = a.limit;
  delta::ScanStats stats;
  RETURN_IF_ERROR(delta::RunQuery(
      *snap, spec,
      [](std::string_view chunk) {
        std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        return std::cout ? Status::OK() : Status::IOError("stdout: write failed");
      },
      &stats));
  std::cout.flush();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ordered_json j;
  j["files_total"] = snap->files().size();
  j["files_scanned"] = stats.files;
  j["files_pruned"] = stats.files_pruned;
  j["files_skipped"] = stats.files_skipped;
  j["bytes_total"] = snap->total_bytes();
  j["bytes_scanned"] = stats.bytes_scanned;
  j["bytes_skipped"] = stats.bytes_skipped;
  j["rows_read"] = stats.rows + stats.rows_filtered;
  j["rows_matched"] = stats.rows;
  j["seconds"] = secs;
  std::cerr << "scan: " << j.dump() << "\n";
  return Status::OK();
}

}  // namespace

void AddMaintenanceCommands(CLI::App& app) {
  static ArchiveArgs aa;
  auto* ar = app.add_subcommand("archive",
                                "Move partitions older than a cutoff into an archive Delta table");
  ar->add_option("--table", aa.table, "Live table directory")->required();
  ar->add_option("--archive-table", aa.archive_table, "Archive table directory or catalog.schema.table")->required();
  ar->add_option("--older-than", aa.older_than, "Age of the partitions to move, e.g. 365d");
  ar->add_option("--before", aa.before, "Move partitions before this date (YYYY-MM-DD)");
  ar->add_option("--partition-column", aa.partition_column,
                 "Date partition column (default event_date)");
  ar->add_flag("--dry-run", aa.dry_run, "Only list the partitions that would move");
  ar->callback([] {
    Status s = Archive(aa);
    if (!s.ok()) Fail(s);
  });

  static OptimizeArgs oa;
  auto* op = app.add_subcommand(
      "optimize", "Compact small files (bin-packing) or Z-order a Delta table (dataChange=false)");
  op->add_option("TABLE", oa.table, "Table directory or catalog.schema.table")->required();
  op->add_option("--where", oa.where, "Partition predicate, e.g. \"event_date >= '2026-01-01'\"");
  op->add_option("--zorder-by", oa.zorder_by, "Comma-separated data columns to cluster by");
  op->add_option("--target-file-size", oa.target, "Output file size (default 512MB)");
  op->add_option("--min-file-size", oa.min_size,
                 "Bin-packing: files below this are compacted (default 3/4 of the target)");
  op->callback([] {
    Status s = Optimize(oa);
    if (!s.ok()) Fail(s);
  });

  static QueryArgs qa;
  auto* q = app.add_subcommand(
      "query", "Filter/aggregate a Delta table; prints NDJSON and files/bytes scanned vs skipped");
  q->add_option("TABLE", qa.table, "Table directory or catalog.schema.table")->required();
  q->add_option("--where", qa.where, "Predicate, e.g. \"user_id < 100 AND page_id = 7\"");
  q->add_option("--select", qa.select, "Comma-separated columns (without --agg)");
  q->add_option("--group-by", qa.group_by, "Comma-separated grouping columns (with --agg)");
  q->add_option("--agg", qa.agg, "Aggregates: count,sum(x),min(x),max(x),avg(x)");
  q->add_option("--limit", qa.limit, "At most this many rows or groups");
  q->callback([] {
    Status s = Query(qa);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace lakestream::cli
