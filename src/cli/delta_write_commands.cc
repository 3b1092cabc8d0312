// `lakestream write|delete|merge|vacuum|restore TABLE`: change Delta tables.
// Thin: the work is in src/delta (operations.h, merge.h, vacuum.h).
#include <fstream>
#include <functional>
#include <optional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/column_specs.h"
#include "cli/commands.h"
#include "cli/table_arg.h"
#include "delta/merge.h"
#include "delta/operations.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "delta/table_identity.h"
#include "delta/uri.h"
#include "delta/vacuum.h"
#include "io/file_system.h"
#include "io/file_system_resolver.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
#include "parquet/record_assembler.h"
#include "pipeline/json_batch_builder.h"

namespace lakestream::cli {

Result<delta::DeltaType> SchemaOfSpecs(const std::vector<pipeline::ColumnSpec>& specs) {
  delta::DeltaType t;
  t.kind = delta::DeltaType::Kind::kStruct;
  for (const auto& c : specs) {
    delta::StructField f;
    f.name = c.name;
    f.nullable = c.nullable;
    using CT = pipeline::ColumnType;
    using K = delta::DeltaType::Kind;
    switch (c.type) {
      case CT::kString:
      case CT::kJson:
        f.type.kind = K::kString;
        break;
      case CT::kInt32:
        f.type.kind = K::kInteger;
        break;
      case CT::kInt64:
        f.type.kind = K::kLong;
        break;
      case CT::kDouble:
        f.type.kind = K::kDouble;
        break;
      case CT::kBoolean:
        f.type.kind = K::kBoolean;
        break;
      case CT::kTimestamp:
        f.type.kind = K::kTimestamp;
        break;
      case CT::kDate:
        f.type.kind = K::kDate;
        break;
    }
    t.fields.push_back(std::move(f));
  }
  return t;
}

namespace {

Result<std::shared_ptr<delta::LogStore>> OpenStore(const std::string& table) {
  return OpenTableArg(table);
}

// Parses NDJSON in batches with JsonBatchBuilder, turns each batch into
// rows (through an in-memory Parquet file) and feeds them to the writer.
// With skip_bad, records that fail to parse or cast are counted in *bad and
// the first ten reported on stderr; otherwise the first one fails the write
// (and nothing is committed).
using RowSink = std::function<Status(const std::vector<parquet::Value>& rows)>;
// `command` ("write", "merge") leads every error message.
Status FeedNdjson(const std::string& command, const std::string& path,
                  pipeline::JsonBatchBuilder* builder, const RowSink& sink_rows, bool skip_bad,
                  int64_t* bad) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(command + ": " + path + ": cannot open");
  std::string line;
  int64_t line_no = 0;
  std::vector<parquet::Value> rows;
  auto flush = [&]() -> Status {
    if (builder->num_rows() == 0) return Status::OK();
    rows.clear();
    RETURN_IF_ERROR(builder->DrainToValues(&rows));
    return sink_rows(rows);
  };
  while (std::getline(in, line)) {
    ++line_no;
    // A UTF-8 byte order mark (Windows editors write one) starts the file, not the record.
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Status s = builder->Add(line);
    if (!s.ok()) {
      s = s.WithContext(command + ": " + path + ": line " + std::to_string(line_no));
      if (!skip_bad) return s;
      if ((*bad)++ < 10) std::cerr << "skipped: " << s.message() << "\n";
      continue;
    }
    if (builder->num_rows() >= 65536) RETURN_IF_ERROR(flush());
  }
  return flush();
}

struct WriteArgs {
  std::string table, from_json, from_parquet, schema, partition_by, mode = "append", replace_where, app_id;
  int64_t app_version = -1;
  int64_t target_file_mb = 128;
  std::string bad_records = "fail";
  std::vector<std::string> table_properties;  // KEY=VALUE, for a table this write creates
};

// The unit of a timestamp leaf (INT64 TIMESTAMP or TIMESTAMP_MILLIS/MICROS), else nullopt.
std::optional<parquet::TimeUnit> TimestampUnit(const parquet::SchemaNode& n) {
  if (!n.is_leaf || n.physical_type != parquet::PhysicalType::kInt64) return std::nullopt;
  if (n.logical_type && n.logical_type->kind == parquet::LogicalType::Kind::kTimestamp) {
    return n.logical_type->unit;
  }
  if (n.converted_type == parquet::ConvertedType::kTimestampMillis) {
    return parquet::TimeUnit::kMillis;
  }
  if (n.converted_type == parquet::ConvertedType::kTimestampMicros) {
    return parquet::TimeUnit::kMicros;
  }
  return std::nullopt;
}

bool NeedsRescale(const parquet::SchemaNode& n) {
  if (n.is_leaf) {
    auto unit = TimestampUnit(n);
    return n.physical_type == parquet::PhysicalType::kInt96 ||
           (unit && *unit != parquet::TimeUnit::kMicros);
  }
  for (const auto& c : n.children) {
    if (NeedsRescale(c)) return true;
  }
  return false;
}

// Delta stores timestamps in microseconds; the assembler hands over a column's own
// unit. Top-level millisecond and nanosecond columns are rescaled; such columns
// nested in a struct, list or map, and INT96 ones, are NotSupported.
Status CheckTimestampUnits(const parquet::Schema& schema, const std::string& path,
                           std::vector<std::pair<size_t, parquet::TimeUnit>>* rescale) {
  const auto& cols = schema.root().children;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!NeedsRescale(cols[i])) continue;
    auto unit = TimestampUnit(cols[i]);
    if (!unit || cols[i].repetition == parquet::Repetition::kRepeated) {
      return Status::NotSupported("write: " + path + ": column " + cols[i].name +
                                  " has INT96 or nested millisecond/nanosecond timestamps; "
                                  "rewrite it with microsecond timestamps");
    }
    rescale->emplace_back(i, *unit);
  }
  return Status::OK();
}

