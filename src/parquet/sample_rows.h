// Sample data over every type the writer supports: flat primitives, every
// logical type, nulls, lists, maps, structs and nested lists. Row i is a
// pure function of i, so tests and interop checks can regenerate the
// expected values independently of the reader.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::parquet::sample {

Schema AllTypesSchema();
// Row i of AllTypesSchema(); about one value in seven is null.
Value AllTypesRow(int64_t i);
// `len` bytes of big-endian two's complement.
std::string BigEndian(__int128 v, int len);

}  // namespace lakestream::parquet::sample
