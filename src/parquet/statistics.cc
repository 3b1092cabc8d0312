#include "parquet/statistics.h"

#include <cmath>
#include <cstring>

namespace lakestream::parquet {
namespace {

bool IsDecimal(const SchemaNode& n) {
  return (n.logical_type && n.logical_type->kind == LogicalType::Kind::kDecimal) ||
         n.converted_type == ConvertedType::kDecimal;
}

bool IsUnsignedInt(const SchemaNode& n) {
  if (n.logical_type && n.logical_type->kind == LogicalType::Kind::kInteger) {
    return !n.logical_type->is_signed;
  }
  if (!n.converted_type) return false;
  switch (*n.converted_type) {
    case ConvertedType::kUint8:
    case ConvertedType::kUint16:
    case ConvertedType::kUint32:
    case ConvertedType::kUint64: return true;
    default: return false;
  }
}

template <typename T>
T Load(std::string_view s) {
  T v{};
  if (s.size() >= sizeof(T)) std::memcpy(&v, s.data(), sizeof(T));
  return v;
}

template <typename T>
std::string Store(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
}

// Signed comparison of big-endian two's complement integers of any length.
int CompareBigEndianSigned(std::string_view a, std::string_view b) {
  bool na = !a.empty() && (static_cast<uint8_t>(a[0]) & 0x80);
  bool nb = !b.empty() && (static_cast<uint8_t>(b[0]) & 0x80);
  if (na != nb) return na ? -1 : 1;
  // Sign-extend the shorter to the longer length, then compare unsigned.
  size_t len = std::max(a.size(), b.size());
  char pad = na ? '\xff' : '\0';
  for (size_t i = 0; i < len; ++i) {
    uint8_t ca = static_cast<uint8_t>(i < len - a.size() ? pad : a[i - (len - a.size())]);
    uint8_t cb = static_cast<uint8_t>(i < len - b.size() ? pad : b[i - (len - b.size())]);
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

int CompareUnsignedBytes(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

}  // namespace

SortOrder GetSortOrder(const ColumnDescriptor& col) {
  const SchemaNode& n = *col.node;
  if (n.converted_type == ConvertedType::kInterval) return SortOrder::kUnknown;
  switch (col.physical_type) {
    case PhysicalType::kBoolean: return SortOrder::kUnsigned;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: return IsUnsignedInt(n) ? SortOrder::kUnsigned : SortOrder::kSigned;
    case PhysicalType::kInt96: return SortOrder::kUnknown;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: return SortOrder::kSigned;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return IsDecimal(n) ? SortOrder::kSigned : SortOrder::kUnsigned;
  }
  return SortOrder::kUnknown;
}

int CompareEncoded(const ColumnDescriptor& col, std::string_view a, std::string_view b) {
  SortOrder order = GetSortOrder(col);
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (col.physical_type) {
    case PhysicalType::kBoolean: return cmp(Load<uint8_t>(a) != 0, Load<uint8_t>(b) != 0);
    case PhysicalType::kInt32:
      return order == SortOrder::kUnsigned ? cmp(Load<uint32_t>(a), Load<uint32_t>(b))
                                           : cmp(Load<int32_t>(a), Load<int32_t>(b));
    case PhysicalType::kInt64:
      return order == SortOrder::kUnsigned ? cmp(Load<uint64_t>(a), Load<uint64_t>(b))
                                           : cmp(Load<int64_t>(a), Load<int64_t>(b));
    case PhysicalType::kFloat: return cmp(Load<float>(a), Load<float>(b));
    case PhysicalType::kDouble: return cmp(Load<double>(a), Load<double>(b));
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return order == SortOrder::kSigned ? CompareBigEndianSigned(a, b) : CompareUnsignedBytes(a, b);
    case PhysicalType::kInt96: return 0;
  }
  return 0;
}

Value DecodeStatistic(const ColumnDescriptor& col, std::string_view s) {
  switch (col.physical_type) {
    case PhysicalType::kBoolean: return s.size() == 1 ? Value::Bool(s[0] != 0) : Value();
    case PhysicalType::kInt32: return s.size() == 4 ? Value::Int32(Load<int32_t>(s)) : Value();
    case PhysicalType::kInt64: return s.size() == 8 ? Value::Int64(Load<int64_t>(s)) : Value();
    case PhysicalType::kFloat: return s.size() == 4 ? Value::Float(Load<float>(s)) : Value();
    case PhysicalType::kDouble: return s.size() == 8 ? Value::Double(Load<double>(s)) : Value();
    case PhysicalType::kByteArray: return Value::Bytes(std::string(s));
    case PhysicalType::kFixedLenByteArray:
      return s.size() == static_cast<size_t>(col.type_length) ? Value::Bytes(std::string(s)) : Value();
    case PhysicalType::kInt96: return Value();
  }
  return Value();
}

StatisticsBuilder::StatisticsBuilder(const ColumnDescriptor& col)
    : col_(col), order_(GetSortOrder(col)) {}

void StatisticsBuilder::Reset() {
  has_minmax_ = false;
  min_.clear();
  max_.clear();
  null_count_ = 0;
}

void StatisticsBuilder::Update(const ColumnValues& v, size_t begin, size_t end) {
  if (begin >= end || order_ == SortOrder::kUnknown) return;
  switch (col_.physical_type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: {
      bool uns = order_ == SortOrder::kUnsigned;
      int64_t lo = has_minmax_ ? imin_ : 0, hi = has_minmax_ ? imax_ : 0;
      bool first = !has_minmax_;
      for (size_t i = begin; i < end; ++i) {
        int64_t x = col_.physical_type == PhysicalType::kBoolean ? v.bools[i]
                    : col_.physical_type == PhysicalType::kInt32
                        ? (uns ? static_cast<int64_t>(static_cast<uint32_t>(v.i32[i])) : v.i32[i])
                        : v.i64[i];
        if (first) {
          lo = hi = x;
          first = false;
        } else if (uns && col_.physical_type == PhysicalType::kInt64) {
          if (static_cast<uint64_t>(x) < static_cast<uint64_t>(lo)) lo = x;
          if (static_cast<uint64_t>(x) > static_cast<uint64_t>(hi)) hi = x;
        } else {
          lo = std::min(lo, x);
          hi = std::max(hi, x);
        }
      }
      imin_ = lo;
      imax_ = hi;
      has_minmax_ = true;
      return;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      for (size_t i = begin; i < end; ++i) {
        double x = col_.physical_type == PhysicalType::kFloat ? v.f32[i] : v.f64[i];
        if (std::isnan(x)) continue;
        if (!has_minmax_) {
          dmin_ = dmax_ = x;
          has_minmax_ = true;
          continue;
        }
        if (x < dmin_ || (x == 0 && dmin_ == 0 && std::signbit(x))) dmin_ = x;
        if (x > dmax_ || (x == 0 && dmax_ == 0 && !std::signbit(x))) dmax_ = x;
      }
      return;
    }
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      bool sgn = order_ == SortOrder::kSigned;
      auto less = [&](std::string_view a, std::string_view b) {
        return (sgn ? CompareBigEndianSigned(a, b) : CompareUnsignedBytes(a, b)) < 0;
      };
      std::string_view lo, hi;
      bool have = has_minmax_;
      if (have) {
        lo = min_;
        hi = max_;
      }
      for (size_t i = begin; i < end; ++i) {
        std::string_view x = v.bytes.Get(i);
        if (!have) {
          lo = hi = x;
          have = true;
          continue;
        }
        if (less(x, lo)) lo = x;
        if (less(hi, x)) hi = x;
      }
      // Copy out before lo/hi (which may alias min_/max_) go out of scope.
      std::string new_min(lo), new_max(hi);
      min_ = std::move(new_min);
      max_ = std::move(new_max);
      has_minmax_ = true;
      return;
    }
    case PhysicalType::kInt96: return;
  }
}

Statistics StatisticsBuilder::Finish(size_t max_length) const {
  Statistics s;
  s.null_count = null_count_;
  if (!has_minmax_) return s;
  std::string lo, hi;
  switch (col_.physical_type) {
    case PhysicalType::kBoolean:
      lo = Store<uint8_t>(imin_ != 0);
      hi = Store<uint8_t>(imax_ != 0);
      break;
    case PhysicalType::kInt32:
      lo = Store<int32_t>(static_cast<int32_t>(imin_));
      hi = Store<int32_t>(static_cast<int32_t>(imax_));
      break;
    case PhysicalType::kInt64:
      lo = Store<int64_t>(imin_);
      hi = Store<int64_t>(imax_);
      break;
    case PhysicalType::kFloat: {
      float a = static_cast<float>(dmin_), b = static_cast<float>(dmax_);
      if (a == 0) a = -0.0f;
      if (b == 0) b = 0.0f;
      lo = Store(a);
      hi = Store(b);
      break;
    }
    case PhysicalType::kDouble: {
      double a = dmin_, b = dmax_;
      if (a == 0) a = -0.0;
      if (b == 0) b = 0.0;
      lo = Store(a);
      hi = Store(b);
      break;
    }
    default:
      lo = min_;
      hi = max_;
      break;
  }
  bool exact_lo = true, exact_hi = true;
  if (col_.physical_type == PhysicalType::kByteArray && order_ == SortOrder::kUnsigned) {
    if (lo.size() > max_length) {
      lo.resize(max_length);
      exact_lo = false;
    }
    if (hi.size() > max_length) {
      hi.resize(max_length);
      // Increment the last byte that is not 0xff; drop the rest.
      while (!hi.empty() && static_cast<uint8_t>(hi.back()) == 0xff) hi.pop_back();
      if (hi.empty()) return s;  // no finite upper bound fits: leave min/max out
      hi.back() = static_cast<char>(static_cast<uint8_t>(hi.back()) + 1);
      exact_hi = false;
    }
  } else if (lo.size() > max_length * 64 || hi.size() > max_length * 64) {
    return s;  // huge signed binary values: no cheap valid truncation
  }
  s.min_value = std::move(lo);
  s.max_value = std::move(hi);
  if (!exact_lo) s.is_min_value_exact = false;
  if (!exact_hi) s.is_max_value_exact = false;
  return s;
}

}  // namespace lakestream::parquet
