#include "delta/partition_values.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "common/time_format.h"
#include "parquet/json_printer.h"

namespace lakestream::delta {
namespace {

using K = DeltaType::Kind;
using parquet::Value;

Status Bad(const StructField& c, const std::string& text, const char* what) {
  return Status::Corruption("delta: partition column " + c.name + ": \"" + text + "\" is not " +
                            what);
}

bool ParseInt(const std::string& s, int64_t* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool EqualsIgnoreCase(const std::string& a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// "-12.345" -> unscaled integer at `scale`; false if it does not fit.
bool ParseDecimal(const std::string& s, int32_t scale, __int128* out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  __int128 v = 0;
  int frac = -1;  // digits after the point; -1 before it
  bool any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (frac >= 0) {
      if (frac == scale) {
        if (c != '0') return false;  // more precision than the type holds
        continue;
      }
      ++frac;
    }
    if (v > (static_cast<__int128>(1) << 122)) return false;  // v * 10 + 9 would overflow
    v = v * 10 + (c - '0');
  }
  if (!any) return false;
  for (int f = frac < 0 ? 0 : frac; f < scale; ++f) {
    if (v > (static_cast<__int128>(1) << 122)) return false;  // v * 10 would overflow
    v *= 10;
  }
  *out = neg ? -v : v;
  return true;
}

}  // namespace

Result<Value> ParsePartitionValue(const StructField& column, const parquet::SchemaNode& node,
                                  const std::optional<std::string>& text) {
  if (!text || text->empty()) return Value::Null();
  const std::string& s = *text;
  const DeltaType& t = column.type;
  switch (t.kind) {
    case K::kString:
    case K::kBinary:
      return Value::Bytes(s);
    case K::kLong:
    case K::kInteger:
    case K::kShort:
    case K::kByte: {
      int64_t v = 0;
      if (!ParseInt(s, &v)) return Bad(column, s, "an integer");
      int64_t lo = t.kind == K::kLong      ? INT64_MIN
                   : t.kind == K::kInteger ? INT32_MIN
                   : t.kind == K::kShort   ? -32768
                                           : -128;
      int64_t hi = t.kind == K::kLong      ? INT64_MAX
                   : t.kind == K::kInteger ? INT32_MAX
                   : t.kind == K::kShort   ? 32767
                                           : 127;
      if (v < lo || v > hi) return Bad(column, s, ("a " + t.ToString()).c_str());
      return t.kind == K::kLong ? Value::Int64(v) : Value::Int32(static_cast<int32_t>(v));
    }
    case K::kFloat:
    case K::kDouble: {
      errno = 0;
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return Bad(column, s, "a number");
      return t.kind == K::kFloat ? Value::Float(static_cast<float>(d)) : Value::Double(d);
    }
    case K::kBoolean:
      if (EqualsIgnoreCase(s, "true")) return Value::Bool(true);
      if (EqualsIgnoreCase(s, "false")) return Value::Bool(false);
      return Bad(column, s, "a boolean");
    case K::kDate: {
      std::optional<int32_t> d = ParseDate(s);
      if (!d) return Bad(column, s, "a date");
      return Value::Int32(*d);
    }
    case K::kTimestamp:
    case K::kTimestampNtz: {
      std::optional<int64_t> us = ParseTimestampMicros(s);
      if (!us) return Bad(column, s, "a timestamp");
      return Value::Int64(*us);
    }
    case K::kDecimal: {
      __int128 v = 0;
      if (!ParseDecimal(s, t.scale, &v)) return Bad(column, s, ("a " + t.ToString()).c_str());
      // More integer digits than the precision allows would be cut when stored.
      __int128 limit = 1;
      for (int i = 0; i < t.precision && i < 38; ++i) limit *= 10;
      if (v >= limit || v <= -limit) return Bad(column, s, ("a " + t.ToString()).c_str());
      switch (node.physical_type) {
        case parquet::PhysicalType::kInt32:
          return Value::Int32(static_cast<int32_t>(v));
        case parquet::PhysicalType::kInt64:
          return Value::Int64(static_cast<int64_t>(v));
        default: {
          std::string bytes(static_cast<size_t>(node.type_length), '\0');
          __int128 x = v;
          for (int i = node.type_length - 1; i >= 0; --i) {
            bytes[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint8_t>(x & 0xff));
            x >>= 8;  // arithmetic shift keeps the sign
          }
          return Value::Bytes(std::move(bytes));
        }
      }
    }
    default:
      return Status::NotSupported("delta: partition column " + column.name + ": type " +
                                  t.ToString() + " cannot be a partition column");
  }
}

Result<std::string> PartitionValueJson(const StructField& column,
                                       const std::optional<std::string>& text) {
  ASSIGN_OR_RETURN(parquet::SchemaNode node, ToParquetField(column));
  ASSIGN_OR_RETURN(Value v, ParsePartitionValue(column, node, text));
  std::string out;
  if (v.is_null()) return std::string("null");
  parquet::AppendValueJson(node, v, &out);
  return out;
}

}  // namespace lakestream::delta
