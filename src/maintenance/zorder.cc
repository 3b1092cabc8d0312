#include "maintenance/zorder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "delta/predicate.h"

namespace lakestream::maintenance {

uint64_t InterleaveBits(const std::vector<uint32_t>& coords, int bits) {
  uint64_t key = 0;
  for (int b = bits - 1; b >= 0; --b) {
    for (uint32_t c : coords) key = (key << 1) | ((c >> b) & 1u);
  }
  return key;
}

Result<std::vector<uint32_t>> RankCoordinates(const delta::DeltaType& schema, int field,
                                              const std::vector<parquet::Value>& rows, int bits) {
  const delta::StructField& f = schema.fields[static_cast<size_t>(field)];
  if (!f.type.is_primitive()) {
    return Status::InvalidArgument("zorder: column " + f.name + " is not a primitive column");
  }
  ASSIGN_OR_RETURN(parquet::SchemaNode node, delta::ToParquetField(f));
  const size_t n = rows.size();
  std::vector<delta::Scalar> values(n);
  for (size_t i = 0; i < n; ++i) {
    const parquet::Value& v = rows[i].items[static_cast<size_t>(field)];
    if (!v.is_null()) values[i] = delta::ToScalar(f.type, node, v);
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<uint32_t> coords(n);
  // Assigns each row the scaled position of the first value equal to its own,
  // walking `order` (sorted, nulls first) with `equal` on neighbours.
  auto assign = [&](auto equal) {
    size_t first = 0;
    for (size_t pos = 0; pos < n; ++pos) {
      if (pos > 0 && !equal(order[pos - 1], order[pos])) first = pos;
      unsigned __int128 scaled = (static_cast<unsigned __int128>(first) << bits) / n;
      coords[order[pos]] = static_cast<uint32_t>(scaled);
    }
  };
  bool all_int = true, all_double = true;
  for (const auto& v : values) {
    all_int &= v.is_null() || v.kind == delta::Scalar::Kind::kInt;
    all_double &= v.is_null() || v.kind == delta::Scalar::Kind::kDouble;
  }
  if (all_int || all_double) {
    // Numeric fast path: sort compact keys rather than indexes into Scalars.
    // Class 0 is null, 1 a number, 2 NaN (after every number, all equal).
    struct Key {
      uint8_t cls;
      int64_t i;
      double d;
      size_t row;
    };
    std::vector<Key> keys(n);
    for (size_t r = 0; r < n; ++r) {
      const delta::Scalar& v = values[r];
      uint8_t cls = v.is_null() ? 0 : (!all_int && std::isnan(v.d) ? 2 : 1);
      keys[r] = Key{cls, all_int ? v.i : 0, all_int ? 0.0 : (cls == 1 ? v.d : 0.0), r};
    }
    auto same = [](const Key& a, const Key& b) {
      return a.cls == b.cls && a.i == b.i && a.d == b.d;
    };
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
      if (a.cls != b.cls) return a.cls < b.cls;
      if (a.i != b.i) return a.i < b.i;
      if (a.d != b.d) return a.d < b.d;
      return a.row < b.row;
    });
    for (size_t pos = 0; pos < n; ++pos) order[pos] = keys[pos].row;
    size_t first = 0;
    for (size_t pos = 0; pos < n; ++pos) {
      if (pos > 0 && !same(keys[pos - 1], keys[pos])) first = pos;
      unsigned __int128 scaled = (static_cast<unsigned __int128>(first) << bits) / n;
      coords[keys[pos].row] = static_cast<uint32_t>(scaled);
    }
    return coords;
  }
  auto less = [&](size_t a, size_t b) {
    const delta::Scalar& x = values[a];
    const delta::Scalar& y = values[b];
    if (x.is_null() || y.is_null()) return x.is_null() && !y.is_null();
    std::optional<int> c = delta::CompareScalars(x, y);
    return c && *c < 0;
  };
  std::stable_sort(order.begin(), order.end(), less);
  assign([&](size_t a, size_t b) { return !less(a, b); });
  return coords;
}

Result<std::vector<uint64_t>> ZOrderKeys(const delta::DeltaType& schema,
                                         const std::vector<int>& fields,
                                         const std::vector<parquet::Value>& rows) {
  if (fields.empty() || fields.size() > 8) {
    return Status::InvalidArgument("zorder: between 1 and 8 columns, got " +
                                   std::to_string(fields.size()));
  }
  int bits = std::min<int>(32, static_cast<int>(64 / fields.size()));
  std::vector<std::vector<uint32_t>> per_column;
  for (int f : fields) {
    ASSIGN_OR_RETURN(auto c, RankCoordinates(schema, f, rows, bits));
    per_column.push_back(std::move(c));
  }
  std::vector<uint64_t> keys(rows.size());
  std::vector<uint32_t> coords(fields.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t c = 0; c < fields.size(); ++c) coords[c] = per_column[c][i];
    keys[i] = InterleaveBits(coords, bits);
  }
  return keys;
}

Status ZOrderSort(const delta::DeltaType& schema, const std::vector<int>& fields,
                  std::vector<parquet::Value>* rows) {
  ASSIGN_OR_RETURN(std::vector<uint64_t> keys, ZOrderKeys(schema, fields, *rows));
  std::vector<size_t> order(rows->size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  std::vector<parquet::Value> sorted;
  sorted.reserve(rows->size());
  for (size_t i : order) sorted.push_back(std::move((*rows)[i]));
  *rows = std::move(sorted);
  return Status::OK();
}

}  // namespace lakestream::maintenance
