// Partition values (PROTOCOL.md "Partition Value Serialization"): the
// strings of add.partitionValues turned into typed values, laid out as the
// Parquet node of the column (delta/schema.h ToParquetField) so they print
// and compare like data read from files.
//
// null, a missing key and "" are a null value for every type. Timestamps
// accept "YYYY-MM-DD HH:MM:SS[.ffffff]" (taken as UTC) and ISO-8601 with a
// zone; numbers their decimal text ("NaN", "Infinity" for floats); booleans
// "true"/"false"; binary the raw bytes.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "delta/schema.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::delta {

// Corruption naming the column for text that is not a value of the type;
// NotSupported for nested types.
Result<parquet::Value> ParsePartitionValue(const StructField& column,
                                           const parquet::SchemaNode& node,
                                           const std::optional<std::string>& text);

// The value as JSON, printed the way parquet::AppendValueJson prints data.
Result<std::string> PartitionValueJson(const StructField& column,
                                       const std::optional<std::string>& text);

}  // namespace lakestream::delta
