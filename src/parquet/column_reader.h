// Column chunk decoding: pages (dictionary, data v1, data v2) of one leaf
// column in one row group, decompressed and decoded into levels and values.
//
// Works on untrusted bytes: page headers are bounds-checked against the
// chunk, level and value counts against the page, and sizes against fixed
// limits, so a corrupt file yields Corruption and never a crash or an
// unbounded allocation.
//
// Thread-safety: ReadColumnChunk is a pure function of its inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/column_values.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace lakestream::parquet {

// The decoded contents of one column chunk.
struct ColumnData {
  explicit ColumnData(PhysicalType t = PhysicalType::kInt32, int32_t len = 0) : values(t, len) {}
  int64_t num_levels = 0;
  std::vector<int16_t> def;  // empty when the column's max_def is 0
  std::vector<int16_t> rep;  // empty when the column's max_rep is 0
  ColumnValues values;       // the non-null values, in order
};

struct ColumnReadLimits {
  int64_t max_page_bytes = INT32_MAX;         // uncompressed size of one page (the format's bound)
  int64_t max_levels_per_chunk = 1LL << 31;  // levels (values incl. nulls) in one chunk
};

// Decodes `chunk` (the bytes [chunk_start, chunk_start + chunk.size()) of the
// file) for column `col`. `context` prefixes error messages.
Status ReadColumnChunk(const ColumnDescriptor& col, const ColumnMetaData& md,
                       std::string_view chunk, const std::string& context,
                       const ColumnReadLimits& limits, ColumnData* out);

}  // namespace lakestream::parquet