// Feeds every row of a Parquet file to the writer, one row group at a time.
Status FeedParquet(const parquet::FileReader& reader, const std::string& path,
                   delta::TableWriter* w) {
  std::vector<std::pair<size_t, parquet::TimeUnit>> rescale;
  RETURN_IF_ERROR(CheckTimestampUnits(reader.schema(), path, &rescale));
  parquet::RecordAssembler assembler(reader.schema());
  std::vector<parquet::ColumnData> data;
  std::vector<parquet::Value> rows;
  for (int g = 0; g < reader.num_row_groups(); ++g) {
    RETURN_IF_ERROR(reader.ReadRowGroup(g, {}, &data));
    rows.clear();
    RETURN_IF_ERROR(assembler.Assemble(data, reader.metadata().row_groups[g].num_rows, &rows)
                        .WithContext("write: " + path));
    for (auto& row : rows) {
      for (const auto& [col, unit] : rescale) {
        parquet::Value& v = row.items[col];
        if (v.kind != parquet::Value::Kind::kInt64) continue;
        if (unit == parquet::TimeUnit::kMillis) {
          v.i64 *= 1000;
        } else {  // nanoseconds, rounded down
          v.i64 = v.i64 >= 0 ? v.i64 / 1000 : -((-v.i64 + 999) / 1000);
        }
      }
    }
    RETURN_IF_ERROR(w->Write(rows));
  }
  return Status::OK();
}

