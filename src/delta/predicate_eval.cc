// Binding predicates to a schema and evaluating them on files and rows.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "delta/column_mapping_writer.h"
#include "delta/partition_values.h"
#include "delta/predicate.h"
#include "parquet/json_printer.h"

namespace lakestream::delta {

using K = DeltaType::Kind;

struct BoundPredicate::Leaf {
  Expr::Kind kind;
  Expr::Op op;
  int field = 0;
  bool partition = false;
  // The column's key in partitionValues and stats: its physical name under
  // column mapping (delta/column_mapping_writer.h), else its name.
  std::string key;
  std::vector<Scalar> values;
};

namespace {

Scalar IntScalar(int64_t v) {
  Scalar s;
  s.kind = Scalar::Kind::kInt;
  s.i = v;
  return s;
}
Scalar DoubleScalar(double v) {
  Scalar s;
  s.kind = Scalar::Kind::kDouble;
  s.d = v;
  return s;
}
Scalar StringScalar(std::string v) {
  Scalar s;
  s.kind = Scalar::Kind::kString;
  s.s = std::move(v);
  return s;
}
Scalar BoolScalar(bool v) {
  Scalar s;
  s.kind = Scalar::Kind::kBool;
  s.b = v;
  return s;
}

bool IsIntegral(K k) {
  return k == K::kLong || k == K::kInteger || k == K::kShort || k == K::kByte;
}
bool IsFractional(K k) { return k == K::kFloat || k == K::kDouble || k == K::kDecimal; }
bool IsTime(K k) { return k == K::kTimestamp || k == K::kTimestampNtz; }

// A literal as a value of the column's type.
Result<Scalar> LiteralScalar(const StructField& f, const Expr::Literal& lit) {
  auto bad = [&] {
    return Status::InvalidArgument("delta: predicate: column " + f.name + " (" + f.type.ToString() +
                                   ") cannot be compared with " + lit.text);
  };
  K k = f.type.kind;
  if (k == K::kString || k == K::kBinary) {
    if (lit.kind != Expr::Literal::Kind::kString) return bad();
    return StringScalar(lit.text);
  }
  if (IsIntegral(k) || IsFractional(k)) {
    if (lit.kind == Expr::Literal::Kind::kBool) return bad();
    char* end = nullptr;
    if (IsIntegral(k)) {
      errno = 0;
      long long v = std::strtoll(lit.text.c_str(), &end, 10);
      if (end == lit.text.c_str() + lit.text.size() && errno == 0) return IntScalar(v);
    }
    double d = std::strtod(lit.text.c_str(), &end);
    if (lit.text.empty() || end != lit.text.c_str() + lit.text.size()) return bad();
    return DoubleScalar(d);
  }
  if (k == K::kDate) {
    if (lit.kind != Expr::Literal::Kind::kString) return bad();
    std::optional<int32_t> d = ParseDate(lit.text);
    if (!d) return bad();
    return IntScalar(*d);
  }
  if (IsTime(k)) {
    if (lit.kind != Expr::Literal::Kind::kString) return bad();
    std::optional<int64_t> us = ParseTimestampMicros(lit.text);
    if (!us) return bad();
    return IntScalar(*us);
  }
  if (k == K::kBoolean) {
    if (lit.text == "true" || lit.text == "TRUE") return BoolScalar(true);
    if (lit.text == "false" || lit.text == "FALSE") return BoolScalar(false);
    return bad();
  }
  return Status::InvalidArgument("delta: predicate: column " + f.name + " of type " +
                                 f.type.ToString() + " cannot be filtered on");
}

// A stats value (JSON) as a Scalar of the column's type; null when absent or
// not understood.
Scalar StatScalar(const DeltaType& t, const nlohmann::json* j, bool is_max) {
  if (j == nullptr || j->is_null()) return Scalar();
  K k = t.kind;
  if (IsIntegral(k) && j->is_number_integer()) return IntScalar(j->get<int64_t>());
  if (IsFractional(k) && j->is_number()) return DoubleScalar(j->get<double>());
  if (!j->is_string()) return Scalar();
  std::string s = j->get<std::string>();
  if (k == K::kString) return StringScalar(std::move(s));
  if (k == K::kDate) {
    std::optional<int32_t> d = ParseDate(s);
    return d ? IntScalar(*d) : Scalar();
  }
  if (IsTime(k)) {
    std::optional<int64_t> us = ParseTimestampMicros(s);
    if (!us) return Scalar();
    return IntScalar(is_max ? *us + 999 : *us);  // stats keep milliseconds only
  }
  return Scalar();
}

enum class Nulls { kNone, kAll, kSome, kUnknown };

struct ColumnRange {
  Scalar min, max;  // null when unknown
  Nulls nulls = Nulls::kUnknown;
};

bool Less(const Scalar& a, const Scalar& b, bool* ok) {
  std::optional<int> c = CompareScalars(a, b);
  if (!c) *ok = false;
  return c && *c < 0;
}
bool Equal(const Scalar& a, const Scalar& b, bool* ok) {
  std::optional<int> c = CompareScalars(a, b);
  if (!c) *ok = false;
  return c && *c == 0;
}

Tri EvalRange(const BoundPredicate::Leaf& leaf, const ColumnRange& r);

}  // namespace

std::optional<int> CompareScalars(const Scalar& a, const Scalar& b) {
  using SK = Scalar::Kind;
  auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.kind == SK::kInt && b.kind == SK::kInt) return sign(a.i, b.i);
  if ((a.kind == SK::kInt || a.kind == SK::kDouble) &&
      (b.kind == SK::kInt || b.kind == SK::kDouble)) {
    double x = a.kind == SK::kInt ? static_cast<double>(a.i) : a.d;
    double y = b.kind == SK::kInt ? static_cast<double>(b.i) : b.d;
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return sign(x, y);
  }
  if (a.kind == SK::kString && b.kind == SK::kString) {
    int c = a.s.compare(b.s);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.kind == SK::kBool && b.kind == SK::kBool) return sign(a.b, b.b);
  return std::nullopt;
}

