#include "parquet/value.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lakestream::parquet {

bool Value::operator==(const Value& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return b == o.b;
    case Kind::kInt32: return i32 == o.i32;
    case Kind::kInt64: return i64 == o.i64;
    case Kind::kInt96: return std::memcmp(&i96, &o.i96, sizeof(Int96)) == 0;
    case Kind::kFloat: return f32 == o.f32 || (f32 != f32 && o.f32 != o.f32);
    case Kind::kDouble: return f64 == o.f64 || (f64 != f64 && o.f64 != o.f64);
    case Kind::kBytes: return bytes == o.bytes;
    case Kind::kList:
    case Kind::kMap:
    case Kind::kStruct: return items == o.items;
  }
  return false;
}

namespace {

using K = Value::Kind;

int Sign(bool less, bool greater) { return less ? -1 : greater ? 1 : 0; }

// The rank of a kind among kinds; the numeric kinds share one.
int KindRank(K k) {
  switch (k) {
    case K::kNull: return 0;
    case K::kBool: return 1;
    case K::kInt32:
    case K::kInt64:
    case K::kFloat:
    case K::kDouble: return 2;
    case K::kInt96: return 3;
    case K::kBytes: return 4;
    case K::kList: return 5;
    case K::kMap: return 6;
    case K::kStruct: return 7;
  }
  return 8;
}

bool IsIntegral(const Value& v) { return v.kind == K::kInt32 || v.kind == K::kInt64; }
int64_t AsInt(const Value& v) { return v.kind == K::kInt32 ? v.i32 : v.i64; }
double AsDouble(const Value& v) {
  switch (v.kind) {
    case K::kFloat: return v.f32;
    case K::kDouble: return v.f64;
    default: return static_cast<double>(AsInt(v));
  }
}

// An integer against a double that is not NaN, exactly.
int CompareIntDouble(int64_t x, double d) {
  if (d < -9223372036854775808.0) return 1;   // below every int64
  if (d >= 9223372036854775808.0) return -1;  // above every int64
  double t = std::trunc(d);
  auto ti = static_cast<int64_t>(t);  // exact: |t| < 2^63
  if (x != ti) return Sign(x < ti, x > ti);
  return Sign(d > t, d < t);  // same integer part: the fraction decides
}

int CompareNumbers(const Value& a, const Value& b) {
  if (IsIntegral(a) && IsIntegral(b)) {
    int64_t x = AsInt(a), y = AsInt(b);
    return Sign(x < y, x > y);
  }
  if (IsIntegral(a)) {
    double y = AsDouble(b);
    return std::isnan(y) ? -1 : CompareIntDouble(AsInt(a), y);
  }
  if (IsIntegral(b)) return -CompareNumbers(b, a);
  double x = AsDouble(a), y = AsDouble(b);
  bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return Sign(!xn, !yn);  // NaN after every number, NaN == NaN
  return Sign(x < y, x > y);
}

int CompareItems(const std::vector<Value>& a, const std::vector<Value>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = CompareValues(a[i], b[i])) return c;
  }
  return Sign(a.size() < b.size(), a.size() > b.size());
}

}  // namespace

int CompareValues(const Value& a, const Value& b) {
  int ra = KindRank(a.kind), rb = KindRank(b.kind);
  if (ra != rb) return Sign(ra < rb, ra > rb);
  switch (a.kind) {
    case K::kNull: return 0;
    case K::kBool: return Sign(!a.b && b.b, a.b && !b.b);
    case K::kInt32:
    case K::kInt64:
    case K::kFloat:
    case K::kDouble: return CompareNumbers(a, b);
    case K::kInt96: {
      auto da = static_cast<int32_t>(a.i96.words[2]), db = static_cast<int32_t>(b.i96.words[2]);
      if (da != db) return Sign(da < db, da > db);
      int64_t na, nb;  // nanoseconds within the day, signed (as json_printer reads them)
      std::memcpy(&na, &a.i96, 8);
      std::memcpy(&nb, &b.i96, 8);
      return Sign(na < nb, na > nb);
    }
    case K::kBytes: {
      int c = a.bytes.compare(b.bytes);  // char_traits<char>: unsigned, as memcmp
      return Sign(c < 0, c > 0);
    }
    case K::kList:
    case K::kMap:
    case K::kStruct: return CompareItems(a.items, b.items);
  }
  return 0;
}

}  // namespace lakestream::parquet
