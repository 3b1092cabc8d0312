#include "parquet/json_printer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "common/base64.h"
#include "common/json_escape.h"
#include "common/time_format.h"
#include "parquet/record_assembler.h"

namespace lakestream::parquet {
namespace {

using K = LogicalType::Kind;

K LogicalKind(const SchemaNode& n) {
  if (n.logical_type) return n.logical_type->kind;
  if (!n.converted_type) return K::kNone;
  switch (*n.converted_type) {
    case ConvertedType::kUtf8: return K::kString;
    case ConvertedType::kEnum: return K::kEnum;
    case ConvertedType::kJson: return K::kJson;
    case ConvertedType::kBson: return K::kBson;
    case ConvertedType::kDecimal: return K::kDecimal;
    case ConvertedType::kDate: return K::kDate;
    case ConvertedType::kTimeMillis:
    case ConvertedType::kTimeMicros: return K::kTime;
    case ConvertedType::kTimestampMillis:
    case ConvertedType::kTimestampMicros: return K::kTimestamp;
    case ConvertedType::kUint8:
    case ConvertedType::kUint16:
    case ConvertedType::kUint32:
    case ConvertedType::kUint64:
    case ConvertedType::kInt8:
    case ConvertedType::kInt16:
    case ConvertedType::kInt32:
    case ConvertedType::kInt64: return K::kInteger;
    default: return K::kNone;
  }
}

TimeUnit Unit(const SchemaNode& n) {
  if (n.logical_type) return n.logical_type->unit;
  if (n.converted_type == ConvertedType::kTimeMillis ||
      n.converted_type == ConvertedType::kTimestampMillis) {
    return TimeUnit::kMillis;
  }
  return TimeUnit::kMicros;
}

bool IsUnsigned(const SchemaNode& n) {
  if (n.logical_type && n.logical_type->kind == K::kInteger) return !n.logical_type->is_signed;
  return n.converted_type == ConvertedType::kUint8 || n.converted_type == ConvertedType::kUint16 ||
         n.converted_type == ConvertedType::kUint32 || n.converted_type == ConvertedType::kUint64;
}

int64_t ToMicros(int64_t v, TimeUnit u) {
  if (u == TimeUnit::kMillis) return v * 1000;
  if (u == TimeUnit::kNanos) return v >= 0 ? v / 1000 : -((-v + 999) / 1000);
  return v;
}

template <typename T>
void AppendNumber(T v, std::string* out) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

template <typename F>
void AppendFloat(F v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    AppendNumber(v, out);
  }
}

float HalfToFloat(uint16_t h) {
  int exp = (h >> 10) & 0x1f;
  int mant = h & 0x3ff;
  float sign = (h & 0x8000) ? -1.0f : 1.0f;
  if (exp == 0) return sign * std::ldexp(static_cast<float>(mant), -24);
  if (exp == 31) return mant ? NAN : sign * INFINITY;
  return sign * std::ldexp(static_cast<float>(mant + 1024), exp - 25);
}

void AppendUuid(std::string_view b, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    uint8_t c = static_cast<uint8_t>(b[i]);
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 15]);
  }
  out->push_back('"');
}

std::string WithScale(std::string digits, bool negative, int32_t scale) {
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  } else if (scale < 0 && digits != "0") {
    digits.append(static_cast<size_t>(-scale), '0');
  }
  if (negative && digits.find_first_not_of("0.") != std::string::npos) digits.insert(0, 1, '-');
  return digits;
}

void AppendInteger(const SchemaNode& node, int64_t v, bool is32, std::string* out) {
  if (IsUnsigned(node)) {
    uint64_t u = is32 ? static_cast<uint32_t>(v) : static_cast<uint64_t>(v);
    AppendNumber(u, out);
  } else {
    AppendNumber(v, out);
  }
}

void AppendLeaf(const SchemaNode& node, const Value& v, std::string* out) {
  K kind = LogicalKind(node);
  switch (v.kind) {
    case Value::Kind::kBool: out->append(v.b ? "true" : "false"); return;
    case Value::Kind::kInt32:
    case Value::Kind::kInt64: {
      int64_t x = v.kind == Value::Kind::kInt32 ? v.i32 : v.i64;
      bool is32 = v.kind == Value::Kind::kInt32;
      switch (kind) {
        case K::kDate:
          out->push_back('"');
          AppendDate(x, out);
          out->push_back('"');
          return;
        case K::kTimestamp:
          out->push_back('"');
          AppendTimestampMicros(ToMicros(x, Unit(node)), out);
          out->push_back('"');
          return;
        case K::kTime: {
          out->push_back('"');
          int64_t us = ToMicros(x, Unit(node));
          if (us < 0 || us >= 86400LL * 1000000) us = 0;
          AppendTimeOfDayMicros(us, out);
          out->push_back('"');
          return;
        }
        case K::kDecimal:
          out->push_back('"');
          out->append(DecimalToString(x, node.scale));
          out->push_back('"');
          return;
        default: AppendInteger(node, x, is32, out); return;
      }
    }
    case Value::Kind::kInt96: {
      // Nanoseconds within the day are signed, and writers that store
      // instants past the nanosecond range (Spark's year 290000) rely on
      // 64-bit wrap-around: do the arithmetic modulo 2^64, which is defined
      // for unsigned integers and yields the instant the writer meant.
      int64_t nanos;
      std::memcpy(&nanos, &v.i96, 8);
      int64_t julian = static_cast<int32_t>(v.i96.words[2]);
      int64_t floor_us = nanos / 1000 - (nanos % 1000 < 0);
      int64_t micros = static_cast<int64_t>(
          static_cast<uint64_t>(julian - 2440588) * static_cast<uint64_t>(86400LL * 1000000) +
          static_cast<uint64_t>(floor_us));
      out->push_back('"');
      AppendTimestampMicros(micros, out);
      out->push_back('"');
      return;
    }
    case Value::Kind::kFloat: AppendFloat(v.f32, out); return;
    case Value::Kind::kDouble: AppendFloat(v.f64, out); return;
    case Value::Kind::kBytes:
      switch (kind) {
        case K::kString:
        case K::kEnum:
        case K::kJson: AppendJsonString(v.bytes, out); return;
        case K::kDecimal:
          out->push_back('"');
          out->append(DecimalToString(v.bytes, node.scale));
          out->push_back('"');
          return;
        case K::kUuid:
          if (v.bytes.size() == 16) {
            AppendUuid(v.bytes, out);
            return;
          }
          break;
        case K::kFloat16:
          if (v.bytes.size() == 2) {
            uint16_t h = static_cast<uint8_t>(v.bytes[0]) | static_cast<uint8_t>(v.bytes[1]) << 8;
            AppendFloat(HalfToFloat(h), out);
            return;
          }
          break;
        default: break;
      }
      out->push_back('"');
      AppendBase64(v.bytes, out);
      out->push_back('"');
      return;
    default: out->append("null"); return;
  }
}

