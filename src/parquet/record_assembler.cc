#include "parquet/record_assembler.h"

namespace lakestream::parquet {

NestedShape ListShape(const SchemaNode& list) {
  NestedShape s;
  if (list.is_leaf || list.children.size() != 1) return s;
  const SchemaNode& r = list.children[0];
  if (r.repetition != Repetition::kRepeated) return s;
  s.repeated = &r;
  if (r.is_leaf || r.children.size() > 1 || r.name == "array" || r.name == list.name + "_tuple") {
    s.element = &r;  // two-level list: the repeated field is the element
  } else {
    s.element = &r.children[0];
  }
  return s;
}

NestedShape MapShape(const SchemaNode& map) {
  NestedShape s;
  if (map.is_leaf || map.children.size() != 1) return s;
  const SchemaNode& r = map.children[0];
  if (r.repetition != Repetition::kRepeated || r.is_leaf || r.children.empty() ||
      r.children.size() > 2) {
    return s;
  }
  s.repeated = &r;
  s.key = &r.children[0];
  s.value = r.children.size() == 2 ? &r.children[1] : nullptr;
  return s;
}

namespace {

// Walks the level streams of the leaves under the selected fields.
class Assembly {
 public:
  Assembly(const Schema& schema, const std::vector<ColumnData>& cols)
      : schema_(schema), cols_(cols), pos_(cols.size(), 0), vpos_(cols.size(), 0) {}

  Status Field(const SchemaNode& node, Value* out) {
    if (node.repetition == Repetition::kRepeated) return Repeated(node, out);
    int16_t d = 0;
    RETURN_IF_ERROR(Def(node.first_leaf, &d));
    if (node.repetition == Repetition::kOptional && d < node.def_level) {
      *out = Value::Null();
      return Skip(node);
    }
    return Instance(node, out);
  }

  Status Check(const SchemaNode& root_field, int64_t rows) {
    for (int l = root_field.first_leaf; l < root_field.first_leaf + root_field.num_leaves; ++l) {
      if (pos_[l] != static_cast<size_t>(cols_[l].num_levels)) {
        return Corrupt(l, "levels left over after " + std::to_string(rows) + " rows");
      }
    }
    return Status::OK();
  }

 private:
  Status Corrupt(int leaf, const std::string& what) {
    return Status::Corruption("parquet: column " + schema_.column(leaf).dotted_path() + ": " + what);
  }

  Status Def(int leaf, int16_t* d) {
    const ColumnData& c = cols_[leaf];
    if (pos_[leaf] >= static_cast<size_t>(c.num_levels)) return Corrupt(leaf, "ran out of levels");
    *d = c.def.empty() ? schema_.column(leaf).max_def : c.def[pos_[leaf]];
    return Status::OK();
  }

  // The repetition level of the next entry, or -1 at the end.
  int Rep(int leaf) {
    const ColumnData& c = cols_[leaf];
    if (pos_[leaf] >= static_cast<size_t>(c.num_levels)) return -1;
    return c.rep.empty() ? 0 : c.rep[pos_[leaf]];
  }

  Status Skip(const SchemaNode& node) {
    for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) {
      if (pos_[l] >= static_cast<size_t>(cols_[l].num_levels)) return Corrupt(l, "ran out of levels");
      ++pos_[l];
    }
    return Status::OK();
  }

  Status Repeated(const SchemaNode& node, Value* out) {
    *out = Value::List({});
    int16_t d = 0;
    RETURN_IF_ERROR(Def(node.first_leaf, &d));
    if (d < node.def_level) return Skip(node);  // zero instances
    do {
      Value item;
      RETURN_IF_ERROR(Instance(node, &item));
      out->items.push_back(std::move(item));
    } while (Rep(node.first_leaf) == node.rep_level);
    return Status::OK();
  }

  Status Instance(const SchemaNode& node, Value* out) {
    if (node.is_leaf) return Leaf(node, out);
    if (node.is_list()) {
      NestedShape s = ListShape(node);
      if (s.repeated) {
        RETURN_IF_ERROR(Repeated(*s.repeated, out));
        if (s.element != s.repeated) {
          for (Value& item : out->items) {
            Value inner = std::move(item.items[0]);
            item = std::move(inner);
          }
        }
        return Status::OK();
      }
    } else if (node.is_map()) {
      NestedShape s = MapShape(node);
      if (s.repeated) {
        RETURN_IF_ERROR(Repeated(*s.repeated, out));
        out->kind = Value::Kind::kMap;
        if (!s.value) {
          for (Value& item : out->items) item.items.push_back(Value::Null());
        }
        return Status::OK();
      }
    }
    std::vector<Value> fields(node.children.size());
    for (size_t i = 0; i < node.children.size(); ++i) {
      RETURN_IF_ERROR(Field(node.children[i], &fields[i]));
    }
    *out = Value::Struct(std::move(fields));
    return Status::OK();
  }

