// Column statistics: building min/max/null_count while writing, and
// comparing the encoded min/max of a footer when reading (row-group skipping).
//
// Encoded statistic values use PLAIN encoding without a length prefix, in the
// column's type-defined sort order (signed for ints and decimals, unsigned
// for UINT_*, strings and binary, IEEE for floats with NaN ignored). INT96
// and INTERVAL have no defined order and get no min/max.
//
// Thread-safety: StatisticsBuilder is single-threaded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parquet/column_values.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/value.h"

namespace lakestream::parquet {

enum class SortOrder { kSigned, kUnsigned, kUnknown };
SortOrder GetSortOrder(const ColumnDescriptor& col);

// Compares two encoded statistic values of `col` (<0, 0, >0).
int CompareEncoded(const ColumnDescriptor& col, std::string_view a, std::string_view b);

// Decodes an encoded statistic value of `col` into a leaf Value (kNull if
// its size does not fit the type).
Value DecodeStatistic(const ColumnDescriptor& col, std::string_view encoded);

class StatisticsBuilder {
 public:
  explicit StatisticsBuilder(const ColumnDescriptor& col);
  void Update(const ColumnValues& values, size_t begin, size_t end);
  void AddNulls(int64_t n) { null_count_ += n; }
  // The footer statistics. Binary min/max longer than max_length are
  // truncated (min to a prefix, max to a prefix with its last byte
  // incremented) and marked inexact, or left out if that is impossible.
  Statistics Finish(size_t max_length = 64) const;
  void Reset();

 private:
  const ColumnDescriptor& col_;
  SortOrder order_;
  bool has_minmax_ = false;
  std::string min_, max_;  // encoded
  int64_t null_count_ = 0;
  // Fast paths for numbers keep typed values and encode once at Finish.
  int64_t imin_ = 0, imax_ = 0;
  double dmin_ = 0, dmax_ = 0;
};

}  // namespace lakestream::parquet
