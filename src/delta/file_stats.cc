#include "delta/file_stats.h"

#include <cmath>
#include <optional>

#include "common/json_escape.h"
#include "common/time_format.h"
#include "parquet/json_printer.h"
#include "parquet/statistics.h"

namespace lakestream::delta {
namespace {

using K = DeltaType::Kind;

// One leaf's statistics folded over all row groups.
struct LeafStats {
  std::optional<int64_t> null_count = 0;
  bool minmax_valid = true;             // false once a row group with values lacks them
  std::optional<std::string> min, max;  // encoded
};

LeafStats FoldLeaf(const parquet::ColumnDescriptor& col, const parquet::FileMetaData& footer) {
  LeafStats out;
  for (const auto& rg : footer.row_groups) {
    if (col.index >= static_cast<int>(rg.columns.size()) || !rg.columns[col.index].meta_data) {
      out.null_count.reset();
      out.minmax_valid = false;
      continue;
    }
    const parquet::ColumnMetaData& md = *rg.columns[col.index].meta_data;
    const std::optional<parquet::Statistics>& st = md.statistics;
    if (!st || !st->null_count) {
      out.null_count.reset();
    } else if (out.null_count) {
      *out.null_count += *st->null_count;
    }
    bool all_null = st && st->null_count && *st->null_count == md.num_values;
    if (all_null) continue;
    if (!st || !st->min_value || !st->max_value) {
      out.minmax_valid = false;
      continue;
    }
    if (!out.min || parquet::CompareEncoded(col, *st->min_value, *out.min) < 0) {
      out.min = st->min_value;
    }
    if (!out.max || parquet::CompareEncoded(col, *st->max_value, *out.max) > 0) {
      out.max = st->max_value;
    }
  }
  if (!out.minmax_valid) out.min.reset(), out.max.reset();
  return out;
}

bool Finite(double d) { return std::isfinite(d); }

// The JSON of a min (is_max false) or max bound, or nullopt to leave it out.
std::optional<std::string> BoundJson(const DeltaType& t, const parquet::ColumnDescriptor& col,
                                     const std::string& encoded, bool is_max,
                                     const StatsOptions& options) {
  parquet::Value v = parquet::DecodeStatistic(col, encoded);
  if (v.is_null()) return std::nullopt;
  std::string out;
  switch (t.kind) {
    case K::kLong:
    case K::kInteger:
    case K::kShort:
    case K::kByte:
      if (v.kind == parquet::Value::Kind::kInt32) return std::to_string(v.i32);
      if (v.kind == parquet::Value::Kind::kInt64) return std::to_string(v.i64);
      return std::nullopt;
    case K::kFloat:
    case K::kDouble: {
      double d = v.kind == parquet::Value::Kind::kFloat ? v.f32 : v.f64;
      if (v.kind != parquet::Value::Kind::kFloat && v.kind != parquet::Value::Kind::kDouble) {
        return std::nullopt;
      }
      if (!Finite(d)) return std::nullopt;
      if (d == 0) return std::string("0.0");  // -0.0 and 0.0 are one bound
      char buf[32];
      if (v.kind == parquet::Value::Kind::kFloat) {
        std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v.f32));
      } else {
        std::snprintf(buf, sizeof buf, "%.17g", d);
      }
      return std::string(buf);
    }
    case K::kDate:
      if (v.kind != parquet::Value::Kind::kInt32) return std::nullopt;
      AppendJsonString(FormatDate(v.i32), &out);
      return out;
    case K::kTimestamp:
    case K::kTimestampNtz: {
      if (v.kind != parquet::Value::Kind::kInt64) return std::nullopt;
      int64_t ms = v.i64 >= 0 ? v.i64 / 1000 : -((-v.i64 + 999) / 1000);  // floor
      std::string text = FormatTimestampMicros(ms * 1000);                // "...SS.ffffffZ"
      // Keep milliseconds: drop the last three fraction digits.
      size_t dot = text.rfind('.');
      if (dot == std::string::npos || text.size() < dot + 7) return std::nullopt;
      text = text.substr(0, dot + 4) + (t.kind == K::kTimestamp ? "Z" : "");
      AppendJsonString(text, &out);
      return out;
    }
    case K::kDecimal:
      if (v.kind == parquet::Value::Kind::kInt32) {
        return parquet::DecimalToString(v.i32, t.scale);
      }
      if (v.kind == parquet::Value::Kind::kInt64) {
        return parquet::DecimalToString(v.i64, t.scale);
      }
      if (v.kind == parquet::Value::Kind::kBytes) {
        return parquet::DecimalToString(v.bytes, t.scale);
      }
      return std::nullopt;
    case K::kString: {
      if (v.kind != parquet::Value::Kind::kBytes || !IsValidUtf8(v.bytes)) return std::nullopt;
      std::string s = v.bytes;
      bool cut = TruncateUtf8(&s, options.string_prefix_length);
      if (cut && is_max) {
        // s + U+10FFFF is above every string that starts with s, unless the
        // next code point is U+10FFFF itself.
        std::string_view rest = std::string_view(v.bytes).substr(s.size());
        if (rest.starts_with("\xF4\x8F\xBF\xBF")) return std::nullopt;
        s += "\xF4\x8F\xBF\xBF";
      }
      AppendJsonString(s, &out);
      return out;
    }
    default:
      return std::nullopt;  // boolean, binary: no min/max
  }
}

