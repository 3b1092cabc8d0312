#include "delta/row_reader.h"

#include <algorithm>
#include <optional>

#include "delta/deletion_vector.h"
#include "delta/partition_values.h"
#include "delta/uri.h"
#include "parquet/file_reader.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {

Status ReadFileRows(const Snapshot& snapshot, const AddFile& add,
                    std::vector<parquet::Value>* rows, std::vector<uint64_t>* row_indexes) {
  DeletedRows deleted;
  if (add.deletion_vector) {
    ASSIGN_OR_RETURN(deleted, LoadDeletionVector(snapshot.log_store()->fs(), snapshot.table_root(),
                                                 add.path, *add.deletion_vector));
  }
  DeletedRows::Cursor is_deleted(&deleted);
  const DeltaType& schema = snapshot.schema();
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

namespace lakestream::delta {
namespace {

// The value at `i` of a leaf's decoded values, as the record assembler makes it.
parquet::Value LeafValue(const parquet::ColumnValues& v, size_t i, parquet::PhysicalType type) {
  using PT = parquet::PhysicalType;
  switch (type) {
    case PT::kBoolean:
      return parquet::Value::Bool(v.bools[i] != 0);
    case PT::kInt32:
      return parquet::Value::Int32(v.i32[i]);
    case PT::kInt64:
      return parquet::Value::Int64(v.i64[i]);
    case PT::kInt96: {
      parquet::Value x;
      x.kind = parquet::Value::Kind::kInt96;
      x.i96 = v.i96[i];
      return x;
    }
    case PT::kFloat:
      return parquet::Value::Float(v.f32[i]);
    case PT::kDouble:
      return parquet::Value::Double(v.f64[i]);
    case PT::kByteArray:
    case PT::kFixedLenByteArray:
      break;
  }
  return parquet::Value::Bytes(std::string(v.bytes.Get(i)));
}

}  // namespace

Status ScanFileFields(const Snapshot& snapshot, const AddFile& add, const std::vector<int>& fields,
                      const std::vector<uint64_t>* at, const FieldVisitor& fn) {
  DeletedRows deleted;
  if (add.deletion_vector) {
    ASSIGN_OR_RETURN(deleted, LoadDeletionVector(snapshot.log_store()->fs(), snapshot.table_root(),
                                                 add.path, *add.deletion_vector));
  }
  DeletedRows::Cursor is_deleted(&deleted);
  const DeltaType& schema = snapshot.schema();
  ASSIGN_OR_RETURN(std::string path, ResolveDataPath(snapshot.table_root(), add.path));
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(snapshot.log_store()->fs(), path));
  const parquet::Schema& fschema = reader->schema();
  const auto& pcols = snapshot.partition_columns();

  // Per chosen field: a constant (partition value, or null when the file lacks it), a
  // top-level primitive column read straight from its levels, or a nested one assembled.
  struct Slot {
    enum class Kind { kConstant, kFlat, kNested } kind = Kind::kConstant;
    parquet::Value constant;
    FileColumn column;
    int leaf = -1;  // kFlat
    int16_t max_def = 0;
    parquet::PhysicalType type = parquet::PhysicalType::kInt32;
    int nested = -1;  // kNested: index among the assembled fields
    size_t next = 0;  // kFlat: the value of row `pos` of the row group (when present)
    int64_t pos = 0;  // kFlat: rows before it whose values `next` counts
  };
  std::vector<Slot> slots(fields.size());
  std::vector<int> nested_fields;
  std::vector<int> needed;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (fields[k] < 0 || static_cast<size_t>(fields[k]) >= schema.fields.size()) {
      return Status::InvalidArgument("delta: " + add.path + ": no table field " +
                                     std::to_string(fields[k]));
    }
    const StructField& f = schema.fields[fields[k]];
    Slot& s = slots[k];
    if (std::find(pcols.begin(), pcols.end(), f.name) != pcols.end()) {
      ASSIGN_OR_RETURN(parquet::SchemaNode node, ToParquetField(f));
      Result<parquet::Value> v =
          ParsePartitionValue(f, node, snapshot.column_mapping().PartitionValue(add, f.name));
      if (!v.ok()) return v.status().WithContext("delta: " + add.path);
      s.constant = std::move(v).value();
      continue;
    }
    ASSIGN_OR_RETURN(s.column, snapshot.column_mapping().Resolve(fschema, f, path));
    if (s.column.field < 0) continue;  // null
    const parquet::SchemaNode& node = fschema.root().children[s.column.field];
    if (node.is_leaf && fschema.column(node.first_leaf).max_rep == 0) {
      s.kind = Slot::Kind::kFlat;
      s.leaf = node.first_leaf;
      s.max_def = fschema.column(node.first_leaf).max_def;
      s.type = node.physical_type;
      needed.push_back(s.leaf);
    } else {
      s.kind = Slot::Kind::kNested;
      s.nested = static_cast<int>(nested_fields.size());
      nested_fields.push_back(s.column.field);
    }
  }
  std::optional<parquet::RecordAssembler> assembler;
  if (!nested_fields.empty()) {
    assembler.emplace(fschema, nested_fields);
    for (int c : assembler->needed_columns()) needed.push_back(c);
  }
  std::sort(needed.begin(), needed.end());
  needed.erase(std::unique(needed.begin(), needed.end()), needed.end());

  std::vector<parquet::ColumnData> data;
  std::vector<parquet::Value> assembled;
  std::vector<parquet::Value> values(fields.size());
  size_t next_at = 0;
  uint64_t first_row = 0;  // the file's row index of the group's first row
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    if (at && next_at == at->size()) break;
    const int64_t n = reader->metadata().row_groups[g].num_rows;
    const uint64_t end = first_row + static_cast<uint64_t>(n);
    if (at && (*at)[next_at] >= end) {
      first_row = end;
      continue;
    }
    if (!needed.empty()) RETURN_IF_ERROR(reader->ReadRowGroup(g, needed, &data));
    if (assembler) {
      assembled.clear();
      RETURN_IF_ERROR(assembler->Assemble(data, n, &assembled));
    }
    for (Slot& s : slots) {
      if (s.kind != Slot::Kind::kFlat) continue;
      const parquet::ColumnData& c = data[s.leaf];
      if (c.num_levels != n || (s.max_def > 0 && c.def.size() != static_cast<size_t>(n))) {
        return Status::Corruption("delta: " + add.path + ": column " +
                                  fschema.column(s.leaf).dotted_path() + " has " +
                                  std::to_string(c.num_levels) + " levels for " +
                                  std::to_string(n) + " rows in row group " + std::to_string(g));
      }
      s.next = 0;
      s.pos = 0;
    }
    // Rows visited: every row, or with `at` only those asked for (flat columns count the
    // values of the rows skipped from their definition levels alone).
    int64_t r = 0;
    while (true) {
      if (at) {
        if (next_at == at->size() || (*at)[next_at] >= end) break;
        if ((*at)[next_at] < first_row + static_cast<uint64_t>(r)) break;  // out of order
        r = static_cast<int64_t>((*at)[next_at] - first_row);
      } else if (r >= n) {
        break;
      }
      const uint64_t row = first_row + static_cast<uint64_t>(r);
      if (is_deleted.Deleted(row)) {
        if (at) {
          return Status::Corruption("delta: " + add.path + ": row " + std::to_string(row) +
                                    " asked for is deleted");
        }
        ++r;
        continue;
      }
      if (values.size() != slots.size()) values.resize(slots.size());  // fn moved it
      for (size_t k = 0; k < slots.size(); ++k) {
        Slot& s = slots[k];
        if (s.kind == Slot::Kind::kFlat) {
          const parquet::ColumnData& c = data[s.leaf];
          bool present = true;
          if (s.max_def == 0) {
            s.next = static_cast<size_t>(r);
          } else {
            for (; s.pos < r; ++s.pos) s.next += c.def[static_cast<size_t>(s.pos)] == s.max_def;
            present = c.def[static_cast<size_t>(r)] == s.max_def;
          }
          if (present && s.next >= c.values.size()) {
            return Status::Corruption("delta: " + add.path + ": column " +
                                      fschema.column(s.leaf).dotted_path() +
                                      " ran out of values in row group " + std::to_string(g));
          }
          values[k] = present ? LeafValue(c.values, s.next, s.type) : parquet::Value();
          s.column.Apply(&values[k]);
        } else if (s.kind == Slot::Kind::kNested) {
          values[k] = std::move(assembled[static_cast<size_t>(r)].items[s.nested]);
          s.column.Apply(&values[k]);
        } else {
          values[k] = s.constant;
        }
      }
      RETURN_IF_ERROR(fn(row, values));
      if (at) ++next_at;
      ++r;
    }
    first_row = end;
  }
  if (at && next_at < at->size()) {
    return Status::Corruption("delta: " + add.path + ": row " + std::to_string((*at)[next_at]) +
                              " asked for is past the file's end (" + std::to_string(first_row) +
                              " rows) or out of order");
  }
  return Status::OK();
}

