#include "delta/schema.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "delta/json_util_internal.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using K = DeltaType::Kind;

constexpr int kMaxDepth = 64;

struct PrimitiveName {
  std::string_view name;
  K kind;
};
constexpr PrimitiveName kPrimitives[] = {
    {"string", K::kString}, {"long", K::kLong},           {"integer", K::kInteger},
    {"short", K::kShort},   {"byte", K::kByte},           {"float", K::kFloat},
    {"double", K::kDouble}, {"boolean", K::kBoolean},     {"binary", K::kBinary},
    {"date", K::kDate},     {"timestamp", K::kTimestamp}, {"timestamp_ntz", K::kTimestampNtz},
    {"void", K::kVoid},     {"variant", K::kVariant},
};

Result<DeltaType> ParsePrimitive(std::string_view name, const std::string& where) {
  for (const auto& p : kPrimitives) {
    if (p.name == name) {
      DeltaType t;
      t.kind = p.kind;
      return t;
    }
  }
  // decimal(p,s), decimal(p, s), or bare "decimal" (Spark's default 10,0).
  if (name.starts_with("decimal")) {
    DeltaType t;
    t.kind = K::kDecimal;
    std::string_view rest = name.substr(7);
    if (rest.empty()) {
      t.precision = 10;
      return t;
    }
    std::string s;
    for (char c : rest) {
      if (c != ' ') s.push_back(c);
    }
    int p = 0, sc = 0;
    if (s.size() >= 5 && s.front() == '(' && s.back() == ')') {
      size_t comma = s.find(',');
      if (comma != std::string::npos) {
        auto r1 = std::from_chars(s.data() + 1, s.data() + comma, p);
        auto r2 = std::from_chars(s.data() + comma + 1, s.data() + s.size() - 1, sc);
        if (r1.ec == std::errc() && r1.ptr == s.data() + comma && r2.ec == std::errc() &&
            r2.ptr == s.data() + s.size() - 1 && p >= 1 && p <= 38 && sc >= 0 && sc <= p) {
          t.precision = p;
          t.scale = sc;
          return t;
        }
      }
    }
    return Status::Corruption(where + ": bad decimal type " + std::string(name));
  }
  return Status::Corruption(where + ": unknown type " + std::string(name));
}

Result<DeltaType> ParseType(const json& j, const std::string& where, int depth);

Result<StructField> ParseField(const json& j, const std::string& where, int depth) {
  if (!j.is_object()) return Status::Corruption(where + ": a field is not an object");
  internal::JsonObject o(j, where);
  StructField f;
  RETURN_IF_ERROR(o.Str("name", &f.name));
  std::string fwhere = where + "." + f.name;
  const json* t = o.Find("type");
  if (t == nullptr) return Status::Corruption(fwhere + ": no type");
  ASSIGN_OR_RETURN(f.type, ParseType(*t, fwhere, depth + 1));
  RETURN_IF_ERROR(o.Bool("nullable", &f.nullable, /*required=*/false));
  if (const json* m = o.Find("metadata"); m != nullptr && !m->is_null()) {
    if (!m->is_object()) return Status::Corruption(fwhere + ": metadata is not an object");
    f.metadata_json = internal::Dump(*m);
  }
  return f;
}

Result<DeltaType> ParseType(const json& j, const std::string& where, int depth) {
  if (depth > kMaxDepth) return Status::Corruption(where + ": schema nested too deeply");
  if (j.is_string()) return ParsePrimitive(j.get<std::string>(), where);
  if (!j.is_object()) return Status::Corruption(where + ": a type must be a string or an object");
  internal::JsonObject o(j, where);
  std::string type;
  RETURN_IF_ERROR(o.Str("type", &type));
  DeltaType t;
  if (type == "struct") {
    t.kind = K::kStruct;
    const json* fields = o.Find("fields");
    if (fields == nullptr || !fields->is_array()) {
      return Status::Corruption(where + ": struct without a fields array");
    }
    for (const auto& f : *fields) {
      ASSIGN_OR_RETURN(StructField sf, ParseField(f, where, depth));
      t.fields.push_back(std::move(sf));
    }
    return t;
  }
  if (type == "array") {
    t.kind = K::kArray;
    const json* e = o.Find("elementType");
    if (e == nullptr) return Status::Corruption(where + ": array without elementType");
    ASSIGN_OR_RETURN(DeltaType et, ParseType(*e, where + ".element", depth + 1));
    t.children.push_back(std::move(et));
    RETURN_IF_ERROR(o.Bool("containsNull", &t.contains_null, /*required=*/false));
    return t;
  }
  if (type == "map") {
    t.kind = K::kMap;
    const json* k = o.Find("keyType");
    const json* v = o.Find("valueType");
    if (k == nullptr || v == nullptr) {
      return Status::Corruption(where + ": map without keyType/valueType");
    }
    ASSIGN_OR_RETURN(DeltaType kt, ParseType(*k, where + ".key", depth + 1));
    ASSIGN_OR_RETURN(DeltaType vt, ParseType(*v, where + ".value", depth + 1));
    t.children.push_back(std::move(kt));
    t.children.push_back(std::move(vt));
    RETURN_IF_ERROR(o.Bool("valueContainsNull", &t.contains_null, /*required=*/false));
    return t;
  }
  // {"type":"long"} is accepted as a primitive too.
  return ParsePrimitive(type, where);
}