Scalar ToScalar(const DeltaType& type, const parquet::SchemaNode& node, const parquet::Value& v) {
  using VK = parquet::Value::Kind;
  switch (v.kind) {
    case VK::kNull:
      return Scalar();
    case VK::kBool:
      return BoolScalar(v.b);
    case VK::kInt32:
    case VK::kInt64: {
      int64_t x = v.kind == VK::kInt32 ? v.i32 : v.i64;
      if (type.kind == K::kDecimal) return DoubleScalar(x / std::pow(10.0, type.scale));
      if (IsFractional(type.kind)) return DoubleScalar(static_cast<double>(x));
      return IntScalar(x);
    }
    case VK::kFloat:
      return DoubleScalar(v.f32);
    case VK::kDouble:
      return DoubleScalar(v.f64);
    case VK::kBytes:
      if (type.kind == K::kDecimal) {
        return DoubleScalar(
            std::strtod(parquet::DecimalToString(v.bytes, type.scale).c_str(), nullptr));
      }
      return StringScalar(v.bytes);
    default:
      return Scalar();
  }
}

Result<BoundPredicate> BoundPredicate::Bind(const Expr& expr, const DeltaType& schema,
                                            const std::vector<std::string>& partition_columns) {
  BoundPredicate p;
  p.expr_ = expr;
  auto schema_copy = std::make_shared<DeltaType>(schema);
  auto nodes = std::make_shared<std::vector<parquet::SchemaNode>>();
  for (const auto& f : schema.fields) {
    Result<parquet::SchemaNode> n = ToParquetField(f);
    nodes->push_back(n.ok() ? std::move(n).value() : parquet::SchemaNode());
  }
  auto leaves = std::make_shared<std::vector<Leaf>>();
  std::vector<bool> used(schema.fields.size(), false);
  // Builds the node tree and the leaves.
  std::function<Result<Node>(const Expr&)> build = [&](const Expr& e) -> Result<Node> {
    Node n;
    n.kind = e.kind;
    if (e.kind == Expr::Kind::kAnd || e.kind == Expr::Kind::kOr) {
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(Node child, build(c));
        n.children.push_back(std::move(child));
      }
      return n;
    }
    int idx = -1;
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      if (schema.fields[i].name == e.column) idx = static_cast<int>(i);
    }
    if (idx < 0) {
      return Status::InvalidArgument("delta: predicate: no column named " + e.column);
    }
    const StructField& f = schema.fields[idx];
    if (!f.type.is_primitive()) {
      return Status::InvalidArgument("delta: predicate: column " + f.name + " of type " +
                                     f.type.ToString() + " cannot be filtered on");
    }
    Leaf leaf;
    leaf.kind = e.kind;
    leaf.op = e.op;
    leaf.field = idx;
    leaf.key = PhysicalNameOf(f).value_or(f.name);
    for (const auto& pc : partition_columns) {
      if (pc == f.name) leaf.partition = true;
    }
    if (!leaf.partition) p.partition_only_ = false;
    for (const auto& lit : e.literals) {
      ASSIGN_OR_RETURN(Scalar s, LiteralScalar(f, lit));
      leaf.values.push_back(std::move(s));
    }
    used[idx] = true;
    n.leaf = static_cast<int>(leaves->size());
    leaves->push_back(std::move(leaf));
    return n;
  };
  ASSIGN_OR_RETURN(p.root_, build(expr));
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) p.columns_.push_back(static_cast<int>(i));
  }
  p.leaves_ = std::move(leaves);
  p.schema_ = std::move(schema_copy);
  p.nodes_ = std::move(nodes);
  return p;
}

