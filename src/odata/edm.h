// The entity model of an OData service ($metadata, EDMX for V2 and V4):
// an entity set's key and properties with their EDM types mapped to Delta
// types, and the conversion of JSON property values (V4 and V2 formats)
// into parquet::Values of those Delta types.
//
// EDM -> Delta: String, Guid, TimeOfDay/Time, Duration -> string;
// Boolean -> boolean; Byte, SByte, Int16 -> short; Int32 -> integer;
// Int64 -> long; Single -> float; Double -> double; Decimal(p,s) ->
// decimal(p,s) (no or variable precision: decimal(38,18)); Date, and V2
// DateTime with sap:display-format="Date" -> date; DateTime,
// DateTimeOffset -> timestamp (UTC); Binary -> binary (base64 in JSON).
// Navigation and complex properties are not loaded.
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/schema.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::odata {

struct PropertyInfo {
  std::string name;
  std::string edm_type;  // "Edm.Decimal"
  bool nullable = true;
  delta::DeltaType type;
  parquet::SchemaNode node;  // the Parquet node of `type`, for value conversion
};

struct EntitySchema {
  std::string entity_set;
  std::string entity_type;  // qualified
  std::vector<std::string> keys;
  std::vector<PropertyInfo> properties;  // in $metadata order
  const PropertyInfo* Find(std::string_view name) const;
};

// Parses EDMX and returns the schema of `entity_set`. Corruption for
// malformed XML; NotFound when the entity set or its type is missing;
// NotSupported for a key property of an unsupported type.
Result<EntitySchema> ParseEdmx(std::string_view xml, const std::string& entity_set);

// The Delta type of an EDM primitive type; NotSupported for others.
Result<delta::DeltaType> EdmToDelta(const std::string& edm_type, int precision, int scale,
                                    bool date_only);

// Converts one JSON property value. V2 dates are "/Date(ms[+-offset])/";
// Int64 and Decimal may be JSON strings (IEEE754Compatible) or numbers.
// InvalidArgument naming the property for a value that does not fit.
Result<parquet::Value> JsonToValue(const PropertyInfo& p, const nlohmann::json& v);

// The OData literal of a watermark value (ISO text for timestamps) for
// $filter: V4 2024-01-01T00:00:00Z, V2 datetimeoffset'...' / datetime'...'.
std::string FilterLiteral(const PropertyInfo& p, const std::string& text, bool v2);

// A value as watermark text: timestamps ISO-8601 UTC, dates YYYY-MM-DD,
// numbers decimal text, strings themselves. Empty for null.
std::string WatermarkText(const PropertyInfo& p, const parquet::Value& v);

}  // namespace lakestream::odata
