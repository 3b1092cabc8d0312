// Record assembly and shredding: the Dremel algorithm that turns the
// definition/repetition levels of leaf columns into nested rows (Values), and
// rows back into levels.
//
// List and map groups follow LogicalTypes.md, including its
// backward-compatibility rules for two-level lists written by older tools.
//
// Thread-safety: objects are single-threaded; the Schema must outlive them.
#pragma once

#include <vector>

#include "common/status.h"
#include "parquet/column_reader.h"
#include "parquet/file_writer.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::parquet {

// How a LIST- or MAP-annotated group is laid out, or nullptr members when
// the group does not have the shape its annotation asks for (it is then read
// as a plain struct).
struct NestedShape {
  const SchemaNode* repeated = nullptr;  // the repeated child
  const SchemaNode* element = nullptr;   // list: the element (may equal `repeated`)
  const SchemaNode* key = nullptr;       // map
  const SchemaNode* value = nullptr;     // map: may be null (a set)
};
NestedShape ListShape(const SchemaNode& list);
NestedShape MapShape(const SchemaNode& map);

class RecordAssembler {
 public:
  // `fields` are indexes of the root's children to assemble; empty means all.
  RecordAssembler(const Schema& schema, std::vector<int> fields = {});

  // The leaf columns Assemble needs.
  std::vector<int> needed_columns() const;
  const std::vector<int>& fields() const { return fields_; }

  // Appends one kStruct per row (one Value per selected field) assembled
  // from `columns` (indexed by leaf; unneeded ones may be empty). Corruption
  // if the columns' levels disagree with each other or with num_rows.
  Status Assemble(const std::vector<ColumnData>& columns, int64_t num_rows,
                  std::vector<Value>* rows);

 private:
  const Schema& schema_;
  std::vector<int> fields_;
};

// Turns rows (kStruct with one Value per root child) into levels and values
// per leaf, and writes them through a FileWriter.
class RecordShredder {
 public:
  explicit RecordShredder(const Schema& schema);
  // InvalidArgument naming the field if a row does not fit the schema (a
  // required field is null, a leaf has the wrong kind...).
  Status Add(const Value& row);
  int64_t num_rows() const { return rows_; }
  // Writes what was added as one batch and clears it.
  Status WriteTo(FileWriter* writer);

 private:
  struct LeafBuffer {
    std::vector<int16_t> def, rep;
    ColumnValues values;
  };
  Status Field(const SchemaNode& node, const Value* v, int16_t rep, int16_t parent_def);
  Status Instance(const SchemaNode& node, const Value& v, int16_t rep, int16_t def);
  void EmitEmpty(const SchemaNode& node, int16_t rep, int16_t def);
  Status Leaf(const SchemaNode& node, const Value& v, int16_t rep, int16_t def);

  const Schema& schema_;
  std::vector<LeafBuffer> leaves_;
  int64_t rows_ = 0;
};

}  // namespace lakestream::parquet
