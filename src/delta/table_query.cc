#include "delta/table_query.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace lakestream::delta {
namespace {

using json = nlohmann::json;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsNumeric(DeltaType::Kind k) {
  using K = DeltaType::Kind;
  return k == K::kLong || k == K::kInteger || k == K::kShort || k == K::kByte || k == K::kFloat ||
         k == K::kDouble || k == K::kDecimal;
}

bool IsIntegral(DeltaType::Kind k) {
  using K = DeltaType::Kind;
  return k == K::kLong || k == K::kInteger || k == K::kShort || k == K::kByte;
}

struct AggState {
  int64_t count = 0;  // non-null inputs (rows for count(*))
  int64_t isum = 0;
  double dsum = 0;
  std::optional<json> min, max;
};

// A number from a JSON cell (decimals may print as strings); nullopt for null.
std::optional<double> NumberOf(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      return std::stod(v.get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<Aggregate>> ParseAggregates(std::string_view text) {
  std::vector<Aggregate> out;
  size_t start = 0;
  int depth = 0;
  std::vector<std::string> items;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ',';
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      std::string item = Trim(text.substr(start, i - start));
      if (!item.empty()) items.push_back(item);
      start = i + 1;
    }
  }
  for (const std::string& item : items) {
    Aggregate a;
    size_t open = item.find('(');
    std::string fn = Lower(Trim(item.substr(0, open)));
    if (open != std::string::npos) {
      if (item.back() != ')') {
        return Status::InvalidArgument("query: aggregate '" + item + "': missing ')'");
      }
      a.column = Trim(std::string_view(item).substr(open + 1, item.size() - open - 2));
      if (a.column == "*") a.column.clear();
    }
    if (fn == "count") {
      a.kind = Aggregate::Kind::kCount;
    } else if (fn == "sum") {
      a.kind = Aggregate::Kind::kSum;
    } else if (fn == "min") {
      a.kind = Aggregate::Kind::kMin;
    } else if (fn == "max") {
      a.kind = Aggregate::Kind::kMax;
    } else if (fn == "avg") {
      a.kind = Aggregate::Kind::kAvg;
    } else {
      return Status::InvalidArgument("query: aggregate '" + item +
                                     "': use count, count(x), sum(x), min(x), max(x), avg(x)");
    }
    if (a.kind != Aggregate::Kind::kCount && a.column.empty()) {
      return Status::InvalidArgument("query: aggregate '" + item + "' needs a column");
    }
    a.name = a.column.empty() ? "count" : fn + "(" + a.column + ")";
    out.push_back(std::move(a));
  }
  if (out.empty())
    return Status::InvalidArgument("query: no aggregates in '" + std::string(text) + "'");
  return out;
}

Status RunQuery(const Snapshot& snapshot, const QuerySpec& spec,
                const std::function<Status(std::string_view)>& sink, ScanStats* stats) {
  const std::string ctx = "query: " + snapshot.table_root();
  ScanOptions scan;
  scan.where = spec.where;
  if (spec.aggregates.empty()) {
    if (!spec.group_by.empty()) {
      return Status::InvalidArgument(ctx + ": --group-by needs --agg");
    }
    scan.columns = spec.select;
    scan.limit = spec.limit;
    return ScanNdjson(snapshot, scan, sink, stats);
  }
  if (!spec.select.empty()) {
    return Status::InvalidArgument(ctx +
                                   ": --select cannot be combined with --agg; use --group-by");
  }
  // The columns to read: group-by columns then aggregate inputs.
  std::vector<std::string> cols = spec.group_by;
  std::vector<bool> integral(spec.aggregates.size(), false);
  for (size_t i = 0; i < spec.aggregates.size(); ++i) {
    const Aggregate& a = spec.aggregates[i];
    if (a.column.empty()) continue;
    const StructField* f = snapshot.schema().FindField(a.column);
    if (f == nullptr) return Status::InvalidArgument(ctx + ": no column named " + a.column);
    bool numeric_only = a.kind == Aggregate::Kind::kSum || a.kind == Aggregate::Kind::kAvg;
    if (numeric_only && !IsNumeric(f->type.kind)) {
      return Status::InvalidArgument(ctx + ": " + a.name + ": " + a.column + " is not numeric");
    }
    if ((a.kind == Aggregate::Kind::kMin || a.kind == Aggregate::Kind::kMax) &&
        !f->type.is_primitive()) {
      return Status::InvalidArgument(ctx + ": " + a.name + ": " + a.column + " is nested");
    }
    integral[i] = IsIntegral(f->type.kind);
    if (std::find(cols.begin(), cols.end(), a.column) == cols.end()) cols.push_back(a.column);
  }
  if (cols.empty()) {
    // count(*) alone still needs rows: read the narrowest thing, the first column.
    cols.push_back(snapshot.schema().fields.at(0).name);
  }
  scan.columns = cols;
  std::map<json, std::vector<AggState>> groups;
  if (spec.group_by.empty()) groups[json::array()].resize(spec.aggregates.size());
  std::string pending;
  auto consume_line = [&](std::string_view line) -> Status {
    json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (row.is_discarded() || !row.is_object()) {
      return Status::Internal(ctx + ": scan produced a line that is not a JSON object");
    }
    json key = json::array();
    for (const auto& g : spec.group_by) key.push_back(row[g]);
    std::vector<AggState>& st = groups[key];
    st.resize(spec.aggregates.size());
    for (size_t i = 0; i < spec.aggregates.size(); ++i) {
      const Aggregate& a = spec.aggregates[i];
      if (a.column.empty()) {
        ++st[i].count;
        continue;
      }
      const json& v = row[a.column];
      if (v.is_null()) continue;
      ++st[i].count;
      switch (a.kind) {
        case Aggregate::Kind::kCount:
          break;
        case Aggregate::Kind::kSum:
        case Aggregate::Kind::kAvg:
          if (integral[i] && v.is_number_integer()) {
            st[i].isum += v.get<int64_t>();
          } else if (std::optional<double> d = NumberOf(v)) {
            st[i].dsum += *d;
          }
          break;
        case Aggregate::Kind::kMin:
          if (!st[i].min || v < *st[i].min) st[i].min = v;
          break;
        case Aggregate::Kind::kMax:
          if (!st[i].max || *st[i].max < v) st[i].max = v;
          break;
      }
    }
    return Status::OK();
  };
  RETURN_IF_ERROR(ScanNdjson(
      snapshot, scan,
      [&](std::string_view chunk) -> Status {
        size_t pos = 0;
        while (pos < chunk.size()) {
          size_t nl = chunk.find('\n', pos);
          if (nl == std::string_view::npos) nl = chunk.size();
          if (nl > pos) RETURN_IF_ERROR(consume_line(chunk.substr(pos, nl - pos)));
          pos = nl + 1;
        }
        return Status::OK();
      },
      stats));
  std::string out;
  int64_t emitted = 0;
  for (const auto& [key, st] : groups) {
    if (spec.limit >= 0 && emitted >= spec.limit) break;
    std::string line = "{";
    auto put = [&](const std::string& name, const json& value) {
      if (line.size() > 1) line += ',';
      line += json(name).dump();
      line += ':';
      line += value.dump();
    };
    for (size_t g = 0; g < spec.group_by.size(); ++g) put(spec.group_by[g], key[g]);
    for (size_t i = 0; i < spec.aggregates.size(); ++i) {
      const Aggregate& a = spec.aggregates[i];
      const AggState& s = st[i];
      json v;
      switch (a.kind) {
        case Aggregate::Kind::kCount:
          v = s.count;
          break;
        case Aggregate::Kind::kSum:
          if (s.count == 0) {
            v = nullptr;
          } else if (integral[i]) {
            v = s.isum;
          } else {
            v = s.dsum;
          }
          break;
        case Aggregate::Kind::kAvg:
          v = s.count == 0
                  ? json(nullptr)
                  : json((static_cast<double>(s.isum) + s.dsum) / static_cast<double>(s.count));
          break;
        case Aggregate::Kind::kMin:
          v = s.min ? *s.min : json(nullptr);
          break;
        case Aggregate::Kind::kMax:
          v = s.max ? *s.max : json(nullptr);
          break;
      }
      put(a.name, v);
    }
    out += line + "}\n";
    ++emitted;
  }
  if (!out.empty()) RETURN_IF_ERROR(sink(out));
  return Status::OK();
}

}  // namespace lakestream::delta