void AppendStruct(const SchemaNode& node, const Value& v, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < node.children.size() && i < v.items.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(node.children[i].name, out);
    out->push_back(':');
    AppendValueJson(node.children[i], v.items[i], out);
  }
  out->push_back('}');
}

}  // namespace

void AppendValueJson(const SchemaNode& node, const Value& v, std::string* out) {
  if (v.is_null()) {
    out->append("null");
    return;
  }
  if (node.is_leaf && v.kind != Value::Kind::kList) {
    if (LogicalKind(node) == K::kUnknown) {
      out->append("null");
      return;
    }
    AppendLeaf(node, v, out);
    return;
  }
  if (v.kind == Value::Kind::kList) {
    // A LIST group, or a repeated field (leaf or group) seen as a list.
    const SchemaNode* elem = &node;
    if (node.is_list()) {
      NestedShape s = ListShape(node);
      if (s.element) elem = s.element;
    }
    bool repeated_self = elem == &node && node.repetition == Repetition::kRepeated;
    out->push_back('[');
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) out->push_back(',');
      if (repeated_self && !node.is_leaf) {
        AppendStruct(node, v.items[i], out);
      } else if (repeated_self) {
        AppendLeaf(node, v.items[i], out);
      } else {
        AppendValueJson(*elem, v.items[i], out);
      }
    }
    out->push_back(']');
    return;
  }
  if (v.kind == Value::Kind::kMap) {
    NestedShape s = MapShape(node);
    bool string_keys = s.key && s.key->is_leaf &&
                       (LogicalKind(*s.key) == K::kString || LogicalKind(*s.key) == K::kEnum);
    out->push_back(string_keys ? '{' : '[');
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) out->push_back(',');
      const Value& key = v.items[i].items[0];
      const Value& val = v.items[i].items[1];
      if (string_keys) {
        AppendJsonString(key.bytes, out);
        out->push_back(':');
        if (s.value) AppendValueJson(*s.value, val, out); else out->append("null");
      } else {
        out->append("{\"key\":");
        if (s.key) AppendValueJson(*s.key, key, out); else out->append("null");
        out->append(",\"value\":");
        if (s.value) AppendValueJson(*s.value, val, out); else out->append("null");
        out->push_back('}');
      }
    }
    out->push_back(string_keys ? '}' : ']');
    return;
  }
  AppendStruct(node, v, out);
}

void AppendRowJson(const Schema& schema, const std::vector<int>& fields, const Value& row,
                   std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < fields.size() && i < row.items.size(); ++i) {
    if (i) out->push_back(',');
    const SchemaNode& node = schema.root().children[fields[i]];
    AppendJsonString(node.name, out);
    out->push_back(':');
    AppendValueJson(node, row.items[i], out);
  }
  out->append("}\n");
}

std::string DecimalToString(int64_t unscaled, int32_t scale) {
  bool neg = unscaled < 0;
  uint64_t mag = neg ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
  return WithScale(std::to_string(mag), neg, scale);
}

std::string DecimalToString(std::string_view be, int32_t scale) {
  if (be.empty()) return WithScale("0", false, scale);
  bool neg = static_cast<uint8_t>(be[0]) & 0x80;
  std::vector<uint8_t> mag(be.begin(), be.end());
  if (neg) {  // two's complement negate
    for (auto& b : mag) b = static_cast<uint8_t>(~b);
    for (size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  // Repeated division by 10^9 of the big-endian magnitude.
  std::vector<uint32_t> chunks;
  size_t start = 0;
  while (start < mag.size()) {
    uint64_t rem = 0;
    for (size_t i = start; i < mag.size(); ++i) {
      uint64_t cur = (rem << 8) | mag[i];
      mag[i] = static_cast<uint8_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    chunks.push_back(static_cast<uint32_t>(rem));
    while (start < mag.size() && mag[start] == 0) ++start;
  }
  std::string digits = chunks.empty() ? "0" : std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    digits.append(9 - part.size(), '0');
    digits += part;
  }
  return WithScale(std::move(digits), neg, scale);
}

}  // namespace lakestream::parquet
