#include "parquet/schema.h"

#include <cctype>
#include <functional>
#include <set>

namespace lakestream::parquet {
namespace {

constexpr int kMaxDepth = 64;

std::optional<ConvertedType> ConvertedFromLogical(const LogicalType& lt) {
  using K = LogicalType::Kind;
  switch (lt.kind) {
    case K::kString: return ConvertedType::kUtf8;
    case K::kMap: return ConvertedType::kMap;
    case K::kList: return ConvertedType::kList;
    case K::kEnum: return ConvertedType::kEnum;
    case K::kDecimal: return ConvertedType::kDecimal;
    case K::kDate: return ConvertedType::kDate;
    case K::kJson: return ConvertedType::kJson;
    case K::kBson: return ConvertedType::kBson;
    case K::kTime:
      if (!lt.is_adjusted_to_utc) return std::nullopt;
      if (lt.unit == TimeUnit::kMillis) return ConvertedType::kTimeMillis;
      if (lt.unit == TimeUnit::kMicros) return ConvertedType::kTimeMicros;
      return std::nullopt;
    case K::kTimestamp:
      if (!lt.is_adjusted_to_utc) return std::nullopt;
      if (lt.unit == TimeUnit::kMillis) return ConvertedType::kTimestampMillis;
      if (lt.unit == TimeUnit::kMicros) return ConvertedType::kTimestampMicros;
      return std::nullopt;
    case K::kInteger:
      switch (lt.bit_width) {
        case 8: return lt.is_signed ? ConvertedType::kInt8 : ConvertedType::kUint8;
        case 16: return lt.is_signed ? ConvertedType::kInt16 : ConvertedType::kUint16;
        case 32: return lt.is_signed ? ConvertedType::kInt32 : ConvertedType::kUint32;
        case 64: return lt.is_signed ? ConvertedType::kInt64 : ConvertedType::kUint64;
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::string_view RepetitionName(Repetition r) {
  switch (r) {
    case Repetition::kRequired: return "required";
    case Repetition::kOptional: return "optional";
    case Repetition::kRepeated: return "repeated";
  }
  return "?";
}

std::string UnitName(TimeUnit u) {
  return u == TimeUnit::kMillis ? "MILLIS" : u == TimeUnit::kMicros ? "MICROS" : "NANOS";
}

std::string Annotation(const SchemaNode& n) {
  if (n.logical_type) {
    const LogicalType& lt = *n.logical_type;
    using K = LogicalType::Kind;
    switch (lt.kind) {
      case K::kString: return "STRING";
      case K::kMap: return "MAP";
      case K::kList: return "LIST";
      case K::kEnum: return "ENUM";
      case K::kDecimal:
        return "DECIMAL(" + std::to_string(lt.precision) + "," + std::to_string(lt.scale) + ")";
      case K::kDate: return "DATE";
      case K::kTime:
        return "TIME(" + UnitName(lt.unit) + "," + (lt.is_adjusted_to_utc ? "true" : "false") + ")";
      case K::kTimestamp:
        return "TIMESTAMP(" + UnitName(lt.unit) + "," + (lt.is_adjusted_to_utc ? "true" : "false") +
               ")";
      case K::kInteger:
        return "INTEGER(" + std::to_string(lt.bit_width) + "," + (lt.is_signed ? "true" : "false") +
               ")";
      case K::kUnknown: return "UNKNOWN";
      case K::kJson: return "JSON";
      case K::kBson: return "BSON";
      case K::kUuid: return "UUID";
      case K::kFloat16: return "FLOAT16";
      case K::kVariant: return "VARIANT";
      case K::kGeometry: return "GEOMETRY";
      case K::kGeography: return "GEOGRAPHY";
      case K::kNone: break;
    }
  }
  if (n.converted_type) {
    if (*n.converted_type == ConvertedType::kDecimal) {
      return "DECIMAL(" + std::to_string(n.precision) + "," + std::to_string(n.scale) + ")";
    }
    return std::string(ConvertedTypeName(*n.converted_type));
  }
  return "";
}

void Print(const SchemaNode& n, int indent, std::string* out) {
  out->append(indent, ' ');
  out->append(RepetitionName(n.repetition));
  out->push_back(' ');
  if (n.is_leaf) {
    std::string t(PhysicalTypeName(n.physical_type));
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (n.physical_type == PhysicalType::kByteArray) t = "binary";
    if (n.physical_type == PhysicalType::kFixedLenByteArray) {
      t = "fixed_len_byte_array(" + std::to_string(n.type_length) + ")";
    }
    out->append(t);
  } else {
    out->append("group");
  }
  out->push_back(' ');
  out->append(n.name);
  std::string ann = Annotation(n);
  if (!ann.empty()) out->append(" (" + ann + ")");
  if (n.field_id) out->append(" = " + std::to_string(*n.field_id));
  if (n.is_leaf) {
    out->append(";\n");
    return;
  }
  out->append(" {\n");
  for (const auto& c : n.children) Print(c, indent + 2, out);
  out->append(indent, ' ');
  out->append("}\n");
}

struct ElementParser {
  const std::vector<SchemaElement>& elems;
  size_t pos = 0;

  Status Parse(SchemaNode* node, int depth, bool is_root) {
    if (depth > kMaxDepth) return Status::Corruption("parquet: schema nested deeper than 64");
    if (pos >= elems.size()) return Status::Corruption("parquet: schema: children run past the end");
    const SchemaElement& e = elems[pos++];
    node->name = e.name;
    node->repetition = e.repetition_type.value_or(Repetition::kRequired);
    if (static_cast<int32_t>(node->repetition) < 0 || static_cast<int32_t>(node->repetition) > 2) {
      return Status::Corruption("parquet: schema: field " + e.name + ": bad repetition");
    }
    node->converted_type = e.converted_type;
    node->logical_type = e.logical_type;
    node->precision = e.precision.value_or(0);
    node->scale = e.scale.value_or(0);
    if (node->logical_type && node->logical_type->kind == LogicalType::Kind::kDecimal) {
      node->precision = node->logical_type->precision;
      node->scale = node->logical_type->scale;
    }
    node->field_id = e.field_id;
    int32_t nchildren = e.num_children.value_or(0);
    if (is_root || nchildren > 0 || !e.type) {
      if (nchildren < 0 || static_cast<size_t>(nchildren) > elems.size() - pos) {
        return Status::Corruption("parquet: schema: group " + e.name + " claims " +
                                  std::to_string(nchildren) + " children, " +
                                  std::to_string(elems.size() - pos) + " elements remain");
      }
      if (!is_root && nchildren == 0) {
        return Status::Corruption("parquet: schema: field " + e.name + " has neither type nor children");
      }
      node->is_leaf = false;
      node->children.resize(nchildren);
      for (auto& c : node->children) RETURN_IF_ERROR(Parse(&c, depth + 1, false));
      return Status::OK();
    }
    node->is_leaf = true;
    node->physical_type = *e.type;
    if (static_cast<int32_t>(*e.type) < 0 || static_cast<int32_t>(*e.type) > 7) {
      return Status::Corruption("parquet: schema: field " + e.name + ": unknown physical type " +
                                std::to_string(static_cast<int32_t>(*e.type)));
    }
    node->type_length = e.type_length.value_or(0);
    if (node->physical_type == PhysicalType::kFixedLenByteArray &&
        (node->type_length <= 0 || node->type_length > (1 << 24))) {
      return Status::Corruption("parquet: schema: field " + e.name + ": bad FIXED_LEN_BYTE_ARRAY length " +
                                std::to_string(node->type_length));
    }
    return Status::OK();
  }
};

void ToElementsRec(const SchemaNode& n, bool is_root, std::vector<SchemaElement>* out) {
  SchemaElement e;
  e.name = n.name;
  if (!is_root) e.repetition_type = n.repetition;
  if (n.is_leaf) {
    e.type = n.physical_type;
    if (n.physical_type == PhysicalType::kFixedLenByteArray) e.type_length = n.type_length;
  } else {
    e.num_children = static_cast<int32_t>(n.children.size());
  }
  e.logical_type = n.logical_type;
  e.converted_type = n.converted_type;
  if (!e.converted_type && n.logical_type) e.converted_type = ConvertedFromLogical(*n.logical_type);
  if (e.converted_type == ConvertedType::kDecimal) {
    e.precision = n.precision;
    e.scale = n.scale;
  }
  e.field_id = n.field_id;
  out->push_back(std::move(e));
  for (const auto& c : n.children) ToElementsRec(c, false, out);
}

SchemaNode MakeLeaf(std::string name, Repetition rep, PhysicalType type) {
  SchemaNode n;
  n.name = std::move(name);
  n.repetition = rep;
  n.is_leaf = true;
  n.physical_type = type;
  return n;
}

SchemaNode WithLogical(SchemaNode n, LogicalType lt) {
  n.logical_type = lt;
  n.converted_type = ConvertedFromLogical(lt);
  return n;
}

}  // namespace

bool SchemaNode::is_list() const {
  return !is_leaf && ((logical_type && logical_type->kind == LogicalType::Kind::kList) ||
                      converted_type == ConvertedType::kList);
}

bool SchemaNode::is_map() const {
  return !is_leaf && ((logical_type && logical_type->kind == LogicalType::Kind::kMap) ||
                      converted_type == ConvertedType::kMap ||
                      converted_type == ConvertedType::kMapKeyValue);
}

std::string ColumnDescriptor::dotted_path() const {
  std::string out;
  for (const auto& p : path) {
    if (!out.empty()) out.push_back('.');
    out += p;
  }
  return out;
}

Result<Schema> Schema::FromElements(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Status::Corruption("parquet: schema has no elements");
  Schema s;
  s.root_ = std::make_shared<SchemaNode>();
  ElementParser p{elements};
  RETURN_IF_ERROR(p.Parse(s.root_.get(), 0, true));
  if (p.pos != elements.size()) {
    return Status::Corruption("parquet: schema: " + std::to_string(elements.size() - p.pos) +
                              " elements not reachable from the root");
  }
  RETURN_IF_ERROR(s.Finish());
  return s;
}

Result<Schema> Schema::FromRoot(SchemaNode root) {
  Schema s;
  root.is_leaf = false;
  s.root_ = std::make_shared<SchemaNode>(std::move(root));
  // Validate the tree a writer gave us.
  std::vector<const SchemaNode*> stack{s.root_.get()};
  while (!stack.empty()) {
    const SchemaNode* n = stack.back();
    stack.pop_back();
    if (n->is_leaf) {
      if (n->physical_type == PhysicalType::kFixedLenByteArray && n->type_length <= 0) {
        return Status::InvalidArgument("parquet: schema: " + n->name + ": FIXED_LEN_BYTE_ARRAY needs a length");
      }
      continue;
    }
    if (n->children.empty() && n != s.root_.get()) {
      return Status::InvalidArgument("parquet: schema: group " + n->name + " has no fields");
    }
    std::set<std::string> names;
    for (const auto& c : n->children) {
      if (!names.insert(c.name).second) {
        return Status::InvalidArgument("parquet: schema: group " + n->name + " has two fields named " + c.name);
      }
      stack.push_back(&c);
    }
  }
  if (s.root_->children.empty()) return Status::InvalidArgument("parquet: schema has no columns");
  RETURN_IF_ERROR(s.Finish());
  return s;
}

Status Schema::Finish() {
  columns_.clear();
  std::vector<std::string> path;
  // Iterative DFS would obscure this; depth is bounded by kMaxDepth.
  std::function<void(SchemaNode*, int16_t, int16_t)> visit = [&](SchemaNode* n, int16_t def,
                                                                 int16_t rep) {
    n->def_level = def;
    n->rep_level = rep;
    n->first_leaf = static_cast<int>(columns_.size());
    if (n->is_leaf) {
      ColumnDescriptor d;
      d.index = n->first_leaf;
      d.path = path;
      d.node = n;
      d.max_def = def;
      d.max_rep = rep;
      d.physical_type = n->physical_type;
      d.type_length = n->type_length;
      columns_.push_back(std::move(d));
    }
    for (auto& c : n->children) {
      path.push_back(c.name);
      visit(&c, static_cast<int16_t>(def + (c.repetition != Repetition::kRequired ? 1 : 0)),
            static_cast<int16_t>(rep + (c.repetition == Repetition::kRepeated ? 1 : 0)));
      path.pop_back();
    }
    n->num_leaves = static_cast<int>(columns_.size()) - n->first_leaf;
  };
  visit(root_.get(), 0, 0);
  if (columns_.empty()) return Status::Corruption("parquet: schema has no leaf columns");
  return Status::OK();
}

std::vector<SchemaElement> Schema::ToElements() const {
  std::vector<SchemaElement> out;
  ToElementsRec(*root_, true, &out);
  return out;
}

int Schema::FindColumn(const std::string& dotted_path) const {
  for (const auto& c : columns_) {
    if (c.dotted_path() == dotted_path) return c.index;
  }
  return -1;
}

const SchemaNode* Schema::FindField(const std::string& name) const {
  for (const auto& c : root_->children) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string Schema::ToString() const {
  std::string out = "message " + (root_->name.empty() ? std::string("schema") : root_->name) + " {\n";
  for (const auto& c : root_->children) Print(c, 2, &out);
  out += "}\n";
  return out;
}

namespace field {

SchemaNode Bool(std::string name, Repetition rep) {
  return MakeLeaf(std::move(name), rep, PhysicalType::kBoolean);
}
SchemaNode Int8(std::string name, Repetition rep) {
  LogicalType lt;
  lt.kind = LogicalType::Kind::kInteger;
  lt.bit_width = 8;
  return WithLogical(MakeLeaf(std::move(name), rep, PhysicalType::kInt32), lt);
}
SchemaNode Int16(std::string name, Repetition rep) {
  LogicalType lt;
  lt.kind = LogicalType::Kind::kInteger;
  lt.bit_width = 16;
  return WithLogical(MakeLeaf(std::move(name), rep, PhysicalType::kInt32), lt);
}
SchemaNode Int32(std::string name, Repetition rep) {
  return MakeLeaf(std::move(name), rep, PhysicalType::kInt32);
}
SchemaNode Int64(std::string name, Repetition rep) {
  return MakeLeaf(std::move(name), rep, PhysicalType::kInt64);
}
SchemaNode Float(std::string name, Repetition rep) {
  return MakeLeaf(std::move(name), rep, PhysicalType::kFloat);
}
SchemaNode Double(std::string name, Repetition rep) {
  return MakeLeaf(std::move(name), rep, PhysicalType::kDouble);
}
SchemaNode String(std::string name, Repetition rep) {
  LogicalType lt;
  lt.kind = LogicalType::Kind::kString;
  return WithLogical(MakeLeaf(std::move(name), rep, PhysicalType::kByteArray), lt);
}
SchemaNode Binary(std::string name, Repetition rep) {
  return MakeLeaf(std::move(name), rep, PhysicalType::kByteArray);
}
SchemaNode FixedBinary(std::string name, int32_t length, Repetition rep) {
  SchemaNode n = MakeLeaf(std::move(name), rep, PhysicalType::kFixedLenByteArray);
  n.type_length = length;
  return n;
}
SchemaNode Date(std::string name, Repetition rep) {
  LogicalType lt;
  lt.kind = LogicalType::Kind::kDate;
  return WithLogical(MakeLeaf(std::move(name), rep, PhysicalType::kInt32), lt);
}
SchemaNode Timestamp(std::string name, TimeUnit unit, bool utc, Repetition rep) {
  LogicalType lt;
  lt.kind = LogicalType::Kind::kTimestamp;
  lt.unit = unit;
  lt.is_adjusted_to_utc = utc;
  return WithLogical(MakeLeaf(std::move(name), rep, PhysicalType::kInt64), lt);
}
SchemaNode Decimal(std::string name, int32_t precision, int32_t scale, Repetition rep) {
  LogicalType lt;
  lt.kind = LogicalType::Kind::kDecimal;
  lt.precision = precision;
  lt.scale = scale;
  SchemaNode n;
  if (precision <= 9) {
    n = MakeLeaf(std::move(name), rep, PhysicalType::kInt32);
  } else if (precision <= 18) {
    n = MakeLeaf(std::move(name), rep, PhysicalType::kInt64);
  } else {
    n = MakeLeaf(std::move(name), rep, PhysicalType::kFixedLenByteArray);
    // Smallest byte length whose signed range holds 10^precision - 1.
    int32_t len = 1;
    while (len < 32 && (8.0 * len - 1) * 0.30102999566398120 < precision) ++len;
    n.type_length = len;
  }
  n.precision = precision;
  n.scale = scale;
  return WithLogical(std::move(n), lt);
}
SchemaNode Struct(std::string name, std::vector<SchemaNode> children, Repetition rep) {
  SchemaNode n;
  n.name = std::move(name);
  n.repetition = rep;
  n.children = std::move(children);
  return n;
}
SchemaNode List(std::string name, SchemaNode element, Repetition rep) {
  element.name = "element";
  SchemaNode list = Struct("list", {std::move(element)}, Repetition::kRepeated);
  LogicalType lt;
  lt.kind = LogicalType::Kind::kList;
  return WithLogical(Struct(std::move(name), {std::move(list)}, rep), lt);
}
SchemaNode Map(std::string name, SchemaNode key, SchemaNode value, Repetition rep) {
  key.name = "key";
  key.repetition = Repetition::kRequired;
  value.name = "value";
  SchemaNode kv = Struct("key_value", {std::move(key), std::move(value)}, Repetition::kRepeated);
  LogicalType lt;
  lt.kind = LogicalType::Kind::kMap;
  return WithLogical(Struct(std::move(name), {std::move(kv)}, rep), lt);
}

}  // namespace field
}  // namespace lakestream::parquet