Status Write(const WriteArgs& a) {
  if (a.from_json.empty() == a.from_parquet.empty()) {
    return Status::InvalidArgument("write: give exactly one of --from-json and --from-parquet");
  }
  if (!a.from_json.empty() && a.schema.empty()) {
    return Status::InvalidArgument("write: --from-json needs --schema (column specs)");
  }
  if (!a.from_parquet.empty() && !a.schema.empty()) {
    return Status::InvalidArgument(
        "write: --from-parquet takes the Parquet file's schema; drop --schema");
  }
  ASSIGN_OR_RETURN(auto store, OpenStore(a.table));
  delta::DeltaType schema;
  std::unique_ptr<pipeline::JsonBatchBuilder> builder;
  std::shared_ptr<io::FileSystem> parquet_fs;
  std::unique_ptr<parquet::FileReader> parquet_reader;
  if (!a.from_parquet.empty()) {
    parquet_fs = io::NewRoutingFileSystem();
    ASSIGN_OR_RETURN(parquet_reader, parquet::FileReader::Open(*parquet_fs, a.from_parquet));
    Result<delta::DeltaType> t = delta::FromParquetSchema(parquet_reader->schema());
    if (!t.ok()) return t.status().WithContext("write: " + a.from_parquet);
    schema = std::move(t).value();
  } else {
    std::ifstream sf(a.schema);
    if (!sf) return Status::NotFound("write: " + a.schema + ": cannot open");
    std::string schema_text((std::istreambuf_iterator<char>(sf)),
                            std::istreambuf_iterator<char>());
    ASSIGN_OR_RETURN(auto specs, pipeline::ParseColumnSpecs(schema_text));
    ASSIGN_OR_RETURN(schema, SchemaOfSpecs(specs));
    ASSIGN_OR_RETURN(builder, pipeline::JsonBatchBuilder::Make(specs));
  }
  delta::WriteRequest req;
  for (const std::string& kv : a.table_properties) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("write: --table-property '" + kv + "' is not KEY=VALUE");
    }
    req.configuration[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (a.mode == "overwrite") {
    req.mode = delta::SaveMode::kOverwrite;
  } else if (a.mode != "append") {
    return Status::InvalidArgument("write: --mode must be append or overwrite");
  }
  if (!a.replace_where.empty()) req.replace_where = a.replace_where;
  std::stringstream ss(a.partition_by);
  for (std::string c; std::getline(ss, c, ',');) {
    if (!c.empty()) req.partition_columns.push_back(c);
  }
  if (!a.app_id.empty()) {
    if (a.app_version < 0) return Status::InvalidArgument("write: --app-id needs --app-version");
    req.app_id = a.app_id;
    req.app_version = a.app_version;
  }
  if (a.bad_records != "fail" && a.bad_records != "skip") {
    return Status::InvalidArgument("write: --bad-records must be fail or skip");
  }
  int64_t bad = 0;
  req.writer.target_file_size = a.target_file_mb << 20;
  req.commit.max_attempts = 50;
  ASSIGN_OR_RETURN(
      delta::WriteResult r,
      delta::WriteRows(
          store, schema,
          [&](delta::TableWriter* w) {
            if (parquet_reader) return FeedParquet(*parquet_reader, a.from_parquet, w);
            return FeedNdjson(
                "write", a.from_json, builder.get(), [w](const auto& rows) { return w->Write(rows); },
                a.bad_records == "skip", &bad);
          },
          req));
  nlohmann::ordered_json j;
  j["version"] = r.commit.version;
  j["skipped"] = r.skipped;
  j["attempts"] = r.commit.attempts;
  j["files_added"] = r.files_added;
  j["files_removed"] = r.files_removed;
  j["rows"] = r.rows;
  j["bad_records_skipped"] = bad;
  j["bytes"] = r.bytes;
  std::cout << j.dump() << "\n";
  return Status::OK();
}

Status Delete(const std::string& table, const std::string& where) {
  ASSIGN_OR_RETURN(auto store, OpenStore(table));
  delta::CommitOptions co;
  co.max_attempts = 50;
  ASSIGN_OR_RETURN(delta::DeleteResult r, delta::DeleteWhere(store, where, {}, co));
  nlohmann::ordered_json j;
  j["version"] = r.commit.version >= 0 ? nlohmann::ordered_json(r.commit.version) : nullptr;
  j["files_removed"] = r.files_removed;
  j["files_rewritten"] = r.files_rewritten;
  j["files_added"] = r.files_added;
  j["rows_deleted"] = r.rows_deleted;
  j["rows_copied"] = r.rows_copied;
  j["deletion_vectors_added"] = r.deletion_vectors_added;
  std::cout << j.dump() << "\n";
  return Status::OK();
}

struct MergeArgs {
  std::string table, source, keys, mode, sequence_by, track, schema, delete_column;
};

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string c; std::getline(ss, c, ',');) {
    if (!c.empty()) out.push_back(c);
  }
  return out;
}

// Source rows and their column names: an NDJSON file parsed with --schema,
// or every row of a Delta table, keeping only the columns `target` has (so a
// dimension can be backfilled from a wider events table).
Status LoadMergeSource(const MergeArgs& a, const std::shared_ptr<delta::LogStore>& target_store,
                       const delta::DeltaType& target, std::vector<parquet::Value>* rows,
                       std::vector<std::string>* columns) {
  auto log = OpenTableArg(a.source);
  if (log.ok() && (*log)->List().ok() && !(*log)->List()->empty()) {
    RETURN_IF_ERROR(delta::RequireDistinctTables("merge", "target", target_store, "source", *log));
    ASSIGN_OR_RETURN(auto snap, delta::Snapshot::Load(*log));
    std::vector<size_t> keep;
    const auto& fields = snap->schema().fields;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (target.FindField(fields[i].name) == nullptr) continue;
      keep.push_back(i);
      columns->push_back(fields[i].name);
    }
    std::vector<parquet::Value> file_rows;
    for (const auto& f : snap->files()) {
      file_rows.clear();
      RETURN_IF_ERROR(delta::ReadFileRows(*snap, f, &file_rows));
      for (auto& r : file_rows) {
        std::vector<parquet::Value> items;
        items.reserve(keep.size());
        for (size_t i : keep) items.push_back(std::move(r.items[i]));
        rows->push_back(parquet::Value::Struct(std::move(items)));
      }
    }
    return Status::OK();
  }
  if (a.schema.empty()) {
    return Status::InvalidArgument("merge: " + a.source +
                                   ": not a Delta table; an NDJSON source needs --schema");
  }
  std::ifstream sf(a.schema);
  if (!sf) return Status::NotFound("merge: " + a.schema + ": cannot open");
  std::string schema_text((std::istreambuf_iterator<char>(sf)), std::istreambuf_iterator<char>());
  ASSIGN_OR_RETURN(auto specs, pipeline::ParseColumnSpecs(schema_text));
  for (const auto& c : specs) columns->push_back(c.name);
  ASSIGN_OR_RETURN(auto builder, pipeline::JsonBatchBuilder::Make(specs));
  int64_t bad = 0;
  return FeedNdjson(
      "merge", a.source, builder.get(),
      [rows](const std::vector<parquet::Value>& batch) {
        rows->insert(rows->end(), batch.begin(), batch.end());
        return Status::OK();
      },
      false, &bad);
}

