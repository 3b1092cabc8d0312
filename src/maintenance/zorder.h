// Z-order (Morton order) clustering keys for OPTIMIZE ZORDER BY.
//
// Each Z-order column is mapped to a coordinate by rank: the rows' values
// are sorted (nulls first, types compared as the predicate code compares
// them, delta/predicate.h) and each value gets the position of its first
// occurrence, scaled to `bits` = min(32, 64 / columns) bits. Ranks rather
// than raw values keep skewed or string columns evenly spread over the key
// space. The key interleaves the coordinates' bits, most significant first,
// so rows close in every column get close keys; sorting by the key and
// cutting the rows into files gives each file a small box of values, which
// the per-file min/max stats then describe tightly.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "delta/schema.h"
#include "parquet/value.h"

namespace lakestream::maintenance {

// Interleaves the low `bits` bits of each coordinate (coords[0] gets the
// most significant bit of each group). bits * coords.size() must be <= 64.
uint64_t InterleaveBits(const std::vector<uint32_t>& coords, int bits);

// The rank coordinate of every row for top-level field `field` of `schema`
// (rows laid out as TableWriter takes them), scaled to `bits` bits.
// InvalidArgument for nested columns.
Result<std::vector<uint32_t>> RankCoordinates(const delta::DeltaType& schema, int field,
                                              const std::vector<parquet::Value>& rows, int bits);

// The Z-order key of every row over the given top-level fields (1..8).
Result<std::vector<uint64_t>> ZOrderKeys(const delta::DeltaType& schema,
                                         const std::vector<int>& fields,
                                         const std::vector<parquet::Value>& rows);

// Sorts `rows` by their Z-order keys (stable: equal keys keep their order).
Status ZOrderSort(const delta::DeltaType& schema, const std::vector<int>& fields,
                  std::vector<parquet::Value>* rows);

}  // namespace lakestream::maintenance
