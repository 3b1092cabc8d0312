#include "delta/row_reader.h"

#include <algorithm>

#include "delta/deletion_vector.h"
#include "delta/partition_values.h"
#include "delta/uri.h"
#include "parquet/file_reader.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {

Status ReadFileRows(const Snapshot& snapshot, const AddFile& add,
                    std::vector<parquet::Value>* rows, std::vector<uint64_t>* row_indexes) {
  return ReadFileRows(snapshot, snapshot.schema(), add, rows, row_indexes);
}

Status ReadFileRows(const Snapshot& snapshot, const DeltaType& schema, const AddFile& add,
                    std::vector<parquet::Value>* rows, std::vector<uint64_t>* row_indexes) {
  DeletedRows deleted;
  if (add.deletion_vector) {
    ASSIGN_OR_RETURN(deleted, LoadDeletionVector(snapshot.log_store()->fs(), snapshot.table_root(),
                                                 add.path, *add.deletion_vector));
  }
  DeletedRows::Cursor is_deleted(&deleted);
  ASSIGN_OR_RETURN(std::string path, ResolveDataPath(snapshot.table_root(), add.path));
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(snapshot.log_store()->fs(), path));
  const parquet::Schema& fschema = reader->schema();
  const auto& pcols = snapshot.partition_columns();
  // Per table field: a constant (partition value or null) or a file field.
  std::vector<parquet::Value> constant(schema.fields.size());
  std::vector<int> slot(schema.fields.size(), -1);
  std::vector<FileColumn> resolved(schema.fields.size());
  std::vector<int> fields;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const StructField& f = schema.fields[i];
    bool is_part = std::find(pcols.begin(), pcols.end(), f.name) != pcols.end();
    if (is_part) {
      ASSIGN_OR_RETURN(parquet::SchemaNode node, ToParquetField(f));
      Result<parquet::Value> v =
          ParsePartitionValue(f, node, snapshot.column_mapping().PartitionValue(add, f.name));
      if (!v.ok()) return v.status().WithContext("delta: " + add.path);
      constant[i] = std::move(v).value();
      continue;
    }
    ASSIGN_OR_RETURN(resolved[i], snapshot.column_mapping().Resolve(fschema, f, path));
    if (resolved[i].field >= 0) {
      slot[i] = static_cast<int>(fields.size());
      fields.push_back(resolved[i].field);
    }
  }
  parquet::RecordAssembler assembler(fschema, fields);
  std::vector<int> needed = assembler.needed_columns();
  std::vector<parquet::ColumnData> data;
  std::vector<parquet::Value> assembled;
  int64_t first_row = 0;  // the file's row index of the group's first row
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    int64_t n = reader->metadata().row_groups[g].num_rows;
    first_row += g > 0 ? reader->metadata().row_groups[g - 1].num_rows : 0;
    assembled.clear();
    if (!fields.empty()) {
      RETURN_IF_ERROR(reader->ReadRowGroup(g, needed, &data));
      RETURN_IF_ERROR(assembler.Assemble(data, n, &assembled));
    }
    for (int64_t r = 0; r < n; ++r) {
      if (is_deleted.Deleted(static_cast<uint64_t>(first_row + r))) continue;
      if (row_indexes) row_indexes->push_back(static_cast<uint64_t>(first_row + r));
      parquet::Value row;
      row.kind = parquet::Value::Kind::kStruct;
      row.items.resize(schema.fields.size());
      for (size_t i = 0; i < schema.fields.size(); ++i) {
        if (slot[i] < 0) {
          row.items[i] = constant[i];
          continue;
        }
        row.items[i] = std::move(assembled[static_cast<size_t>(r)].items[slot[i]]);
        resolved[i].Apply(&row.items[i]);
      }
      rows->push_back(std::move(row));
    }
  }
  return Status::OK();
}

}  // namespace lakestream::delta