Status MergeCmd(const MergeArgs& a) {
  ASSIGN_OR_RETURN(auto store, OpenStore(a.table));
  ASSIGN_OR_RETURN(auto target, delta::Snapshot::Load(store));
  std::vector<parquet::Value> rows;
  std::vector<std::string> columns;
  RETURN_IF_ERROR(LoadMergeSource(a, store, target->schema(), &rows, &columns));
  delta::MergeOptions o;
  o.commit.max_attempts = 50;
  o.max_attempts = 5;
  Result<delta::MergeResult> r =
      Status::InvalidArgument("merge: --mode must be scd1, scd2 or insert-only");
  if (a.mode == "insert-only") {
    r = delta::MergeInsertOnly(store, std::move(rows), SplitList(a.keys), columns, o);
  } else if (a.mode == "scd1" || a.mode == "scd2") {
    if (a.sequence_by.empty()) {
      return Status::InvalidArgument("merge: --mode " + a.mode + " needs --sequence-by");
    }
    delta::CdcSpec c;
    c.keys = SplitList(a.keys);
    c.source_columns = columns;
    c.sequence_by = a.sequence_by;
    c.track_columns = SplitList(a.track);
    if (!a.delete_column.empty()) c.delete_column = a.delete_column;
    r = a.mode == "scd1" ? delta::MergeScd1(store, std::move(rows), c, o)
                         : delta::MergeScd2(store, std::move(rows), c, o);
  }
  if (!r.ok()) return r.status();
  nlohmann::ordered_json j;
  j["version"] = r->commit.version >= 0 ? nlohmann::ordered_json(r->commit.version) : nullptr;
  j["attempts"] = r->attempts;
  j["source_rows"] = r->source_rows;
  j["rows_inserted"] = r->rows_inserted;
  j["rows_updated"] = r->rows_updated;
  j["rows_deleted"] = r->rows_deleted;
  j["rows_copied"] = r->rows_copied;
  j["files_read"] = r->files_read;
  j["files_added"] = r->files_added;
  j["files_removed"] = r->files_removed;
  j["deletion_vectors_added"] = r->deletion_vectors_added;
  std::cout << j.dump() << "\n";
  return Status::OK();
}

Status VacuumCmd(const std::string& table, bool dry_run, double retention_hours, bool force) {
  ASSIGN_OR_RETURN(auto store, OpenStore(table));
  delta::VacuumOptions o;
  o.dry_run = dry_run;
  o.allow_short_retention = force;
  o.override_hint = "Pass --ignore-retention-check to do it anyway";
  if (retention_hours >= 0) o.retention_ms = static_cast<int64_t>(retention_hours * 3600 * 1000);
  ASSIGN_OR_RETURN(delta::VacuumResult r, delta::Vacuum(store, o));
  std::string out;
  for (const auto& f : r.files) out += f + "\n";
  std::cout << out;
  std::cerr << (dry_run ? "would delete " : "deleted ") << r.files.size() << " files, " << r.bytes
            << " bytes\n";
  return Status::OK();
}

Status Restore(const std::string& table, int64_t version) {
  ASSIGN_OR_RETURN(auto store, OpenStore(table));
  ASSIGN_OR_RETURN(delta::RestoreResult r, delta::RestoreTable(store, version));
  nlohmann::ordered_json j;
  j["version"] = r.commit.version;
  j["restored_version"] = version;
  j["files_added"] = r.files_added;
  j["files_removed"] = r.files_removed;
  std::cout << j.dump() << "\n";
  return Status::OK();
}

}  // namespace

