// Prints assembled rows as NDJSON: dates as "YYYY-MM-DD", timestamps as
// ISO-8601 UTC with microseconds, decimals as exact strings, binary as
// base64, UUIDs in 8-4-4-4-12 form, lists as arrays, maps as objects (or
// arrays of {key, value} when keys are not strings), structs as objects,
// NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::parquet {

// Appends `v` (a value of `node`) as JSON.
void AppendValueJson(const SchemaNode& node, const Value& v, std::string* out);

// Appends one row (as RecordAssembler makes it) as a JSON object and a newline.
void AppendRowJson(const Schema& schema, const std::vector<int>& fields, const Value& row,
                   std::string* out);

// The exact decimal text of a big-endian two's complement integer scaled by 10^-scale.
std::string DecimalToString(std::string_view big_endian, int32_t scale);
std::string DecimalToString(int64_t unscaled, int32_t scale);

}  // namespace lakestream::parquet
