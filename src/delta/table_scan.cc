#include "delta/table_scan.h"

#include <algorithm>

#include "common/json_escape.h"
#include "delta/deletion_vector.h"
#include "delta/partition_values.h"
#include "delta/uri.h"
#include "parquet/file_reader.h"
#include "parquet/json_printer.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {

Result<std::vector<ScanFile>> PlanScan(const Snapshot& snapshot) {
  std::vector<const StructField*> pcols;
  for (const auto& name : snapshot.partition_columns()) {
    const StructField* f = snapshot.schema().FindField(name);
    if (f == nullptr) {
      return Status::Corruption("delta: " + snapshot.table_root() + ": partition column " + name +
                                " is not in the schema");
    }
    pcols.push_back(f);
  }
  std::vector<ScanFile> out;
  out.reserve(snapshot.files().size());
  for (const AddFile& add : snapshot.files()) {
    ScanFile f;
    f.add = &add;
    ASSIGN_OR_RETURN(f.path, ResolveDataPath(snapshot.table_root(), add.path));
    for (const StructField* c : pcols) {
      Result<std::string> j =
          PartitionValueJson(*c, snapshot.column_mapping().PartitionValue(add, c->name));
      if (!j.ok()) return j.status().WithContext("delta: " + add.path);
      f.partition_json.emplace_back(c->name, std::move(j).value());
    }
    out.push_back(std::move(f));
  }
  return out;
}