void AddDeltaWriteCommands(CLI::App& app) {
  static WriteArgs wa;
  auto* write = app.add_subcommand("write", "Write NDJSON or Parquet rows into a Delta table");
  write->add_option("TABLE", wa.table, "Table path or URI (az://, abfss://)")->required();
  write->add_option("--from-json", wa.from_json, "NDJSON input file (with --schema)");
  write->add_option("--from-parquet", wa.from_parquet,
                    "Parquet input file: its rows, with its schema as the table's (every type "
                    "our reader knows, nested included)");
  write->add_option("--schema", wa.schema,
                    "Column specs JSON ({\"columns\":[...]}) for --from-json");
  write->add_option("--partition-by", wa.partition_by, "Comma-separated partition columns");
  write->add_option("--mode", wa.mode, "append (default) or overwrite");
  write->add_option("--replace-where", wa.replace_where,
                    "With --mode overwrite: replace only partitions matching this predicate");
  write->add_option("--app-id", wa.app_id, "Idempotent write: application id (txn appId)");
  write->add_option("--app-version", wa.app_version, "Idempotent write: application version");
  write->add_option("--target-file-mb", wa.target_file_mb, "Target data file size (MiB)");
  write->add_option("--table-property", wa.table_properties,
                    "KEY=VALUE table property when the write creates the table (repeatable), "
                    "e.g. delta.enableDeletionVectors=true, delta.columnMapping.mode=name (or "
                    "id); delta.columnMapping.mode=name also turns column mapping on for an "
                    "existing table");
  write->add_option("--bad-records", wa.bad_records,
                    "fail (default): the first bad record fails the write, nothing is committed;"
                    " skip: bad records are counted and reported on stderr");
  write->callback([] {
    Status s = Write(wa);
    if (!s.ok()) Fail(s);
  });

  static std::string del_table, del_where;
  auto* del = app.add_subcommand("delete", "Delete the rows of a Delta table matching --where");
  del->add_option("TABLE", del_table, "Table path or URI (az://, abfss://)")->required();
  del->add_option("--where", del_where, "Predicate, e.g. \"country = 'DE'\"")->required();
  del->callback([] {
    Status s = Delete(del_table, del_where);
    if (!s.ok()) Fail(s);
  });

  static MergeArgs ma;
  auto* merge = app.add_subcommand("merge", "Merge rows into a Delta table by key (SCD1/SCD2)");
  merge->add_option("TABLE", ma.table, "Target table path or URI (az://, abfss://)")->required();
  merge->add_option("--source", ma.source,
                    "NDJSON file, or Delta table path or URI (its columns the target lacks are "
                    "ignored)")
      ->required();
  merge->add_option("--keys", ma.keys, "Comma-separated key columns")->required();
  merge->add_option("--mode", ma.mode, "scd1, scd2 or insert-only")->required();
  merge->add_option("--sequence-by", ma.sequence_by, "Ordering column (scd1, scd2)");
  merge->add_option("--track", ma.track, "scd2: comma-separated tracked columns (default all)");
  merge->add_option("--delete-column", ma.delete_column,
                    "Source column marking deletes (true or 'DELETE')");
  merge->add_option("--schema", ma.schema, "Column specs JSON for an NDJSON source");
  merge->callback([] {
    Status s = MergeCmd(ma);
    // Every merge error says it is one (some come from shared table code).
    if (!s.ok() && s.message().rfind("merge", 0) != 0) s = s.WithContext("merge");
    if (!s.ok()) Fail(s);
  });

  static std::string vac_table;
  static bool vac_dry = false, vac_force = false;
  static double vac_hours = -1;
  auto* vac = app.add_subcommand("vacuum", "Delete data files a Delta table no longer references");
  vac->add_option("TABLE", vac_table, "Table path or URI (az://, abfss://)")->required();
  vac->add_flag("--dry-run", vac_dry, "Only list the files that would be deleted");
  vac->add_option("--retention-hours", vac_hours,
                  "Keep files newer than this (default: delta.deletedFileRetentionDuration, 168)");
  vac->add_flag("--ignore-retention-check", vac_force,
                "Allow a retention shorter than the table's (unsafe for concurrent readers)");
  vac->callback([] {
    Status s = VacuumCmd(vac_table, vac_dry, vac_hours, vac_force);
    if (!s.ok()) Fail(s);
  });

  static std::string res_table;
  static int64_t res_version = -1;
  auto* res = app.add_subcommand("restore", "Restore a Delta table to an earlier version");
  res->add_option("TABLE", res_table, "Table path or URI (az://, abfss://)")->required();
  res->add_option("--version", res_version, "Version to restore")->required();
  res->callback([] {
    Status s = Restore(res_table, res_version);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace lakestream::cli