  Status Leaf(const SchemaNode& node, Value* out) {
    int l = node.first_leaf;
    const ColumnData& c = cols_[l];
    if (pos_[l] >= static_cast<size_t>(c.num_levels)) return Corrupt(l, "ran out of levels");
    const ColumnValues& v = c.values;
    size_t i = vpos_[l];
    if (i >= v.size()) return Corrupt(l, "ran out of values");
    switch (node.physical_type) {
      case PhysicalType::kBoolean: *out = Value::Bool(v.bools[i] != 0); break;
      case PhysicalType::kInt32: *out = Value::Int32(v.i32[i]); break;
      case PhysicalType::kInt64: *out = Value::Int64(v.i64[i]); break;
      case PhysicalType::kInt96:
        *out = Value();
        out->kind = Value::Kind::kInt96;
        out->i96 = v.i96[i];
        break;
      case PhysicalType::kFloat: *out = Value::Float(v.f32[i]); break;
      case PhysicalType::kDouble: *out = Value::Double(v.f64[i]); break;
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray: *out = Value::Bytes(std::string(v.bytes.Get(i))); break;
    }
    ++pos_[l];
    ++vpos_[l];
    return Status::OK();
  }

  const Schema& schema_;
  const std::vector<ColumnData>& cols_;
  std::vector<size_t> pos_, vpos_;
};

}  // namespace

RecordAssembler::RecordAssembler(const Schema& schema, std::vector<int> fields)
    : schema_(schema), fields_(std::move(fields)) {
  if (fields_.empty()) {
    for (size_t i = 0; i < schema.root().children.size(); ++i) fields_.push_back(static_cast<int>(i));
  }
}

std::vector<int> RecordAssembler::needed_columns() const {
  std::vector<int> out;
  for (int f : fields_) {
    const SchemaNode& n = schema_.root().children[f];
    for (int l = n.first_leaf; l < n.first_leaf + n.num_leaves; ++l) out.push_back(l);
  }
  return out;
}

Status RecordAssembler::Assemble(const std::vector<ColumnData>& columns, int64_t num_rows,
                                 std::vector<Value>* rows) {
  if (columns.size() != static_cast<size_t>(schema_.num_columns())) {
    return Status::InvalidArgument("parquet: assembler needs one ColumnData per leaf");
  }
  // Every row has at least one level in every leaf: a row count past that is
  // corrupt metadata, refused before it sizes any allocation.
  for (int f : fields_) {
    const SchemaNode& n = schema_.root().children[f];
    for (int l = n.first_leaf; l < n.first_leaf + n.num_leaves; ++l) {
      if (num_rows < 0 || num_rows > columns[l].num_levels) {
        return Status::Corruption("parquet: column " + schema_.column(l).dotted_path() + ": " +
                                  std::to_string(columns[l].num_levels) + " levels cannot hold " +
                                  std::to_string(num_rows) + " rows");
      }
    }
  }
  Assembly a(schema_, columns);
  size_t first = rows->size();
  rows->resize(first + static_cast<size_t>(num_rows));
  for (int64_t r = 0; r < num_rows; ++r) {
    Value& row = (*rows)[first + r];
    row = Value::Struct({});
    row.items.resize(fields_.size());
    for (size_t f = 0; f < fields_.size(); ++f) {
      RETURN_IF_ERROR(a.Field(schema_.root().children[fields_[f]], &row.items[f]));
    }
  }
  for (int f : fields_) RETURN_IF_ERROR(a.Check(schema_.root().children[f], num_rows));
  return Status::OK();
}

// ---- Shredding ---------------------------------------------------------------

RecordShredder::RecordShredder(const Schema& schema) : schema_(schema) {
  for (const auto& c : schema.columns()) {
    leaves_.push_back(LeafBuffer{{}, {}, ColumnValues(c.physical_type, c.type_length)});
  }
}

Status RecordShredder::Add(const Value& row) {
  const SchemaNode& root = schema_.root();
  if (row.kind != Value::Kind::kStruct || row.items.size() != root.children.size()) {
    return Status::InvalidArgument("parquet: row must be a struct of " +
                                   std::to_string(root.children.size()) + " fields");
  }
  for (size_t i = 0; i < root.children.size(); ++i) {
    RETURN_IF_ERROR(Field(root.children[i], &row.items[i], 0, 0));
  }
  ++rows_;
  return Status::OK();
}

void RecordShredder::EmitEmpty(const SchemaNode& node, int16_t rep, int16_t def) {
  for (int l = node.first_leaf; l < node.first_leaf + node.num_leaves; ++l) {
    leaves_[l].def.push_back(def);
    leaves_[l].rep.push_back(rep);
  }
}