Status ScanNdjson(const Snapshot& snapshot, const ScanOptions& options,
                  const std::function<Status(std::string_view)>& sink, ScanStats* stats) {
  const DeltaType& schema = snapshot.schema();
  std::vector<const StructField*> columns;
  if (options.columns.empty()) {
    for (const auto& f : schema.fields) columns.push_back(&f);
  } else {
    for (const auto& name : options.columns) {
      const StructField* f = schema.FindField(name);
      if (f == nullptr) {
        return Status::InvalidArgument("delta: " + snapshot.table_root() + ": no column named " +
                                       name);
      }
      columns.push_back(f);
    }
  }
  // The JSON key of each column, once.
  std::vector<std::string> keys;
  for (const StructField* c : columns) {
    std::string k;
    AppendJsonString(c->name, &k);
    keys.push_back(k + ":");
  }
  std::optional<BoundPredicate> where;
  if (!options.where.empty()) {
    ASSIGN_OR_RETURN(Expr e, ParsePredicate(options.where));
    ASSIGN_OR_RETURN(BoundPredicate p,
                     BoundPredicate::Bind(e, schema, snapshot.partition_columns()));
    where = std::move(p);
  }
  ASSIGN_OR_RETURN(std::vector<ScanFile> files, PlanScan(snapshot));
  const ColumnMapping& mapping = snapshot.column_mapping();
  io::FileSystem& fs = snapshot.log_store()->fs();
  ScanStats local;
  std::string out;
  std::vector<parquet::ColumnData> data;
  std::vector<parquet::Value> rows;
  for (const ScanFile& file : files) {
    if (options.limit >= 0 && local.rows >= options.limit) break;
    if (where) {
      // Partition-only predicates decide from partition values alone. Column-mapped
      // tables key partition values and stats by physical names, which `where` (bound to
      // the snapshot's schema) looks them up by.
      Tri t = where->EvalFile(*file.add);
      if (t == Tri::kFalse) {
        ++(where->partition_only() ? local.files_pruned : local.files_skipped);
        local.bytes_skipped += file.add->size;
        continue;
      }
    }
    DeletedRows deleted;
    if (file.add->deletion_vector) {
      ASSIGN_OR_RETURN(deleted, LoadDeletionVector(fs, snapshot.table_root(), file.add->path,
                                                   *file.add->deletion_vector));
    }
    DeletedRows::Cursor is_deleted(&deleted);
    ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(fs, file.path));
    const parquet::Schema& fschema = reader->schema();
    // Per output column: a partition value, a field of the file, or null.
    enum class Source { kPartition, kField, kNull };
    std::vector<Source> source(columns.size(), Source::kNull);
    std::vector<const std::string*> pjson(columns.size(), nullptr);
    std::vector<int> slot(columns.size(), -1);  // index into the assembled row
    std::vector<FileColumn> resolved(columns.size());
    std::vector<int> fields;
    for (size_t c = 0; c < columns.size(); ++c) {
      for (const auto& [name, json] : file.partition_json) {
        if (name == columns[c]->name) {
          source[c] = Source::kPartition;
          pjson[c] = &json;
        }
      }
      if (source[c] == Source::kPartition) continue;
      ASSIGN_OR_RETURN(resolved[c], mapping.Resolve(fschema, *columns[c], file.path));
      if (resolved[c].field < 0) continue;
      source[c] = Source::kField;
      slot[c] = static_cast<int>(fields.size());
      fields.push_back(resolved[c].field);
    }
    // Columns the predicate reads, beyond the output ones: their slot in
    // the assembled row, or a partition value.
    std::vector<int> pred_slot(schema.fields.size(), -1);
    std::vector<parquet::Value> pred_const(schema.fields.size());
    std::vector<FileColumn> pred_column(schema.fields.size());
    if (where) {
      for (int fi : where->columns()) {
        const StructField& f = schema.fields[fi];
        bool is_part = false;
        for (const auto& pc : snapshot.partition_columns()) is_part |= pc == f.name;
        if (is_part) {
          ASSIGN_OR_RETURN(parquet::SchemaNode node, ToParquetField(f));
          ASSIGN_OR_RETURN(pred_const[fi],
                           ParsePartitionValue(f, node, mapping.PartitionValue(*file.add, f.name)));
          continue;
        }
        // Predicates read top-level primitive columns only: no re-layout,
        // but a file older than a type widening has its values converted.
        ASSIGN_OR_RETURN(pred_column[fi], mapping.Resolve(fschema, f, file.path));
        int idx = pred_column[fi].field;
        if (idx < 0) continue;
        auto pos = std::find(fields.begin(), fields.end(), idx);
        pred_slot[fi] = static_cast<int>(pos - fields.begin());
        if (pos == fields.end()) fields.push_back(idx);
      }
    }
    parquet::Value pred_row;
    pred_row.kind = parquet::Value::Kind::kStruct;
    pred_row.items.resize(schema.fields.size());
    parquet::RecordAssembler assembler(fschema, fields);
    std::vector<int> needed = assembler.needed_columns();
    int64_t first_row = 0;  // the file's row index of the group's first row
    for (int g = 0; g < reader->num_row_groups(); ++g) {
      int64_t num_rows = reader->metadata().row_groups[g].num_rows;
      first_row += g > 0 ? reader->metadata().row_groups[g - 1].num_rows : 0;
      rows.clear();
      if (!fields.empty()) {
        RETURN_IF_ERROR(reader->ReadRowGroup(g, needed, &data));
        RETURN_IF_ERROR(assembler.Assemble(data, num_rows, &rows));
      }
      for (int64_t r = 0; r < num_rows; ++r) {
        if (options.limit >= 0 && local.rows >= options.limit) break;
        if (is_deleted.Deleted(static_cast<uint64_t>(first_row + r))) {
          ++local.rows_deleted;
          continue;
        }
        if (where) {
          for (int fi : where->columns()) {
            if (pred_slot[fi] < 0) {
              pred_row.items[fi] = pred_const[fi];
              continue;
            }
            pred_row.items[fi] = rows[static_cast<size_t>(r)].items[pred_slot[fi]];
            pred_column[fi].Apply(&pred_row.items[fi]);
          }
          if (where->EvalRow(pred_row) != Tri::kTrue) {
            ++local.rows_filtered;
            continue;
          }
        }
        out.push_back('{');
        for (size_t c = 0; c < columns.size(); ++c) {
          if (c > 0) out.push_back(',');
          out += keys[c];
          switch (source[c]) {
            case Source::kPartition:
              out += *pjson[c];
              break;
            case Source::kNull:
              out += "null";
              break;
            case Source::kField: {
              parquet::Value& v = rows[static_cast<size_t>(r)].items[slot[c]];
              if (v.is_null()) {
                out += "null";
              } else {
                resolved[c].Apply(&v);
                parquet::AppendValueJson(resolved[c].node, v, &out);
              }
              break;
            }
          }
        }
        out += "}\n";
        ++local.rows;
        if (out.size() > (1 << 20)) {
          RETURN_IF_ERROR(sink(out));
          out.clear();
        }
      }
    }
    ++local.files;
    local.bytes_scanned += file.add->size;
  }
  if (!out.empty()) RETURN_IF_ERROR(sink(out));
  if (stats) *stats = local;
  return Status::OK();
}

}  // namespace lakestream::delta
