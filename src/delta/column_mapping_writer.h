// Column mapping, writer side (PROTOCOL.md "Column Mapping", "Writer
// Requirements for Column Mapping"): turning it on for a new or an existing
// table, giving new columns their id and physical name, and the physical
// layout data files are written in.
//
// - A new table in mode name or id: every field, nested struct fields
//   included, gets delta.columnMapping.id (1, 2, ... in schema order, depth
//   first) and delta.columnMapping.physicalName "col-<uuid>";
//   delta.columnMapping.maxColumnId holds the largest id.
// - An existing table turned to mode name or id: every field keeps its
//   logical name as physical name (its data files already store it so), and
//   gets an id, as Spark does.
// - The protocol: reader 2 / writer 5, or the columnMapping reader and
//   writer feature on a table-features (3 / 7) protocol.
// - Data files: fields under their physical names with Parquet field ids
//   (delta.columnMapping.id, in both modes as Spark writes them); stats and
//   partition values keyed by physical names (delta/table_writer.h).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "delta/actions.h"
#include "delta/column_mapping.h"
#include "delta/schema.h"
#include "parquet/schema.h"

namespace lakestream::delta {

inline constexpr const char* kMaxColumnIdKey = "delta.columnMapping.maxColumnId";

// "none", "id" or "name" (case-insensitive). InvalidArgument naming
// `context` and the accepted values otherwise.
Result<ColumnMappingMode> ParseColumnMappingMode(std::string_view text,
                                                 const std::string& context);

// The physical name a field's metadata carries, if any.
std::optional<std::string> PhysicalNameOf(const StructField& field);
// The column mapping id a field's metadata carries, if any.
std::optional<int64_t> ColumnIdOf(const StructField& field);

// True if any top-level field carries a physical name: data files of this
// schema are written by physical names.
bool HasPhysicalNames(const DeltaType& schema);

// Gives every field under `schema` (struct fields at any depth, inside
// arrays and maps too) that lacks them an id (`*max_id` + 1, ...) and a
// physical name: the logical name when `physical_is_logical`, else
// "col-<uuid>". `*max_id` is updated to the largest id in the schema.
void AssignColumnMapping(DeltaType* schema, int64_t* max_id, bool physical_is_logical);

// The largest delta.columnMapping.id in `schema` (0 when none).
int64_t MaxColumnId(const DeltaType& schema);

// `protocol` raised to support column mapping: reader 2 / writer 5 at
// least, or columnMapping added to the feature lists of a 3 / 7 protocol.
Protocol WithColumnMapping(Protocol protocol);

// A new table's schema and configuration when `configuration` sets
// delta.columnMapping.mode to name or id: the schema with ids and physical
// names, maxColumnId set. Unchanged for mode none or no mode.
// InvalidArgument for an unknown mode.
Status PrepareNewTableColumnMapping(DeltaType* schema, StringMap* configuration,
                                    const std::string& context);

// The protocol and metadata that turn on mode `mode` (name or id) for an
// existing table: physical names equal to the logical ones, ids assigned.
// InvalidArgument when the table already uses another mode (Spark refuses
// changing it too) or `mode` is none.
struct ProtocolAndMetadata {
  Protocol protocol;
  Metadata metadata;
};
Result<ProtocolAndMetadata> EnableColumnMapping(const Protocol& protocol,
                                                const Metadata& metadata,
                                                ColumnMappingMode mode,
                                                const std::string& context);

// `schema` with every field renamed to its physical name (fields without
// one keep theirs): the data schema stats are keyed by.
DeltaType PhysicalSchema(const DeltaType& schema);

// The Parquet schema data files of `schema` are written with: physical
// names, and each struct field's id as its field_id.
Result<parquet::Schema> PhysicalParquetSchema(const DeltaType& schema);

}  // namespace lakestream::delta
