// Per-file statistics for the add actions lakestream writes (PROTOCOL.md
// "Per-file Statistics"): numRecords, and per column minValues, maxValues
// and nullCount, nested structs as nested objects, mirroring the data schema
// (partition columns excluded; they live in partitionValues).
//
// They are computed from the footer of the Parquet file just written: the
// per-row-group statistics our writer keeps for every leaf are exactly the
// data written, so no second pass over the rows is needed.
//
// Encoding, as Spark writes them: numbers as JSON numbers (decimals exact),
// dates "YYYY-MM-DD", timestamps ISO-8601 truncated down to milliseconds
// ("2026-01-02T03:04:05.678Z"; timestamp_ntz without the zone), strings cut
// to a prefix of `string_prefix_length` code points (max: the prefix plus
// U+10FFFF, so it stays an upper bound, or left out when it cannot).
// Boolean, binary, array and map columns get no min/max; NaN and infinite
// bounds are left out. Arrays and maps get no stats at all.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/status.h"
#include "delta/schema.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace lakestream::delta {

struct StatsOptions {
  int string_prefix_length = 32;  // delta.dataSkippingStringPrefixLength
};

// The stats JSON of a data file whose Parquet schema is ToParquetSchema(
// data_schema) (data_schema: the table schema minus partition columns).
// Internal if the footer does not match the schema.
Result<std::string> StatsJsonFromFooter(const DeltaType& data_schema,
                                        const parquet::Schema& file_schema,
                                        const parquet::FileMetaData& footer,
                                        const StatsOptions& options = {});

// Cuts a UTF-8 string to at most `n` code points. Returns true if it cut.
bool TruncateUtf8(std::string* s, int n);

}  // namespace lakestream::delta