class StatsBuilder {
 public:
  StatsBuilder(const parquet::Schema& schema, const parquet::FileMetaData& footer,
               const StatsOptions& options)
      : schema_(schema), footer_(footer), options_(options) {}

  // Appends `"name":value` members for the fields of `t` (a struct) laid out
  // as the children of `node`, to the three objects.
  Status Fields(const DeltaType& t, const parquet::SchemaNode& node, std::string* min,
                std::string* max, std::string* nulls) {
    if (t.fields.size() != node.children.size()) {
      return Status::Internal("delta: stats: schema and footer disagree at " + node.name);
    }
    for (size_t i = 0; i < t.fields.size(); ++i) {
      const StructField& f = t.fields[i];
      const parquet::SchemaNode& child = node.children[i];
      if (f.type.kind == K::kStruct) {
        std::string cmin, cmax, cnulls;
        RETURN_IF_ERROR(Fields(f.type, child, &cmin, &cmax, &cnulls));
        Member(f.name, cmin.empty() ? "" : "{" + cmin + "}", min);
        Member(f.name, cmax.empty() ? "" : "{" + cmax + "}", max);
        Member(f.name, cnulls.empty() ? "" : "{" + cnulls + "}", nulls);
        continue;
      }
      if (!f.type.is_primitive() || !child.is_leaf) continue;  // arrays, maps
      const parquet::ColumnDescriptor& col = schema_.column(child.first_leaf);
      if (col.max_rep > 0) continue;
      LeafStats ls = FoldLeaf(col, footer_);
      if (ls.null_count) Member(f.name, std::to_string(*ls.null_count), nulls);
      if (ls.min)
        Member(f.name, BoundJson(f.type, col, *ls.min, false, options_).value_or(""), min);
      if (ls.max) Member(f.name, BoundJson(f.type, col, *ls.max, true, options_).value_or(""), max);
    }
    return Status::OK();
  }

 private:
  static void Member(const std::string& name, const std::string& json, std::string* out) {
    if (json.empty()) return;
    if (!out->empty()) out->push_back(',');
    AppendJsonString(name, out);
    out->push_back(':');
    *out += json;
  }

  const parquet::Schema& schema_;
  const parquet::FileMetaData& footer_;
  const StatsOptions& options_;
};

}  // namespace

bool TruncateUtf8(std::string* s, int n) {
  size_t i = 0;
  int cps = 0;
  while (i < s->size()) {
    if (cps == n) {
      s->resize(i);
      return true;
    }
    unsigned char c = static_cast<unsigned char>((*s)[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++cps;
  }
  return false;
}

Result<std::string> StatsJsonFromFooter(const DeltaType& data_schema,
                                        const parquet::Schema& file_schema,
                                        const parquet::FileMetaData& footer,
                                        const StatsOptions& options) {
  std::string min, max, nulls;
  StatsBuilder b(file_schema, footer, options);
  RETURN_IF_ERROR(b.Fields(data_schema, file_schema.root(), &min, &max, &nulls));
  std::string out = "{\"numRecords\":" + std::to_string(footer.num_rows);
  out += ",\"minValues\":{" + min + "}";
  out += ",\"maxValues\":{" + max + "}";
  out += ",\"nullCount\":{" + nulls + "}}";
  return out;
}

}  // namespace lakestream::delta
