#include "delta/type_widening.h"

#include <nlohmann/json.hpp>

#include "common/ascii.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

using K = DeltaType::Kind;
using parquet::PhysicalType;
using parquet::SchemaNode;
using VK = parquet::Value::Kind;

// byte 1, short 2, int 3, long 4; 0 for every other type.
int IntegralRank(K k) {
  switch (k) {
    case K::kByte: return 1;
    case K::kShort: return 2;
    case K::kInteger: return 3;
    case K::kLong: return 4;
    default: return 0;
  }
}

// The digits an integral type needs as a decimal: decimal(10, 0) holds every
// int, decimal(20, 0) every long (PROTOCOL.md's 10 + k1 and 20 + k1).
int IntegralDigits(K k) { return k == K::kLong ? 20 : 10; }

bool IsUnsigned(const SchemaNode& n) {
  if (n.logical_type && n.logical_type->kind == parquet::LogicalType::Kind::kInteger) {
    return !n.logical_type->is_signed;
  }
  using CT = parquet::ConvertedType;
  return n.converted_type == CT::kUint8 || n.converted_type == CT::kUint16 ||
         n.converted_type == CT::kUint32 || n.converted_type == CT::kUint64;
}

__int128 Pow10(int n) {
  __int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// A decimal's unscaled value from its Parquet encoding: INT32, INT64, or
// big-endian two's complement bytes (at most 16 of them matter).
__int128 Unscaled(const parquet::Value& v) {
  if (v.kind == VK::kInt32) return v.i32;
  if (v.kind == VK::kInt64) return v.i64;
  __int128 r = 0;
  if (v.bytes.empty()) return r;
  if (static_cast<signed char>(v.bytes[0]) < 0) r = -1;  // sign-extend
  for (unsigned char c : v.bytes) r = (r << 8) | c;
  return r;
}

std::string BigEndian(__int128 x, int32_t length) {
  std::string out(static_cast<size_t>(length), '\0');
  for (int32_t i = length - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(static_cast<unsigned char>(x & 0xff));
    x >>= 8;  // arithmetic: negative values fill with 0xff
  }
  return out;
}

const StructField* FieldNamed(const DeltaType& t, const std::string& name) {
  if (const StructField* f = t.FindField(name)) return f;
  for (const StructField& f : t.fields) {
    if (EqualsIgnoreAsciiCase(f.name, name)) return &f;
  }
  return nullptr;
}

Result<DeltaType> TypeFromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_string() && !j.is_object()) {
    return Status::Corruption(where + ": delta.typeChanges entry lacks a type");
  }
  Result<DeltaType> t = ParseTypeJson(j.dump());
  if (!t.ok()) return t.status().WithContext(where + ": delta.typeChanges");
  return t;
}

Status CheckField(const StructField& f, const std::string& path, const std::string& context);

Status CheckType(const DeltaType& t, const std::string& path, const std::string& context) {
  for (const StructField& f : t.fields) {
    RETURN_IF_ERROR(CheckField(f, path.empty() ? f.name : path + "." + f.name, context));
  }
  for (const DeltaType& c : t.children) RETURN_IF_ERROR(CheckType(c, path, context));
  return Status::OK();
}

Status CheckField(const StructField& f, const std::string& path, const std::string& context) {
  nlohmann::json meta = nlohmann::json::parse(f.metadata_json, nullptr, false);
  auto changes = meta.is_object() ? meta.find("delta.typeChanges") : meta.end();
  if (meta.is_object() && changes != meta.end()) {
    const std::string where = "delta: " + context + ": column " + path;
    if (!changes->is_array()) {
      return Status::Corruption(where + ": delta.typeChanges is not a list");
    }
    for (const nlohmann::json& c : *changes) {
      if (!c.is_object() || !c.contains("fromType") || !c.contains("toType")) {
        return Status::Corruption(where + ": a delta.typeChanges entry lacks fromType or toType");
      }
      ASSIGN_OR_RETURN(DeltaType from, TypeFromJson(c["fromType"], where));
      ASSIGN_OR_RETURN(DeltaType to, TypeFromJson(c["toType"], where));
      if (!IsSupportedWidening(from, to)) {
        std::string at = c.contains("fieldPath") && c["fieldPath"].is_string()
                             ? " (" + c["fieldPath"].get<std::string>() + ")"
                             : "";
        return Status::NotSupported(where + at + ": type change " + from.ToString() + " -> " +
                                    to.ToString() + " is not a supported type widening");
      }
    }
  }
  return CheckType(f.type, path, context);
}

}  // namespace

bool IsSupportedWidening(const DeltaType& from, const DeltaType& to) {
  if (from == to) return true;
  int rf = IntegralRank(from.kind);
  if (rf > 0 && IntegralRank(to.kind) > 0) return rf <= IntegralRank(to.kind);
  if (to.kind == K::kDouble) return from.kind == K::kFloat || (rf > 0 && rf < 4);
  if (from.kind == K::kDate) return to.kind == K::kTimestampNtz;
  if (to.kind != K::kDecimal) return false;
  if (from.kind == K::kDecimal) {
    int k1 = to.precision - from.precision;
    int k2 = to.scale - from.scale;
    return k1 >= k2 && k2 >= 0;
  }
  if (rf == 0) return false;
  int k1 = to.precision - IntegralDigits(from.kind);
  return k1 >= to.scale && to.scale >= 0;
}

Status CheckTypeChanges(const DeltaType& schema, const std::string& context) {
  return CheckType(schema, "", context);
}

