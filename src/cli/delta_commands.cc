// `lakestream describe|history|cat|files|checkpoint TABLE`: inspect and read
// Delta tables. Thin: the work is in src/delta.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/table_arg.h"
#include "common/time_format.h"
#include "delta/checkpoint_writer.h"
#include "delta/deletion_vector.h"
#include "delta/features.h"
#include "delta/history.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"

namespace lakestream::cli {
namespace {

using nlohmann::ordered_json;

struct TableArgs {
  std::string table;
  int64_t version = -1;
  std::string timestamp;
};

void AddTableArgs(CLI::App* cmd, TableArgs* a, bool time_travel) {
  cmd->add_option("TABLE", a->table, "Table path or URI (file://, az://, abfss://), or catalog.schema.table")->required();
  if (time_travel) {
    cmd->add_option("--version", a->version, "Read the table as of this version");
    cmd->add_option("--timestamp", a->timestamp,
                    "Read the table as of this time (ISO-8601, or ms since the epoch)");
  }
}

Result<std::shared_ptr<const delta::Snapshot>> LoadSnapshot(const TableArgs& a,
                                                            bool check_features = true) {
  ASSIGN_OR_RETURN(auto store, OpenTableArg(a.table));
  delta::SnapshotOptions opts;
  opts.check_reader_features = check_features;
  if (a.version >= 0) opts.version = a.version;
  if (!a.timestamp.empty()) {
    bool digits = a.timestamp.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
      opts.timestamp_ms = std::stoll(a.timestamp);
    } else {
      std::optional<int64_t> us = ParseTimestampMicros(a.timestamp);
      if (!us) return Status::InvalidArgument("bad --timestamp " + a.timestamp);
      opts.timestamp_ms = *us / 1000;
    }
  }
  return delta::Snapshot::Load(store, opts);
}

ordered_json ParseOrString(const std::string& text) {
  ordered_json j = ordered_json::parse(text, nullptr, false);
  return j.is_discarded() ? ordered_json(text) : j;
}

ordered_json SchemaTree(const delta::DeltaType& t) {
  ordered_json cols = ordered_json::array();
  for (const auto& f : t.fields) {
    ordered_json c;
    c["name"] = f.name;
    c["type"] = f.type.ToString();
    c["nullable"] = f.nullable;
    cols.push_back(c);
  }
  return cols;
}

Status Describe(const TableArgs& a) {
  ASSIGN_OR_RETURN(auto snap, LoadSnapshot(a, /*check_features=*/false));
  const auto& p = snap->protocol();
  const auto& m = snap->metadata();
  ordered_json j;
  j["table"] = snap->table_root();
  j["version"] = snap->version();
  j["timestamp"] = FormatTimestampMicros(snap->timestamp_ms() * 1000);
  if (snap->checkpoint_version()) j["checkpoint_version"] = *snap->checkpoint_version();
  ordered_json jp;
  jp["minReaderVersion"] = p.min_reader_version;
  jp["minWriterVersion"] = p.min_writer_version;
  if (p.reader_features) jp["readerFeatures"] = *p.reader_features;
  if (p.writer_features) jp["writerFeatures"] = *p.writer_features;
  j["protocol"] = jp;
  Status readable = delta::CheckReadSupported(p, m, snap->table_root());
  j["readable"] = readable.ok();
  if (!readable.ok()) j["unsupported_reader_features"] = delta::UnsupportedReaderFeatures(p, m);
  Status writable = delta::CheckWriteSupported(p, m, snap->table_root());
  j["writable"] = writable.ok();
  if (!writable.ok()) j["unsupported_writer_features"] = delta::UnsupportedWriterFeatures(p, m);
  ordered_json jm;
  jm["id"] = m.id;
  if (m.name) jm["name"] = *m.name;
  if (m.description) jm["description"] = *m.description;
  jm["format"] = m.format.provider;
  jm["partitionColumns"] = m.partition_columns;
  jm["configuration"] = m.configuration;
  if (m.created_time) jm["createdTime"] = FormatTimestampMicros(*m.created_time * 1000);
  j["metadata"] = jm;
  j["schema"] = SchemaTree(snap->schema());
  j["num_files"] = snap->files().size();
  j["total_bytes"] = snap->total_bytes();
  if (auto r = snap->total_records()) {
    j["num_records"] = *r;
  } else {
    j["num_records"] = nullptr;  // some file lacks stats
  }
  j["num_tombstones"] = snap->tombstones().size();
  ordered_json txns = ordered_json::object();
  for (const auto& [app, t] : snap->transactions()) txns[app] = t.version;
  j["transactions"] = txns;
  ordered_json domains = ordered_json::object();
  for (const auto& [name, d] : snap->domain_metadata()) domains[name] = d.configuration;
  j["domains"] = domains;
  std::cout << j.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
  return Status::OK();
}

Status History(const TableArgs& a, int64_t limit) {
  ASSIGN_OR_RETURN(auto snap, LoadSnapshot(a, /*check_features=*/false));
  const delta::LogStore& store = *snap->log_store();
  ASSIGN_OR_RETURN(delta::LogListing listing, store.List());
  std::optional<int64_t> lim;
  if (limit >= 0) lim = limit;
  ASSIGN_OR_RETURN(
      auto entries,
      delta::ReadHistory(store, listing, delta::InCommitTimestampsFrom(snap->metadata()), lim));
  std::string out;
  for (const auto& e : entries) {
    ordered_json j;
    j["version"] = e.version;
    j["timestamp"] = FormatTimestampMicros(e.timestamp_ms * 1000);
    if (e.commit_info) {
      if (e.commit_info->operation) j["operation"] = *e.commit_info->operation;
      j["commitInfo"] = ParseOrString(e.commit_info->json);
    } else {
      j["commitInfo"] = nullptr;
    }
    out += j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    out += '\n';
  }
  std::cout << out;
  return Status::OK();
}

Status Cat(const TableArgs& a, const std::string& columns, int64_t limit, const std::string& where,
           bool print_stats) {
  ASSIGN_OR_RETURN(auto snap, LoadSnapshot(a));
  delta::ScanOptions opts;
  opts.columns = SplitCommas(columns);
  opts.limit = limit;
  opts.where = where;
  delta::ScanStats stats;
  RETURN_IF_ERROR(delta::ScanNdjson(
      *snap, opts,
      [](std::string_view chunk) {
        std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        return std::cout ? Status::OK() : Status::IOError("stdout: write failed");
      },
      &stats));
  std::cout.flush();
  if (print_stats) {
    ordered_json j;
    j["files_total"] = snap->files().size();
    j["files_scanned"] = stats.files;
    j["files_pruned"] = stats.files_pruned;
    j["files_skipped"] = stats.files_skipped;
    j["bytes_scanned"] = stats.bytes_scanned;
    j["bytes_skipped"] = stats.bytes_skipped;
    j["rows"] = stats.rows;
    j["rows_filtered"] = stats.rows_filtered;
    std::cerr << j.dump() << "\n";
  }
  return Status::OK();
}

Status Files(const TableArgs& a, bool deleted_rows) {
  ASSIGN_OR_RETURN(auto snap, LoadSnapshot(a));
  ASSIGN_OR_RETURN(auto files, delta::PlanScan(*snap));
  std::string out;
  for (const auto& f : files) {
    ordered_json j;
    j["path"] = f.path;
    j["size"] = f.add->size;
    if (auto n = f.add->LiveRecords()) j["numRecords"] = *n;  // less deleted rows
    if (f.add->deletion_vector) {
      j["deletedRows"] = f.add->deletion_vector->cardinality;
      if (deleted_rows) {  // the row indexes, for engines that cannot read the DV
        ASSIGN_OR_RETURN(delta::DeletedRows rows,
                         delta::LoadDeletionVector(snap->log_store()->fs(), snap->table_root(),
                                                   f.add->path, *f.add->deletion_vector));
        j["deletedRowIndexes"] = rows.rows();
      }
    }
    ordered_json pv = ordered_json::object();
    for (const auto& [name, json] : f.partition_json) pv[name] = ParseOrString(json);
    j["partitionValues"] = pv;
    out += j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    out += '\n';
  }
  std::cout << out;
  return Status::OK();
}

Status Checkpoint(const TableArgs& a, int64_t part_size) {
  if (part_size < 0) {
    return Status::InvalidArgument("checkpoint: --part-size must be a positive number of actions");
  }
  ASSIGN_OR_RETURN(auto snap, LoadSnapshot(a));
  delta::CheckpointOptions opts;
  opts.part_size = part_size;
  ASSIGN_OR_RETURN(delta::LastCheckpoint lc, delta::WriteCheckpoint(*snap, opts));
  std::cout << lc.ToJson() << "\n";
  return Status::OK();
}

}  // namespace

