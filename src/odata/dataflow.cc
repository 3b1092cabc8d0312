// Dataflow: config parsing and the silver -> gold run.
#include "odata/dataflow.h"

#include "io/config_yaml.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "delta/operations.h"
#include "delta/partition_values.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"
#include "odata/dataflow_expr.h"

namespace lakestream::odata {
namespace {

using delta::DeltaType;
using nlohmann::json;
using K = DeltaType::Kind;

Status Bad(const std::string& flow, const std::string& what) {
  return Status::InvalidArgument("dataflow " + flow + ": " + what);
}

struct OutColumn {
  std::string name;
  DeltaType type;
  parquet::SchemaNode node;
};

Result<DeltaType> TypeNamed(const std::string& flow, const std::string& col,
                            const std::string& name) {
  Result<DeltaType> t = delta::ParseTypeJson(json(name).dump());
  if (!t.ok() || !t->is_primitive()) {
    return Bad(flow, "column " + col + ": unknown type " + name);
  }
  return t;
}

// A JSON value (as `cat` prints it, or computed) as a Value of `c.type`.
Result<parquet::Value> Typed(const std::string& flow, const OutColumn& c, const json& v) {
  if (v.is_null()) return parquet::Value::Null();
  std::string text;
  if (c.type.kind == K::kDecimal && v.is_number()) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", c.type.scale, v.get<double>());
    text = buf;
  } else if ((c.type.kind == K::kLong || c.type.kind == K::kInteger || c.type.kind == K::kShort) &&
             v.is_number_float()) {
    text = std::to_string(static_cast<int64_t>(v.get<double>()));
  } else {
    text = v.is_string() ? v.get<std::string>() : v.dump();
  }
  if (c.type.kind == K::kString) return parquet::Value::Bytes(text);
  delta::StructField f{c.name, c.type, true, "{}"};
  Result<parquet::Value> r = delta::ParsePartitionValue(f, c.node, text);
  if (!r.ok()) {
    return Bad(flow, "column " + c.name + ": value " + text.substr(0, 60) + " does not cast to " +
                         c.type.ToString());
  }
  return r;
}

struct Agg {
  double sum = 0;
  int64_t count = 0;  // non-null values (rows for count)
  json min, max;
};

bool Less(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
  double x, y;
  if (a.is_string() && b.is_string()) {
    const std::string& s = a.get_ref<const std::string&>();
    const std::string& t = b.get_ref<const std::string&>();
    char *e1 = nullptr, *e2 = nullptr;
    x = std::strtod(s.c_str(), &e1);
    y = std::strtod(t.c_str(), &e2);
    if (!s.empty() && !t.empty() && *e1 == '\0' && *e2 == '\0') return x < y;
    return s < t;
  }
  return a.dump() < b.dump();
}

}  // namespace

