// Delta table schemas: the Spark StructType JSON of metaData.schemaString
// (PROTOCOL.md "Schema Serialization Format") as a DeltaType tree, and its
// mapping to and from the Parquet schemas our writer and reader use.
//
// Parquet mapping (Delta -> Parquet, what lakestream writes): string UTF8
// BYTE_ARRAY; long/integer/short/byte INT64/INT32 with INT(64/32/16/8);
// float, double, boolean; binary BYTE_ARRAY; date INT32 DATE; timestamp
// INT64 TIMESTAMP(micros, UTC); timestamp_ntz INT64 TIMESTAMP(micros,
// not UTC); decimal(p,s) as parquet::field::Decimal; struct a group; array a
// 3-level LIST (element "element"); map a MAP (key_value {key, value}).
// Reading back accepts the other encodings the protocol allows (INT96
// timestamps, millis/nanos, 2-level lists).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/schema.h"

namespace lakestream::delta {

struct StructField;

struct DeltaType {
  enum class Kind {
    kString,
    kLong,
    kInteger,
    kShort,
    kByte,
    kFloat,
    kDouble,
    kBoolean,
    kBinary,
    kDate,
    kTimestamp,
    kTimestampNtz,
    kDecimal,
    kVoid,
    kVariant,
    kStruct,
    kArray,
    kMap,
  };
  Kind kind = Kind::kString;
  int32_t precision = 0;            // kDecimal
  int32_t scale = 0;                // kDecimal
  std::vector<StructField> fields;  // kStruct
  // kArray: {element}; kMap: {key, value}.
  std::vector<DeltaType> children;
  bool contains_null = true;  // kArray: containsNull; kMap: valueContainsNull

  bool is_primitive() const { return kind < Kind::kStruct; }
  // The Spark type name: "long", "decimal(10,2)", "array<string>",
  // "map<string,int>", "struct<a:long,b:string>".
  std::string ToString() const;
  // The field named `name` of a struct, or nullptr.
  const StructField* FindField(std::string_view name) const;
  bool operator==(const DeltaType&) const;
};

struct StructField {
  std::string name;
  DeltaType type;
  bool nullable = true;
  std::string metadata_json = "{}";  // the field's "metadata" object, as JSON text
  bool operator==(const StructField&) const = default;
};

// Parses a schemaString (a "struct" type). Corruption naming the offending
// field for malformed JSON, unknown type names, or missing members.
Result<DeltaType> ParseSchemaString(std::string_view json);
// Parses one type: a primitive name ("long") or a nested type object.
Result<DeltaType> ParseTypeJson(std::string_view json);

// The schemaString JSON for a struct type (Spark's field order).
std::string SchemaToJson(const DeltaType& type);

// The Parquet node for one field (its repetition from `nullable`).
// NotSupported for void and variant.
Result<parquet::SchemaNode> ToParquetField(const StructField& field);
// The Parquet schema for a table schema (a struct), e.g. for data files.
Result<parquet::Schema> ToParquetSchema(const DeltaType& schema);

// The Delta type of a Parquet node (ignoring its repetition).
// NotSupported for types Delta lacks (unsigned 64-bit, INTERVAL...).
Result<DeltaType> FromParquetNode(const parquet::SchemaNode& node);
// The Delta schema (a struct) of a Parquet file.
Result<DeltaType> FromParquetSchema(const parquet::Schema& schema);

}  // namespace lakestream::delta