namespace {

Tri EvalRange(const BoundPredicate::Leaf& leaf, const ColumnRange& r) {
  if (leaf.kind == Expr::Kind::kIsNull) {
    if (r.nulls == Nulls::kNone) return Tri::kFalse;
    if (r.nulls == Nulls::kAll) return Tri::kTrue;
    return Tri::kUnknown;
  }
  if (leaf.kind == Expr::Kind::kIsNotNull) {
    if (r.nulls == Nulls::kNone) return Tri::kTrue;
    if (r.nulls == Nulls::kAll) return Tri::kFalse;
    return Tri::kUnknown;
  }
  if (r.nulls == Nulls::kAll) return Tri::kFalse;  // comparisons with null never hold
  if (r.min.is_null() || r.max.is_null()) return Tri::kUnknown;
  bool ok = true;
  bool no_nulls = r.nulls == Nulls::kNone;
  bool point = Equal(r.min, r.max, &ok);
  const Scalar& min = r.min;
  const Scalar& max = r.max;
  auto outside = [&](const Scalar& v) { return Less(v, min, &ok) || Less(max, v, &ok); };
  Tri out = Tri::kUnknown;
  if (leaf.kind == Expr::Kind::kCompare) {
    const Scalar& v = leaf.values[0];
    switch (leaf.op) {
      case Expr::Op::kEq:
        if (outside(v))
          out = Tri::kFalse;
        else if (point && Equal(v, min, &ok) && no_nulls)
          out = Tri::kTrue;
        break;
      case Expr::Op::kNe:
        if (point && Equal(v, min, &ok))
          out = Tri::kFalse;
        else if (outside(v) && no_nulls)
          out = Tri::kTrue;
        break;
      case Expr::Op::kLt:  // col < v
        if (!Less(min, v, &ok))
          out = Tri::kFalse;
        else if (Less(max, v, &ok) && no_nulls)
          out = Tri::kTrue;
        break;
      case Expr::Op::kLe:
        if (Less(v, min, &ok))
          out = Tri::kFalse;
        else if (!Less(v, max, &ok) && no_nulls)
          out = Tri::kTrue;
        break;
      case Expr::Op::kGt:
        if (!Less(v, max, &ok))
          out = Tri::kFalse;
        else if (Less(v, min, &ok) && no_nulls)
          out = Tri::kTrue;
        break;
      case Expr::Op::kGe:
        if (Less(max, v, &ok))
          out = Tri::kFalse;
        else if (!Less(min, v, &ok) && no_nulls)
          out = Tri::kTrue;
        break;
    }
  } else {  // kIn, kNotIn
    bool all_outside = true, point_in = false;
    for (const auto& v : leaf.values) {
      if (!outside(v)) all_outside = false;
      if (point && Equal(v, min, &ok)) point_in = true;
    }
    if (leaf.kind == Expr::Kind::kIn) {
      if (all_outside)
        out = Tri::kFalse;
      else if (point_in && no_nulls)
        out = Tri::kTrue;
    } else {
      if (point_in)
        out = Tri::kFalse;
      else if (all_outside && no_nulls)
        out = Tri::kTrue;
    }
  }
  return ok ? out : Tri::kUnknown;
}

Tri Combine(Expr::Kind kind, const std::vector<Tri>& parts) {
  bool any_unknown = false;
  for (Tri t : parts) {
    if (kind == Expr::Kind::kAnd && t == Tri::kFalse) return Tri::kFalse;
    if (kind == Expr::Kind::kOr && t == Tri::kTrue) return Tri::kTrue;
    if (t == Tri::kUnknown) any_unknown = true;
  }
  if (any_unknown) return Tri::kUnknown;
  return kind == Expr::Kind::kAnd ? Tri::kTrue : Tri::kFalse;
}

}  // namespace