Result<std::vector<Dataflow>> ParseDataflows(const std::string& text) {
  // The one config reader (io/config_yaml.h): JSON as before, or YAML; unknown
  // keys are errors naming their path ("dataflows[0].aggregates[1].colum").
  const io::ConfigReader r("dataflow config");
  Result<YAML::Node> root = io::LoadYaml(text, "dataflow config");
  if (!root.ok()) return root.status();
  if (!root->IsMap() || !(*root)["dataflows"] || !(*root)["dataflows"].IsSequence()) {
    return Status::InvalidArgument("dataflow config: expected {\"dataflows\": [...]}");
  }
  RETURN_IF_ERROR(r.CheckKeys(*root, "", {"dataflows"}));
  // An optional string; "" when absent.
  auto opt = [&r](const YAML::Node& n, const char* key, const std::string& at,
                  std::string* out) -> Status {
    if (!n[key]) return Status::OK();
    ASSIGN_OR_RETURN(*out, r.String(n[key], io::ConfigKey(at, key)));
    return Status::OK();
  };
  std::vector<Dataflow> out;
  const YAML::Node flows = (*root)["dataflows"];
  for (size_t i = 0; i < flows.size(); ++i) {
    const YAML::Node f = flows[i];
    const std::string at = io::ConfigIndex("dataflows", i);
    RETURN_IF_ERROR(r.CheckKeys(
        f, at, {"name", "source", "target", "filter", "columns", "group_by", "aggregates"}));
    Dataflow d;
    RETURN_IF_ERROR(opt(f, "name", at, &d.name));
    if (d.name.empty()) return Status::InvalidArgument("dataflow config: a dataflow has no name");
    RETURN_IF_ERROR(opt(f, "source", at, &d.source));
    RETURN_IF_ERROR(opt(f, "target", at, &d.target));
    RETURN_IF_ERROR(opt(f, "filter", at, &d.filter));
    if (d.source.empty() || d.target.empty()) return Bad(d.name, "source and target are required");
    if (const YAML::Node cols = f["columns"]) {
      if (!cols.IsSequence()) return r.Bad(at + ".columns", "expected a list");
      for (size_t k = 0; k < cols.size(); ++k) {
        const std::string cat = io::ConfigIndex(at + ".columns", k);
        RETURN_IF_ERROR(r.CheckKeys(cols[k], cat, {"name", "from", "expr", "type"}));
        DataflowColumn col;
        RETURN_IF_ERROR(opt(cols[k], "name", cat, &col.name));
        RETURN_IF_ERROR(opt(cols[k], "from", cat, &col.from));
        RETURN_IF_ERROR(opt(cols[k], "expr", cat, &col.expr));
        RETURN_IF_ERROR(opt(cols[k], "type", cat, &col.type));
        if (col.name.empty()) return Bad(d.name, "a column has no name");
        if (!col.from.empty() && !col.expr.empty()) {
          return Bad(d.name, "column " + col.name + ": give \"from\" or \"expr\", not both");
        }
        d.columns.push_back(col);
      }
    }
    if (f["group_by"]) {
      ASSIGN_OR_RETURN(d.group_by, r.StringList(f["group_by"], at + ".group_by"));
    }
    if (const YAML::Node aggs = f["aggregates"]) {
      if (!aggs.IsSequence()) return r.Bad(at + ".aggregates", "expected a list");
      for (size_t k = 0; k < aggs.size(); ++k) {
        const std::string aat = io::ConfigIndex(at + ".aggregates", k);
        RETURN_IF_ERROR(r.CheckKeys(aggs[k], aat, {"name", "fn", "column"}));
        DataflowAggregate agg;
        RETURN_IF_ERROR(opt(aggs[k], "name", aat, &agg.name));
        RETURN_IF_ERROR(opt(aggs[k], "fn", aat, &agg.fn));
        RETURN_IF_ERROR(opt(aggs[k], "column", aat, &agg.column));
        if (agg.fn != "count" && agg.fn != "sum" && agg.fn != "avg" && agg.fn != "min" &&
            agg.fn != "max") {
          return Bad(d.name, "aggregate " + agg.name + ": unknown function \"" + agg.fn + "\"");
        }
        if (agg.name.empty()) return Bad(d.name, "an aggregate has no name");
        if (agg.fn != "count" && agg.column.empty()) {
          return Bad(d.name, "aggregate " + agg.name + ": " + agg.fn + " needs a column");
        }
        d.aggregates.push_back(agg);
      }
    }
    if (!d.group_by.empty() && d.aggregates.empty()) {
      return Bad(d.name, "group_by without aggregates");
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<Dataflow>> LoadDataflows(const std::string& path, io::FileSystem* fs) {
  ASSIGN_OR_RETURN(std::string text, io::ReadConfigFile(fs, path));
  Result<std::vector<Dataflow>> r = ParseDataflows(text);
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

Result<DataflowResult> RunDataflow(const Dataflow& flow) {
  ASSIGN_OR_RETURN(auto src_store, delta::LogStore::OpenLocal(flow.source));
  Result<std::shared_ptr<const delta::Snapshot>> snap = delta::Snapshot::Load(src_store);
  if (!snap.ok()) return snap.status().WithContext("dataflow " + flow.name + ": source");
  const DeltaType& schema = (*snap)->schema();

  // Projected columns: name, type, how to compute.
  struct Proj {
    OutColumn out;
    std::string from;
    std::optional<ExprNode> expr;
  };
  std::vector<Proj> proj;
  if (flow.columns.empty()) {
    for (const auto& f : schema.fields) proj.push_back({{f.name, f.type, {}}, f.name, {}});
  }
  for (const auto& c : flow.columns) {
    Proj p;
    p.out.name = c.name;
    if (!c.expr.empty()) {
      ASSIGN_OR_RETURN(ExprNode e, ParseExpr(c.expr));
      std::vector<std::string> used;
      ExprColumns(e, &used);
      for (const auto& u : used) {
        if (!schema.FindField(u))
          return Bad(flow.name, "column " + c.name +
                                    ": unknown source "
                                    "column " +
                                    u + " in expression");
      }
      ASSIGN_OR_RETURN(p.out.type,
                       TypeNamed(flow.name, c.name, c.type.empty() ? ExprResultType(e) : c.type));
      p.expr = std::move(e);
    } else {
      p.from = c.from.empty() ? c.name : c.from;
      const delta::StructField* f = schema.FindField(p.from);
      if (!f) return Bad(flow.name, "column " + c.name + ": unknown source column " + p.from);
      if (c.type.empty()) {
        p.out.type = f->type;
      } else {
        ASSIGN_OR_RETURN(p.out.type, TypeNamed(flow.name, c.name, c.type));
      }
    }
    proj.push_back(std::move(p));
  }
  for (auto& p : proj) {
    ASSIGN_OR_RETURN(p.out.node, delta::ToParquetField({p.out.name, p.out.type, true, "{}"}));
  }
  auto proj_index = [&](const std::string& name) {
    for (size_t i = 0; i < proj.size(); ++i) {
      if (proj[i].out.name == name) return static_cast<int>(i);
    }
    return -1;
  };

  // Output columns.
  std::vector<OutColumn> out;
  std::vector<int> group_idx, agg_idx;
  bool grouped = !flow.aggregates.empty();
  if (!grouped) {
    for (const auto& p : proj) out.push_back(p.out);
  } else {
    for (const auto& g : flow.group_by) {
      int i = proj_index(g);
      if (i < 0) return Bad(flow.name, "group_by column " + g + " is not a projected column");
      group_idx.push_back(i);
      out.push_back(proj[static_cast<size_t>(i)].out);
    }
    for (const auto& a : flow.aggregates) {
      int i = a.fn == "count" && a.column.empty() ? -1 : proj_index(a.column);
      if (i < 0 && !(a.fn == "count" && a.column.empty())) {
        return Bad(flow.name,
                   "aggregate " + a.name + ": " + a.column + " is not a projected column");
      }
      agg_idx.push_back(i);
      OutColumn oc;
      oc.name = a.name;
      if (a.fn == "count") {
        oc.type.kind = K::kLong;
      } else if (a.fn == "sum" || a.fn == "avg") {
        oc.type.kind = K::kDouble;
      } else {
        oc.type = proj[static_cast<size_t>(i)].out.type;
      }
      ASSIGN_OR_RETURN(oc.node, delta::ToParquetField({oc.name, oc.type, true, "{}"}));
      out.push_back(std::move(oc));
    }
  }

  DataflowResult result;
  std::vector<parquet::Value> rows;
  std::map<std::string, std::pair<std::vector<json>, std::vector<Agg>>> groups;
  delta::ScanOptions scan;
  scan.where = flow.filter;
  Status row_error;
  auto on_row = [&](const json& row) -> Status {
    ++result.rows_in;
    std::vector<json> vals;
    vals.reserve(proj.size());
    for (const auto& p : proj) {
      if (p.expr) {
        ASSIGN_OR_RETURN(json v, EvalExpr(*p.expr, row));
        vals.push_back(std::move(v));
      } else {
        auto it = row.find(p.from);
        vals.push_back(it == row.end() ? json(nullptr) : *it);
      }
    }
    if (!grouped) {
      std::vector<parquet::Value> items;
      for (size_t i = 0; i < proj.size(); ++i) {
        ASSIGN_OR_RETURN(parquet::Value v, Typed(flow.name, proj[i].out, vals[i]));
        items.push_back(std::move(v));
      }
      rows.push_back(parquet::Value::Struct(std::move(items)));
      return Status::OK();
    }
    std::vector<json> key;
    for (int g : group_idx) key.push_back(vals[static_cast<size_t>(g)]);
    auto& [gkey, aggs] = groups[json(key).dump()];
    if (aggs.empty()) {
      gkey = key;
      aggs.resize(flow.aggregates.size());
    }
    for (size_t a = 0; a < flow.aggregates.size(); ++a) {
      Agg& s = aggs[a];
      if (agg_idx[a] < 0) {
        ++s.count;
        continue;
      }
      const json& v = vals[static_cast<size_t>(agg_idx[a])];
      if (v.is_null()) continue;
      ++s.count;
      double d;
      if (flow.aggregates[a].fn == "sum" || flow.aggregates[a].fn == "avg") {
        bool ok = v.is_number();
        if (ok) {
          d = v.get<double>();
        } else if (v.is_string()) {
          char* end = nullptr;
          d = std::strtod(v.get_ref<const std::string&>().c_str(), &end);
          ok = end && *end == '\0';
        }
        if (!ok) {
          return Bad(flow.name, flow.aggregates[a].fn + "(" + flow.aggregates[a].column +
                                    "): " + v.dump() + " is not a number");
        }
        s.sum += d;
      }
      if (s.min.is_null() || Less(v, s.min)) s.min = v;
      if (s.max.is_null() || Less(s.max, v)) s.max = v;
    }
    return Status::OK();
  };
  std::string carry;
  Status st = delta::ScanNdjson(**snap, scan, [&](std::string_view chunk) -> Status {
    size_t start = 0;
    while (start < chunk.size()) {
      size_t nl = chunk.find('\n', start);
      if (nl == std::string_view::npos) {
        carry.append(chunk.substr(start));
        break;
      }
      carry.append(chunk.substr(start, nl - start));
      if (!carry.empty()) {
        json row = json::parse(carry, nullptr, false);
        if (row.is_discarded()) return Status::Internal("dataflow: scan produced bad JSON");
        RETURN_IF_ERROR(on_row(row));
      }
      carry.clear();
      start = nl + 1;
    }
    return Status::OK();
  });
  if (!st.ok()) return st.WithContext("dataflow " + flow.name);

  if (grouped) {
    for (auto& [k, g] : groups) {
      auto& [key, aggs] = g;
      std::vector<parquet::Value> items;
      for (size_t i = 0; i < key.size(); ++i) {
        ASSIGN_OR_RETURN(parquet::Value v, Typed(flow.name, out[i], key[i]));
        items.push_back(std::move(v));
      }
      for (size_t a = 0; a < aggs.size(); ++a) {
        const std::string& fn = flow.aggregates[a].fn;
        json v;
        if (fn == "count")
          v = aggs[a].count;
        else if (fn == "sum")
          v = aggs[a].count ? json(aggs[a].sum) : json(nullptr);
        else if (fn == "avg")
          v = aggs[a].count ? json(aggs[a].sum / aggs[a].count) : json(nullptr);
        else if (fn == "min")
          v = aggs[a].min;
        else
          v = aggs[a].max;
        ASSIGN_OR_RETURN(parquet::Value pv, Typed(flow.name, out[key.size() + a], v));
        items.push_back(std::move(pv));
      }
      rows.push_back(parquet::Value::Struct(std::move(items)));
    }
  }

  DeltaType gold;
  gold.kind = K::kStruct;
  for (const auto& c : out) gold.fields.push_back({c.name, c.type, true, "{}"});
  ASSIGN_OR_RETURN(auto dst, delta::LogStore::OpenLocal(flow.target));
  delta::WriteRequest req;
  req.mode = delta::SaveMode::kOverwrite;
  Result<delta::WriteResult> w = delta::WriteRows(dst, gold, rows, req);
  if (!w.ok()) return w.status().WithContext("dataflow " + flow.name + ": target " + flow.target);
  result.rows_out = static_cast<int64_t>(rows.size());
  result.version = w->commit.version;
  return result;
}

}  // namespace lakestream::odata
