// ColumnMapping: how a table's logical schema maps onto what its data files
// and log store (PROTOCOL.md "Column Mapping", reader side).
//
// In mode `name` every column, nested ones included, has a physical name
// (field metadata delta.columnMapping.physicalName) under which data files
// store it; in mode `id` data files are resolved by Parquet field_id
// (delta.columnMapping.id). In both modes the log keys partition values and
// per-file stats by physical names. A renamed column keeps its physical
// name; a dropped one is simply absent from the schema, so its data stays in
// the files and is never read. Columns a file lacks read as null.
//
// The mode (delta.columnMapping.mode, case-insensitive) counts only when the
// protocol supports column mapping: reader version 2, or reader version 3
// listing `columnMapping`. Otherwise, and in mode `none`, names are logical
// names and data files are resolved as they always were (see table_scan.h).
//
// Thread-safety: immutable after ForTable; share freely. FileColumn is a
// plain value, built per data file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/schema.h"
#include "delta/type_widening.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::delta {

inline constexpr const char* kColumnMappingModeKey = "delta.columnMapping.mode";
inline constexpr const char* kPhysicalNameKey = "delta.columnMapping.physicalName";
inline constexpr const char* kColumnIdKey = "delta.columnMapping.id";

enum class ColumnMappingMode { kNone, kId, kName };

// How one table column is read from one data file: which top-level field of
// the file holds it, and how the file's values of that field are re-laid out
// into the table's nesting (struct fields in schema order, under logical
// names, null for fields the file lacks).
struct FileColumn {
  // One level of the re-layout. kStruct: `from[i]` is the file's child index
  // of table field i (-1: absent), `children[i]` its own re-layout. kList:
  // children = {element}; kMap: children = {key, value}.
  struct Relayout {
    enum class Kind { kKeep, kStruct, kList, kMap };
    Kind kind = Kind::kKeep;
    std::vector<int> from;
    std::vector<Relayout> children;
  };

  int field = -1;  // the file schema's top-level index; -1 when the file lacks it
  // The node to interpret re-laid-out values by (print, type): the file's,
  // renamed and re-ordered as the table has it. Unset when field < 0.
  parquet::SchemaNode node;
  Relayout relayout;
  // Values of a file written before the column's type was widened, converted
  // to its current type after the re-layout (delta/type_widening.h).
  TypeWidening widening;

  // Turns a value of the file's field into the table's layout and type, in place.
  void Apply(parquet::Value* v) const;
};

class ColumnMapping {
 public:
  ColumnMapping() = default;  // mode none

  // The mapping in effect for a table at this protocol and metadata.
  // NotSupported for a mode other than none, id and name; Corruption naming
  // `context`, the column path and the key for a column without a physical
  // name (modes id and name) or without an integer id (mode id).
  static Result<ColumnMapping> ForTable(const Protocol& protocol, const Metadata& metadata,
                                        const DeltaType& schema, const std::string& context);

  ColumnMappingMode mode() const { return mode_; }
  bool active() const { return mode_ != ColumnMappingMode::kNone; }

  // The name the log uses for top-level column `logical_name`: its physical
  // name when active, else the name itself.
  std::string PhysicalName(const std::string& logical_name) const;

  // The text of `add`'s partition value for partition column
  // `logical_name` (nullopt when absent or null).
  std::optional<std::string> PartitionValue(const AddFile& add,
                                            const std::string& logical_name) const;

  // A copy of `add` whose partitionValues and stats (minValues, maxValues,
  // nullCount, nested structs too) are keyed by logical names, for code that
  // looks them up by column name (predicates, data skipping). Entries of
  // dropped columns are left out; stats that are not a JSON object are kept.
  AddFile ToLogical(const AddFile& add) const;

  // How table column `column` reads from a data file of schema `file`
  // (`file_path` for messages). Inactive: the file field of the same name,
  // else case-insensitively, with values as they are. Active: by physical
  // name or field id at every nesting level. Corruption naming the file for
  // a column whose nesting differs from the schema's, and in mode id for a
  // file without any field ids. Values of a narrower type the column was
  // widened from are converted (FileColumn::widening).
  Result<FileColumn> Resolve(const parquet::Schema& file, const StructField& column,
                             const std::string& file_path) const;

 private:
  // A struct field's names, with those of its struct's fields (stats nest
  // structs only).
  struct Names {
    std::string logical;
    std::string physical;
    std::vector<Names> fields;
  };

  ColumnMappingMode mode_ = ColumnMappingMode::kNone;
  std::vector<Names> names_;  // the schema's top-level fields, when active
};

}  // namespace lakestream::delta