void AddDeltaCommands(CLI::App& app) {
  static TableArgs describe_args;
  auto* describe = app.add_subcommand("describe", "Describe a Delta table as JSON");
  AddTableArgs(describe, &describe_args, true);
  describe->callback([] {
    Status s = Describe(describe_args);
    if (!s.ok()) Fail(s);
  });

  static TableArgs history_args;
  static int64_t history_limit = -1;
  auto* history = app.add_subcommand("history", "Print a Delta table's commits, newest first");
  AddTableArgs(history, &history_args, false);
  history->add_option("--limit", history_limit, "Print at most this many commits");
  history->callback([] {
    Status s = History(history_args, history_limit);
    if (!s.ok()) Fail(s);
  });

  static TableArgs cat_args;
  static std::string cat_columns;
  static int64_t cat_limit = -1;
  static std::string cat_where;
  static bool cat_stats = false;
  auto* cat = app.add_subcommand("cat", "Print a Delta table's rows as NDJSON");
  AddTableArgs(cat, &cat_args, true);
  cat->add_option("--columns", cat_columns, "Comma-separated top-level columns to print");
  cat->add_option("--limit", cat_limit, "Print at most this many rows");
  cat->add_option("--where", cat_where,
                  "Only rows matching, e.g. \"event_date >= '2026-01-01' AND country = 'DE'\"");
  cat->add_flag("--stats", cat_stats, "Print files/bytes scanned and skipped to stderr");
  cat->callback([] {
    Status s = Cat(cat_args, cat_columns, cat_limit, cat_where, cat_stats);
    if (!s.ok()) Fail(s);
  });

  static TableArgs files_args;
  auto* files = app.add_subcommand(
      "files", "Print a Delta table's live data files and typed partition values as NDJSON");
  AddTableArgs(files, &files_args, true);
  static bool files_deleted_rows = false;
  files->add_flag("--deleted-rows", files_deleted_rows,
                  "Also print each file's deletion vector as deletedRowIndexes (row indexes in "
                  "the file), so engines without deletion vector support can skip those rows");
  files->callback([] {
    Status s = Files(files_args, files_deleted_rows);
    if (!s.ok()) Fail(s);
  });

  static TableArgs cp_args;
  static int64_t cp_part_size = 0;
  auto* cp = app.add_subcommand(
      "checkpoint",
      "Write a checkpoint of a Delta table's latest version: classic (one file), or multi-part "
      "with --part-size");
  AddTableArgs(cp, &cp_args, false);
  cp->add_option("--part-size", cp_part_size,
                 "Write a multi-part checkpoint (<v>.checkpoint.<o>.<p>.parquet) of at most this "
                 "many actions per part; 0 (default) writes one classic file");
  cp->callback([] {
    Status s = Checkpoint(cp_args, cp_part_size);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace lakestream::cli