Status ReadIntegerColumn(const Snapshot& snapshot, const AddFile& add, int field,
                         std::vector<uint64_t>* row_indexes, std::vector<int64_t>* values) {
  const DeltaType& schema = snapshot.schema();
  if (field < 0 || static_cast<size_t>(field) >= schema.fields.size()) {
    return Status::InvalidArgument("delta: " + add.path + ": no table field " +
                                   std::to_string(field));
  }
  const StructField& f = schema.fields[field];
  const auto& pcols = snapshot.partition_columns();
  if (std::find(pcols.begin(), pcols.end(), f.name) != pcols.end()) {
    return Status::NotSupported("delta: " + f.name + " is a partition column");
  }
  ASSIGN_OR_RETURN(std::string path, ResolveDataPath(snapshot.table_root(), add.path));
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(snapshot.log_store()->fs(), path));
  const parquet::Schema& fschema = reader->schema();
  ASSIGN_OR_RETURN(FileColumn column, snapshot.column_mapping().Resolve(fschema, f, path));
  if (column.field < 0) return Status::NotSupported("delta: " + add.path + " lacks " + f.name);
  const parquet::SchemaNode& node = fschema.root().children[column.field];
  const bool is_int = node.is_leaf && (node.physical_type == parquet::PhysicalType::kInt32 ||
                                       node.physical_type == parquet::PhysicalType::kInt64);
  if (!is_int || fschema.column(node.first_leaf).max_rep != 0 || column.widening.active() ||
      column.relayout.kind != FileColumn::Relayout::Kind::kKeep) {
    return Status::NotSupported("delta: " + add.path + ": " + f.name +
                                " is not a plain integer column");
  }
  DeletedRows deleted;
  if (add.deletion_vector) {
    ASSIGN_OR_RETURN(deleted, LoadDeletionVector(snapshot.log_store()->fs(), snapshot.table_root(),
                                                 add.path, *add.deletion_vector));
  }
  DeletedRows::Cursor is_deleted(&deleted);
  const int leaf = node.first_leaf;
  const int16_t max_def = fschema.column(leaf).max_def;
  const bool i64 = node.physical_type == parquet::PhysicalType::kInt64;
  std::vector<parquet::ColumnData> data;
  uint64_t first_row = 0;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    const int64_t n = reader->metadata().row_groups[g].num_rows;
    RETURN_IF_ERROR(reader->ReadRowGroup(g, {leaf}, &data));
    const parquet::ColumnData& c = data[leaf];
    const size_t nv = i64 ? c.values.i64.size() : c.values.i32.size();
    if (c.num_levels != n || (max_def > 0 && c.def.size() != static_cast<size_t>(n)) ||
        (max_def == 0 && nv != static_cast<size_t>(n))) {
      return Status::Corruption("delta: " + add.path + ": column " + f.name + " has " +
                                std::to_string(c.num_levels) + " levels and " +
                                std::to_string(nv) + " values for " + std::to_string(n) +
                                " rows in row group " + std::to_string(g));
    }
    size_t vi = 0;
    for (int64_t r = 0; r < n; ++r) {
      if (max_def > 0 && c.def[static_cast<size_t>(r)] != max_def) continue;  // null
      if (vi >= nv) {
        return Status::Corruption("delta: " + add.path + ": column " + f.name +
                                  " ran out of values in row group " + std::to_string(g));
      }
      const int64_t v = i64 ? c.values.i64[vi] : c.values.i32[vi];
      ++vi;
      const uint64_t row = first_row + static_cast<uint64_t>(r);
      if (!deleted.empty() && is_deleted.Deleted(row)) continue;
      row_indexes->push_back(row);
      values->push_back(v);
    }
    first_row += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

}  // namespace lakestream::delta
