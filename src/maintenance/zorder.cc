#include "maintenance/zorder.h"

#include <algorithm>
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
  auto less = [&](size_t a, size_t b) {
    const delta::Scalar& x = values[a];
    const delta::Scalar& y = values[b];
    if (x.is_null() || y.is_null()) return x.is_null() && !y.is_null();
    std::optional<int> c = delta::CompareScalars(x, y);
    return c && *c < 0;
  };
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<uint32_t> coords(n);
  size_t first = 0;  // position of the first value equal to the current one
  for (size_t pos = 0; pos < n; ++pos) {
    if (pos > 0 && less(order[pos - 1], order[pos])) first = pos;
    unsigned __int128 scaled = (static_cast<unsigned __int128>(first) << bits) / n;
    coords[order[pos]] = static_cast<uint32_t>(scaled);
  }
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