Status TypeWidening::Plan(const DeltaType& type, const std::string& path, SchemaNode* node) {
  *this = TypeWidening();
  switch (type.kind) {
    case K::kStruct: {
      if (node->is_leaf || node->is_list() || node->is_map()) return Status::OK();
      container_ = Container::kStruct;
      children_.resize(node->children.size());
      for (size_t i = 0; i < node->children.size(); ++i) {
        SchemaNode& c = node->children[i];
        const StructField* f = FieldNamed(type, c.name);
        if (f == nullptr) continue;
        RETURN_IF_ERROR(children_[i].Plan(f->type, path + "." + f->name, &c));
        if (children_[i].active()) op_ = Op::kNested;
      }
      break;
    }
    case K::kArray: {
      SchemaNode* elem = nullptr;
      if (node->is_list()) {
        elem = const_cast<SchemaNode*>(parquet::ListShape(*node).element);
      } else if (node->repetition == parquet::Repetition::kRepeated) {
        elem = node;  // an unannotated repeated field is a list of itself
      }
      if (elem == nullptr) return Status::OK();
      container_ = Container::kList;
      children_.resize(1);
      RETURN_IF_ERROR(children_[0].Plan(type.children[0], path + ".element", elem));
      if (children_[0].active()) op_ = Op::kNested;
      break;
    }
    case K::kMap: {
      if (!node->is_map()) return Status::OK();
      parquet::NestedShape s = parquet::MapShape(*node);
      if (s.key == nullptr) return Status::OK();
      container_ = Container::kMap;
      children_.resize(2);
      RETURN_IF_ERROR(
          children_[0].Plan(type.children[0], path + ".key", const_cast<SchemaNode*>(s.key)));
      if (s.value != nullptr) {
        RETURN_IF_ERROR(children_[1].Plan(type.children[1], path + ".value",
                                          const_cast<SchemaNode*>(s.value)));
      }
      if (children_[0].active() || children_[1].active()) op_ = Op::kNested;
      break;
    }
    default:
      if (node->is_leaf) return PlanLeaf(type, path, node);
      break;
  }
  if (op_ == Op::kNone) children_.clear();
  return Status::OK();
}

Status TypeWidening::PlanLeaf(const DeltaType& to, const std::string& path, SchemaNode* node) {
  Result<DeltaType> from = FromParquetNode(*node);
  if (!from.ok() || *from == to || !IsSupportedWidening(*from, to) || IsUnsigned(*node)) {
    return Status::OK();  // the same type, or not a widening: read as before
  }
  const K fk = from->kind;
  if (to.kind == K::kDecimal) {
    op_ = Op::kToDecimal;
    scale_up = to.scale - (fk == K::kDecimal ? from->scale : 0);
  } else if (to.kind == K::kDouble) {
    op_ = Op::kToDouble;
  } else if (fk == K::kDate) {
    op_ = Op::kDaysToMicros;
  } else if (to.kind == K::kLong) {
    op_ = Op::kToInt64;
  }
  // byte -> short -> int keep their INT32 values: only the node changes.
  StructField as_table{node->name, to, node->repetition != parquet::Repetition::kRequired, "{}"};
  Result<SchemaNode> t = ToParquetField(as_table);
  if (!t.ok()) return t.status().WithContext("delta: column " + path);
  node->physical_type = t->physical_type;
  node->type_length = t->type_length;
  node->converted_type = t->converted_type;
  node->logical_type = t->logical_type;
  node->precision = t->precision;
  node->scale = t->scale;
  to_physical = t->physical_type;
  to_length = t->type_length;
  return Status::OK();
}

void TypeWidening::Apply(parquet::Value* v) const {
  if (op_ == Op::kNone || v->is_null()) return;
  switch (op_) {
    case Op::kNone:
      return;
    case Op::kNested:
      if (container_ == Container::kStruct && v->kind == VK::kStruct) {
        for (size_t i = 0; i < v->items.size() && i < children_.size(); ++i) {
          children_[i].Apply(&v->items[i]);
        }
      } else if (container_ == Container::kList && v->kind == VK::kList) {
        for (auto& e : v->items) children_[0].Apply(&e);
      } else if (container_ == Container::kMap && v->kind == VK::kMap) {
        for (auto& e : v->items) {
          if (e.kind != VK::kStruct || e.items.size() != 2) continue;
          children_[0].Apply(&e.items[0]);
          children_[1].Apply(&e.items[1]);
        }
      }
      return;
    case Op::kToInt64:
      if (v->kind == VK::kInt32) *v = parquet::Value::Int64(v->i32);
      return;
    case Op::kToDouble:
      if (v->kind == VK::kInt32) *v = parquet::Value::Double(v->i32);
      if (v->kind == VK::kFloat) *v = parquet::Value::Double(v->f32);
      return;
    case Op::kDaysToMicros:
      if (v->kind == VK::kInt32) *v = parquet::Value::Int64(int64_t{v->i32} * 86'400'000'000);
      return;
    case Op::kToDecimal: {
      if (v->kind != VK::kInt32 && v->kind != VK::kInt64 && v->kind != VK::kBytes) return;
      __int128 x = Unscaled(*v) * Pow10(scale_up);
      if (to_physical == PhysicalType::kInt32) {
        *v = parquet::Value::Int32(static_cast<int32_t>(x));
      } else if (to_physical == PhysicalType::kInt64) {
        *v = parquet::Value::Int64(static_cast<int64_t>(x));
      } else {
        *v = parquet::Value::Bytes(BigEndian(x, to_length));
      }
      return;
    }
  }
}

}  // namespace lakestream::delta