Tri BoundPredicate::EvalFileNode(const Node& n, const AddFile& add, const void* stats) const {
  if (n.leaf < 0) {
    std::vector<Tri> parts;
    for (const auto& c : n.children) {
      parts.push_back(EvalFileNode(c, add, stats));
      if (n.kind == Expr::Kind::kAnd && parts.back() == Tri::kFalse) return Tri::kFalse;
      if (n.kind == Expr::Kind::kOr && parts.back() == Tri::kTrue) return Tri::kTrue;
    }
    return Combine(n.kind, parts);
  }
  const Leaf& leaf = (*leaves_)[n.leaf];
  const StructField& f = schema_->fields[leaf.field];
  ColumnRange r;
  if (leaf.partition) {
    // By physical name; a file whose partition values lack it is keyed by logical name.
    auto it = add.partition_values.find(leaf.key);
    if (it == add.partition_values.end()) it = add.partition_values.find(f.name);
    std::optional<std::string> text;
    if (it != add.partition_values.end()) text = it->second;
    Result<parquet::Value> v = ParsePartitionValue(f, (*nodes_)[leaf.field], text);
    if (!v.ok()) return Tri::kUnknown;
    Scalar s = ToScalar(f.type, (*nodes_)[leaf.field], *v);
    r.nulls = s.is_null() ? Nulls::kAll : Nulls::kNone;
    r.min = s;
    r.max = s;
    return EvalRange(leaf, r);
  }
  const auto* j = static_cast<const nlohmann::json*>(stats);
  if (j == nullptr || !j->is_object()) return Tri::kUnknown;
  auto member = [&](const char* section) -> const nlohmann::json* {
    auto s = j->find(section);
    if (s == j->end() || !s->is_object()) return nullptr;
    auto c = s->find(leaf.key);
    return c == s->end() ? nullptr : &*c;
  };
  const nlohmann::json* nc = member("nullCount");
  auto nr = j->find("numRecords");
  if (nc && nc->is_number_integer()) {
    int64_t nulls = nc->get<int64_t>();
    if (nulls == 0) {
      r.nulls = Nulls::kNone;
    } else if (nr != j->end() && nr->is_number_integer() && nr->get<int64_t>() == nulls) {
      r.nulls = Nulls::kAll;
    } else {
      r.nulls = Nulls::kSome;
    }
  }
  r.min = StatScalar(f.type, member("minValues"), false);
  r.max = StatScalar(f.type, member("maxValues"), true);
  return EvalRange(leaf, r);
}

Tri BoundPredicate::EvalFile(const AddFile& add) const {
  nlohmann::json stats;
  const void* sp = nullptr;
  if (!partition_only_ && add.stats) {
    stats = nlohmann::json::parse(*add.stats, nullptr, false);
    if (!stats.is_discarded()) sp = &stats;
  }
  return EvalFileNode(root_, add, sp);
}

Tri BoundPredicate::EvalRowNode(const Node& n, const parquet::Value& row) const {
  if (n.leaf < 0) {
    std::vector<Tri> parts;
    for (const auto& c : n.children) parts.push_back(EvalRowNode(c, row));
    return Combine(n.kind, parts);
  }
  const Leaf& leaf = (*leaves_)[n.leaf];
  if (leaf.field >= static_cast<int>(row.items.size())) return Tri::kUnknown;
  Scalar v =
      ToScalar(schema_->fields[leaf.field].type, (*nodes_)[leaf.field], row.items[leaf.field]);
  if (leaf.kind == Expr::Kind::kIsNull) return v.is_null() ? Tri::kTrue : Tri::kFalse;
  if (leaf.kind == Expr::Kind::kIsNotNull) return v.is_null() ? Tri::kFalse : Tri::kTrue;
  if (v.is_null()) return Tri::kUnknown;
  ColumnRange r;
  r.min = v;
  r.max = v;
  r.nulls = Nulls::kNone;
  return EvalRange(leaf, r);
}

Tri BoundPredicate::EvalRow(const parquet::Value& row) const { return EvalRowNode(root_, row); }

}  // namespace lakestream::delta
