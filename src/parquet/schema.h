// Schema: the tree of a Parquet file's columns, with each leaf's maximum
// definition and repetition levels.
//
// Built either from a footer's flattened SchemaElement list (reading) or from
// a SchemaNode tree (writing; see the helpers in namespace `field`). Leaves
// are numbered depth-first, which is the order of column chunks in a row
// group.
//
// Thread-safety: immutable after construction; safe to share.
// Ownership: ColumnDescriptor::node points into the Schema's own tree, which
// lives as long as any copy of the Schema (shared, immutable).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/metadata.h"
#include "parquet/types.h"

namespace lakestream::parquet {

struct SchemaNode {
  std::string name;
  Repetition repetition = Repetition::kOptional;
  bool is_leaf = false;
  // Leaves only.
  PhysicalType physical_type = PhysicalType::kInt32;
  int32_t type_length = 0;
  // Annotations (either or both may be set; the writer derives one from the other).
  std::optional<ConvertedType> converted_type;
  std::optional<LogicalType> logical_type;
  int32_t precision = 0;
  int32_t scale = 0;
  std::optional<int32_t> field_id;
  std::vector<SchemaNode> children;  // groups only

  // Filled in by Schema: levels of this node itself.
  int16_t def_level = 0;  // optional/repeated nodes from the root down to and including this
  int16_t rep_level = 0;  // repeated nodes from the root down to and including this
  int first_leaf = 0;     // index of the first leaf column under (or at) this node
  int num_leaves = 0;

  bool is_list() const;  // annotated LIST
  bool is_map() const;   // annotated MAP or MAP_KEY_VALUE
};

struct ColumnDescriptor {
  int index = 0;
  std::vector<std::string> path;
  const SchemaNode* node = nullptr;
  int16_t max_def = 0;
  int16_t max_rep = 0;
  PhysicalType physical_type = PhysicalType::kInt32;
  int32_t type_length = 0;

  std::string dotted_path() const;
};

class Schema {
 public:
  Schema() = default;
  // From a footer. Corruption if the list is empty, children counts run past
  // the end, a leaf lacks a type, nesting is absurdly deep, etc.
  static Result<Schema> FromElements(const std::vector<SchemaElement>& elements);
  // From a tree whose root is a group (its repetition is ignored).
  // InvalidArgument for empty groups, duplicate names, FLBA without length.
  static Result<Schema> FromRoot(SchemaNode root);

  std::vector<SchemaElement> ToElements() const;
  const SchemaNode& root() const { return *root_; }
  const std::vector<ColumnDescriptor>& columns() const { return columns_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ColumnDescriptor& column(int i) const { return columns_[i]; }
  // The leaf whose dotted path is `path`, or -1.
  int FindColumn(const std::string& dotted_path) const;
  // The top-level field named `name`, or nullptr.
  const SchemaNode* FindField(const std::string& name) const;
  // The schema in Parquet's "message" text form, as parquet-tools prints it.
  std::string ToString() const;

 private:
  Status Finish();
  std::shared_ptr<SchemaNode> root_;
  std::vector<ColumnDescriptor> columns_;
};

// Helpers to build writer schemas.
namespace field {
SchemaNode Bool(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode Int8(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode Int16(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode Int32(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode Int64(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode Float(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode Double(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode String(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode Binary(std::string name, Repetition rep = Repetition::kOptional);
SchemaNode FixedBinary(std::string name, int32_t length, Repetition rep = Repetition::kOptional);
SchemaNode Date(std::string name, Repetition rep = Repetition::kOptional);
// INT64 timestamp; utc=true is Spark's TIMESTAMP, false is TIMESTAMP_NTZ.
SchemaNode Timestamp(std::string name, TimeUnit unit = TimeUnit::kMicros, bool utc = true,
                     Repetition rep = Repetition::kOptional);
// DECIMAL(precision, scale) stored as INT32 (p <= 9), INT64 (p <= 18) or
// FIXED_LEN_BYTE_ARRAY of the minimal length, as Spark does.
SchemaNode Decimal(std::string name, int32_t precision, int32_t scale,
                   Repetition rep = Repetition::kOptional);
SchemaNode Struct(std::string name, std::vector<SchemaNode> children,
                  Repetition rep = Repetition::kOptional);
// Three-level LIST: <rep> group name (LIST) { repeated group list { element } }.
SchemaNode List(std::string name, SchemaNode element, Repetition rep = Repetition::kOptional);
// MAP: <rep> group name (MAP) { repeated group key_value { required key; value } }.
SchemaNode Map(std::string name, SchemaNode key, SchemaNode value,
               Repetition rep = Repetition::kOptional);
}  // namespace field

}  // namespace lakestream::parquet