ordered_json TypeJson(const DeltaType& t);

ordered_json FieldJson(const StructField& f) {
  ordered_json o;
  o["name"] = f.name;
  o["type"] = TypeJson(f.type);
  o["nullable"] = f.nullable;
  ordered_json m = ordered_json::parse(f.metadata_json, nullptr, false);
  o["metadata"] = m.is_discarded() ? ordered_json::object() : m;
  return o;
}

ordered_json TypeJson(const DeltaType& t) {
  switch (t.kind) {
    case K::kStruct: {
      ordered_json o;
      o["type"] = "struct";
      o["fields"] = ordered_json::array();
      for (const auto& f : t.fields) o["fields"].push_back(FieldJson(f));
      return o;
    }
    case K::kArray: {
      ordered_json o;
      o["type"] = "array";
      o["elementType"] = TypeJson(t.children[0]);
      o["containsNull"] = t.contains_null;
      return o;
    }
    case K::kMap: {
      ordered_json o;
      o["type"] = "map";
      o["keyType"] = TypeJson(t.children[0]);
      o["valueType"] = TypeJson(t.children[1]);
      o["valueContainsNull"] = t.contains_null;
      return o;
    }
    default:
      return t.ToString();
  }
}

using parquet::Repetition;
using parquet::SchemaNode;
namespace field = parquet::field;

Result<SchemaNode> ToNode(const std::string& name, const DeltaType& t, bool nullable, int depth) {
  if (depth > kMaxDepth) return Status::InvalidArgument("delta: schema nested too deeply");
  Repetition rep = nullable ? Repetition::kOptional : Repetition::kRequired;
  switch (t.kind) {
    case K::kString:
      return field::String(name, rep);
    case K::kLong:
      return field::Int64(name, rep);
    case K::kInteger:
      return field::Int32(name, rep);
    case K::kShort:
      return field::Int16(name, rep);
    case K::kByte:
      return field::Int8(name, rep);
    case K::kFloat:
      return field::Float(name, rep);
    case K::kDouble:
      return field::Double(name, rep);
    case K::kBoolean:
      return field::Bool(name, rep);
    case K::kBinary:
      return field::Binary(name, rep);
    case K::kDate:
      return field::Date(name, rep);
    case K::kTimestamp:
      return field::Timestamp(name, parquet::TimeUnit::kMicros, true, rep);
    case K::kTimestampNtz:
      return field::Timestamp(name, parquet::TimeUnit::kMicros, false, rep);
    case K::kDecimal:
      return field::Decimal(name, t.precision, t.scale, rep);
    case K::kVoid:
      return Status::NotSupported("delta: column " + name + ": void columns are not stored");
    case K::kVariant:
      return Status::NotSupported("delta: column " + name + ": variant type (variantType)");
    case K::kStruct: {
      std::vector<SchemaNode> children;
      for (const auto& f : t.fields) {
        if (f.type.kind == K::kVoid) continue;  // never materialized in data files
        ASSIGN_OR_RETURN(SchemaNode c, ToNode(f.name, f.type, f.nullable, depth + 1));
        children.push_back(std::move(c));
      }
      if (children.empty()) {
        return Status::NotSupported("delta: column " + name + ": struct without stored fields");
      }
      return field::Struct(name, std::move(children), rep);
    }
    case K::kArray: {
      ASSIGN_OR_RETURN(SchemaNode e, ToNode("element", t.children[0], t.contains_null, depth + 1));
      return field::List(name, std::move(e), rep);
    }
    case K::kMap: {
      ASSIGN_OR_RETURN(SchemaNode k, ToNode("key", t.children[0], false, depth + 1));
      ASSIGN_OR_RETURN(SchemaNode v, ToNode("value", t.children[1], t.contains_null, depth + 1));
      return field::Map(name, std::move(k), std::move(v), rep);
    }
  }
  return Status::Internal("delta: unhandled type");
}

