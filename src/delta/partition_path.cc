#include "delta/partition_path.h"

#include <charconv>

#include "common/time_format.h"
#include "parquet/json_printer.h"

namespace lakestream::delta {
namespace {

using K = DeltaType::Kind;
using VK = parquet::Value::Kind;

Status WrongKind(const StructField& c) {
  return Status::InvalidArgument("delta: partition column " + c.name + ": value is not a " +
                                 c.type.ToString());
}

template <typename T>
std::string ShortestFloat(T v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

Result<std::optional<std::string>> SerializePartitionValue(const StructField& column,
                                                           const parquet::SchemaNode& node,
                                                           const parquet::Value& v) {
  using Out = std::optional<std::string>;
  if (v.is_null()) return Out();
  const DeltaType& t = column.type;
  switch (t.kind) {
    case K::kString:
    case K::kBinary:
      if (v.kind != VK::kBytes) return WrongKind(column);
      if (v.bytes.empty()) return Out();
      return Out(v.bytes);
    case K::kLong:
    case K::kInteger:
    case K::kShort:
    case K::kByte:
      if (v.kind == VK::kInt32) return Out(std::to_string(v.i32));
      if (v.kind == VK::kInt64) return Out(std::to_string(v.i64));
      return WrongKind(column);
    case K::kFloat:
      if (v.kind != VK::kFloat) return WrongKind(column);
      return Out(ShortestFloat(v.f32));
    case K::kDouble:
      if (v.kind != VK::kDouble) return WrongKind(column);
      return Out(ShortestFloat(v.f64));
    case K::kBoolean:
      if (v.kind != VK::kBool) return WrongKind(column);
      return Out(v.b ? "true" : "false");
    case K::kDate:
      if (v.kind != VK::kInt32) return WrongKind(column);
      return Out(FormatDate(v.i32));
    case K::kTimestamp:
      if (v.kind != VK::kInt64) return WrongKind(column);
      return Out(FormatTimestampMicros(v.i64));
    case K::kTimestampNtz: {
      if (v.kind != VK::kInt64) return WrongKind(column);
      std::string s = FormatTimestampMicros(v.i64);  // "YYYY-MM-DDTHH:MM:SS.ffffffZ"
      if (!s.empty() && s.back() == 'Z') s.pop_back();
      size_t tpos = s.find('T');
      if (tpos != std::string::npos) s[tpos] = ' ';
      return Out(s);
    }
    case K::kDecimal:
      if (v.kind == VK::kInt32) return Out(parquet::DecimalToString(v.i32, t.scale));
      if (v.kind == VK::kInt64) return Out(parquet::DecimalToString(v.i64, t.scale));
      if (v.kind == VK::kBytes) return Out(parquet::DecimalToString(v.bytes, t.scale));
      return WrongKind(column);
    default:
      return Status::InvalidArgument("delta: partition column " + column.name + ": type " +
                                     t.ToString() + " cannot be a partition column");
  }
}

std::string EscapePartitionPathComponent(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool escape = c < 0x20 || c == 0x7F || c == ' ' || c == '"' || c == '#' || c == '%' ||
                  c == '\'' || c == '*' || c == '/' || c == ':' || c == '=' || c == '?' ||
                  c == '\\' || c == '{' || c == '[' || c == ']' || c == '^';
    if (escape) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string PartitionDirectory(const std::vector<std::string>& columns,
                               const std::vector<std::optional<std::string>>& values) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += EscapePartitionPathComponent(columns[i]);
    out.push_back('=');
    out +=
        values[i] ? EscapePartitionPathComponent(*values[i]) : std::string(kHiveDefaultPartition);
  }
  return out;
}

}  // namespace lakestream::delta