Status RecordShredder::Field(const SchemaNode& node, const Value* v, int16_t rep,
                             int16_t parent_def) {
  if (node.repetition == Repetition::kRepeated) {
    if (v == nullptr || v->is_null() || v->items.empty()) {
      EmitEmpty(node, rep, parent_def);
      return Status::OK();
    }
    if (v->kind != Value::Kind::kList) {
      return Status::InvalidArgument("parquet: repeated field " + node.name + " needs a list");
    }
    for (size_t i = 0; i < v->items.size(); ++i) {
      RETURN_IF_ERROR(Instance(node, v->items[i], i == 0 ? rep : node.rep_level, node.def_level));
    }
    return Status::OK();
  }
  if (v == nullptr || v->is_null()) {
    if (node.repetition == Repetition::kRequired) {
      return Status::InvalidArgument("parquet: required field " + node.name + " is null");
    }
    EmitEmpty(node, rep, parent_def);
    return Status::OK();
  }
  return Instance(node, *v, rep, node.def_level);
}

Status RecordShredder::Instance(const SchemaNode& node, const Value& v, int16_t rep, int16_t def) {
  if (node.is_leaf) return Leaf(node, v, rep, def);
  if (node.is_list() && ListShape(node).repeated && v.kind == Value::Kind::kList) {
    NestedShape s = ListShape(node);
    if (s.element == s.repeated) return Field(*s.repeated, &v, rep, def);
    // Wrap each element in the repeated group's one-field struct.
    Value wrapped = Value::List({});
    wrapped.items.reserve(v.items.size());
    for (const Value& e : v.items) wrapped.items.push_back(Value::Struct({e}));
    return Field(*s.repeated, &wrapped, rep, def);
  }
  if (node.is_map() && MapShape(node).repeated && v.kind == Value::Kind::kMap) {
    NestedShape s = MapShape(node);
    Value entries = v;
    entries.kind = Value::Kind::kList;
    if (!s.value) {
      for (Value& e : entries.items) e.items.resize(1);
    }
    return Field(*s.repeated, &entries, rep, def);
  }
  if (v.kind != Value::Kind::kStruct || v.items.size() != node.children.size()) {
    return Status::InvalidArgument("parquet: group " + node.name + " needs a struct of " +
                                   std::to_string(node.children.size()) + " fields");
  }
  for (size_t i = 0; i < node.children.size(); ++i) {
    RETURN_IF_ERROR(Field(node.children[i], &v.items[i], rep, def));
  }
  return Status::OK();
}

Status RecordShredder::Leaf(const SchemaNode& node, const Value& v, int16_t rep, int16_t def) {
  LeafBuffer& b = leaves_[node.first_leaf];
  auto wrong = [&] {
    return Status::InvalidArgument("parquet: field " + node.name + ": value does not fit " +
                                   std::string(PhysicalTypeName(node.physical_type)));
  };
  switch (node.physical_type) {
    case PhysicalType::kBoolean:
      if (v.kind != Value::Kind::kBool) return wrong();
      b.values.bools.push_back(v.b);
      break;
    case PhysicalType::kInt32:
      if (v.kind != Value::Kind::kInt32) return wrong();
      b.values.i32.push_back(v.i32);
      break;
    case PhysicalType::kInt64:
      if (v.kind == Value::Kind::kInt64) b.values.i64.push_back(v.i64);
      else if (v.kind == Value::Kind::kInt32) b.values.i64.push_back(v.i32);
      else return wrong();
      break;
    case PhysicalType::kInt96:
      if (v.kind != Value::Kind::kInt96) return wrong();
      b.values.i96.push_back(v.i96);
      break;
    case PhysicalType::kFloat:
      if (v.kind != Value::Kind::kFloat) return wrong();
      b.values.f32.push_back(v.f32);
      break;
    case PhysicalType::kDouble:
      if (v.kind == Value::Kind::kDouble) b.values.f64.push_back(v.f64);
      else if (v.kind == Value::Kind::kFloat) b.values.f64.push_back(v.f32);
      else return wrong();
      break;
    case PhysicalType::kByteArray:
      if (v.kind != Value::Kind::kBytes) return wrong();
      b.values.bytes.Append(v.bytes);
      break;
    case PhysicalType::kFixedLenByteArray:
      if (v.kind != Value::Kind::kBytes || v.bytes.size() != static_cast<size_t>(node.type_length)) {
        return wrong();
      }
      b.values.bytes.Append(v.bytes);
      break;
  }
  b.def.push_back(def);
  b.rep.push_back(rep);
  return Status::OK();
}

Status RecordShredder::WriteTo(FileWriter* writer) {
  for (int c = 0; c < schema_.num_columns(); ++c) {
    const ColumnDescriptor& col = schema_.column(c);
    LeafBuffer& b = leaves_[c];
    RETURN_IF_ERROR(writer->WriteColumn(c, col.max_def > 0 ? b.def.data() : nullptr,
                                        col.max_rep > 0 ? b.rep.data() : nullptr, b.def.size(),
                                        b.values));
  }
  RETURN_IF_ERROR(writer->EndBatch(rows_));
  for (auto& b : leaves_) {
    b.def.clear();
    b.rep.clear();
    b.values.Clear();
  }
  rows_ = 0;
  return Status::OK();
}

}  // namespace lakestream::parquet