using LK = parquet::LogicalType::Kind;
using parquet::ConvertedType;
using parquet::PhysicalType;

DeltaType Prim(K k) {
  DeltaType t;
  t.kind = k;
  return t;
}

Result<DeltaType> LeafType(const SchemaNode& n) {
  LK lk = n.logical_type ? n.logical_type->kind : LK::kNone;
  std::optional<ConvertedType> ct = n.converted_type;
  bool is_decimal = lk == LK::kDecimal || ct == ConvertedType::kDecimal;
  if (is_decimal) {
    DeltaType t = Prim(K::kDecimal);
    t.precision = n.logical_type && lk == LK::kDecimal ? n.logical_type->precision : n.precision;
    t.scale = n.logical_type && lk == LK::kDecimal ? n.logical_type->scale : n.scale;
    return t;
  }
  switch (n.physical_type) {
    case PhysicalType::kBoolean:
      return Prim(K::kBoolean);
    case PhysicalType::kInt32: {
      if (lk == LK::kDate || ct == ConvertedType::kDate) return Prim(K::kDate);
      int width = 32;
      bool is_signed = true;
      if (lk == LK::kInteger) {
        width = n.logical_type->bit_width;
        is_signed = n.logical_type->is_signed;
      } else if (ct == ConvertedType::kInt8 || ct == ConvertedType::kUint8) {
        width = 8;
        is_signed = ct == ConvertedType::kInt8;
      } else if (ct == ConvertedType::kInt16 || ct == ConvertedType::kUint16) {
        width = 16;
        is_signed = ct == ConvertedType::kInt16;
      } else if (ct == ConvertedType::kUint32) {
        is_signed = false;
      }
      if (!is_signed) {
        // Widen to the next signed type that holds every value.
        return Prim(width == 8 ? K::kShort : width == 16 ? K::kInteger : K::kLong);
      }
      return Prim(width == 8 ? K::kByte : width == 16 ? K::kShort : K::kInteger);
    }
    case PhysicalType::kInt64: {
      if (lk == LK::kTimestamp) {
        return Prim(n.logical_type->is_adjusted_to_utc ? K::kTimestamp : K::kTimestampNtz);
      }
      if (ct == ConvertedType::kTimestampMicros || ct == ConvertedType::kTimestampMillis) {
        return Prim(K::kTimestamp);
      }
      if ((lk == LK::kInteger && !n.logical_type->is_signed) || ct == ConvertedType::kUint64) {
        return Status::NotSupported("delta: column " + n.name + ": unsigned 64-bit integers");
      }
      return Prim(K::kLong);
    }
    case PhysicalType::kInt96:
      return Prim(K::kTimestamp);
    case PhysicalType::kFloat:
      return Prim(K::kFloat);
    case PhysicalType::kDouble:
      return Prim(K::kDouble);
    case PhysicalType::kByteArray:
      if (lk == LK::kString || lk == LK::kEnum || lk == LK::kJson || ct == ConvertedType::kUtf8 ||
          ct == ConvertedType::kEnum || ct == ConvertedType::kJson) {
        return Prim(K::kString);
      }
      return Prim(K::kBinary);
    case PhysicalType::kFixedLenByteArray:
      return Prim(K::kBinary);
  }
  return Status::NotSupported("delta: column " + n.name + ": unsupported Parquet type");
}

Result<DeltaType> NodeType(const SchemaNode& n, int depth) {
  if (depth > kMaxDepth) return Status::NotSupported("delta: schema nested too deeply");
  if (n.is_leaf) {
    if (n.repetition == Repetition::kRepeated) {  // bare repeated leaf: a list
      SchemaNode inner = n;
      inner.repetition = Repetition::kRequired;
      ASSIGN_OR_RETURN(DeltaType e, LeafType(inner));
      DeltaType t = Prim(K::kArray);
      t.children.push_back(std::move(e));
      t.contains_null = false;
      return t;
    }
    return LeafType(n);
  }
  if (n.is_list()) {
    parquet::NestedShape s = parquet::ListShape(n);
    if (s.element != nullptr) {
      SchemaNode elem = *s.element;
      bool nullable = elem.repetition == Repetition::kOptional;
      if (elem.repetition == Repetition::kRepeated) elem.repetition = Repetition::kRequired;
      ASSIGN_OR_RETURN(DeltaType e, NodeType(elem, depth + 1));
      DeltaType t = Prim(K::kArray);
      t.children.push_back(std::move(e));
      t.contains_null = nullable;
      return t;
    }
  }
  if (n.is_map()) {
    parquet::NestedShape s = parquet::MapShape(n);
    if (s.key != nullptr && s.value != nullptr) {
      ASSIGN_OR_RETURN(DeltaType k, NodeType(*s.key, depth + 1));
      ASSIGN_OR_RETURN(DeltaType v, NodeType(*s.value, depth + 1));
      DeltaType t = Prim(K::kMap);
      t.children.push_back(std::move(k));
      t.children.push_back(std::move(v));
      t.contains_null = s.value->repetition != Repetition::kRequired;
      return t;
    }
  }
  DeltaType t = Prim(K::kStruct);
  for (const auto& c : n.children) {
    StructField f;
    f.name = c.name;
    ASSIGN_OR_RETURN(f.type, NodeType(c, depth + 1));
    f.nullable = c.repetition != Repetition::kRequired;
    t.fields.push_back(std::move(f));
  }
  if (n.repetition == Repetition::kRepeated) {  // unannotated repeated group: a list
    DeltaType a = Prim(K::kArray);
    a.children.push_back(std::move(t));
    a.contains_null = false;
    return a;
  }
  return t;
}

}  // namespace

std::string DeltaType::ToString() const {
  for (const auto& p : kPrimitives) {
    if (p.kind == kind) return std::string(p.name);
  }
  switch (kind) {
    case K::kDecimal:
      return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case K::kArray:
      return "array<" + children[0].ToString() + ">";
    case K::kMap:
      return "map<" + children[0].ToString() + "," + children[1].ToString() + ">";
    case K::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) s += ",";
        s += fields[i].name + ":" + fields[i].type.ToString();
      }
      return s + ">";
    }
    default:
      return "?";
  }
}

const StructField* DeltaType::FindField(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool DeltaType::operator==(const DeltaType& o) const {
  return kind == o.kind && precision == o.precision && scale == o.scale && fields == o.fields &&
         children == o.children && contains_null == o.contains_null;
}

Result<DeltaType> ParseTypeJson(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption("delta: schema: malformed JSON");
  return ParseType(j, "delta: schema", 0);
}

Result<DeltaType> ParseSchemaString(std::string_view text) {
  ASSIGN_OR_RETURN(DeltaType t, ParseTypeJson(text));
  if (t.kind != K::kStruct) {
    return Status::Corruption("delta: schema: the table schema is a " + t.ToString() +
                              ", not a struct");
  }
  return t;
}

std::string SchemaToJson(const DeltaType& type) {
  return TypeJson(type).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

Result<parquet::SchemaNode> ToParquetField(const StructField& field) {
  return ToNode(field.name, field.type, field.nullable, 0);
}

Result<parquet::Schema> ToParquetSchema(const DeltaType& schema) {
  if (schema.kind != K::kStruct) {
    return Status::InvalidArgument("delta: a table schema must be a struct");
  }
  std::vector<SchemaNode> children;
  for (const auto& f : schema.fields) {
    if (f.type.kind == K::kVoid) continue;
    ASSIGN_OR_RETURN(SchemaNode n, ToParquetField(f));
    children.push_back(std::move(n));
  }
  SchemaNode root = field::Struct("spark_schema", std::move(children), Repetition::kRequired);
  return parquet::Schema::FromRoot(std::move(root));
}

Result<DeltaType> FromParquetNode(const parquet::SchemaNode& node) { return NodeType(node, 0); }

Result<DeltaType> FromParquetSchema(const parquet::Schema& schema) {
  DeltaType t = Prim(K::kStruct);
  for (const auto& c : schema.root().children) {
    StructField f;
    f.name = c.name;
    ASSIGN_OR_RETURN(f.type, NodeType(c, 0));
    f.nullable = c.repetition != Repetition::kRequired;
    t.fields.push_back(std::move(f));
  }
  return t;
}

}  // namespace lakestream::delta
