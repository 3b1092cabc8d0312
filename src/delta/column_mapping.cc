#include "delta/column_mapping.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

using parquet::SchemaNode;
using Relayout = FileColumn::Relayout;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A field's column mapping metadata.
struct FieldKeys {
  std::optional<std::string> physical;
  std::optional<int32_t> id;
};

FieldKeys KeysOf(const StructField& f) {
  FieldKeys k;
  nlohmann::json j = nlohmann::json::parse(f.metadata_json, nullptr, false);
  if (!j.is_object()) return k;
  auto p = j.find(kPhysicalNameKey);
  if (p != j.end() && p->is_string()) k.physical = p->get<std::string>();
  auto i = j.find(kColumnIdKey);
  if (i != j.end() && i->is_number_integer()) {
    int64_t v = i->get<int64_t>();
    if (v >= INT32_MIN && v <= INT32_MAX) k.id = static_cast<int32_t>(v);
  }
  return k;
}

// Checks every field under `t` (struct fields, and those inside arrays and
// maps) has the keys `mode` needs.
Status CheckKeys(const DeltaType& t, ColumnMappingMode mode, const std::string& prefix,
                 const std::string& context) {
  for (const StructField& f : t.fields) {
    std::string path = prefix.empty() ? f.name : prefix + "." + f.name;
    FieldKeys k = KeysOf(f);
    if (!k.physical || k.physical->empty()) {
      return Status::Corruption("delta: " + context + ": column " + path + " has no " +
                                kPhysicalNameKey + " (delta.columnMapping.mode is " +
                                (mode == ColumnMappingMode::kId ? "id" : "name") + ")");
    }
    if (mode == ColumnMappingMode::kId && !k.id) {
      return Status::Corruption("delta: " + context + ": column " + path + " has no integer " +
                                kColumnIdKey + " (delta.columnMapping.mode is id)");
    }
    RETURN_IF_ERROR(CheckKeys(f.type, mode, path, context));
  }
  for (const DeltaType& c : t.children) RETURN_IF_ERROR(CheckKeys(c, mode, prefix, context));
  return Status::OK();
}

bool AnyFieldId(const SchemaNode& n) {
  if (n.field_id) return true;
  return std::any_of(n.children.begin(), n.children.end(), AnyFieldId);
}

// Re-lays out a copy of a file's node (`n`) as table type `t`, recording
// how values change in `r`. Mapping by physical name or field id.
class Builder {
 public:
  Builder(ColumnMappingMode mode, const std::string& file) : mode_(mode), file_(file) {}

  // The index of the child of `group` that holds table field `f`, or -1.
  int Find(const SchemaNode& group, const StructField& f) const {
    FieldKeys k = KeysOf(f);
    for (size_t i = 0; i < group.children.size(); ++i) {
      const SchemaNode& c = group.children[i];
      if (mode_ == ColumnMappingMode::kId ? (k.id && c.field_id == k.id)
                                          : (k.physical && c.name == *k.physical)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  Status Build(SchemaNode* n, const DeltaType& t, const std::string& path, Relayout* r) const {
    using K = DeltaType::Kind;
    switch (t.kind) {
      case K::kStruct:
        if (n->is_leaf || n->is_list() || n->is_map()) return Mismatch(*n, t, path);
        return BuildStruct(n, t, path, r);
      case K::kArray: {
        SchemaNode* elem = nullptr;
        if (n->is_list()) {
          elem = const_cast<SchemaNode*>(parquet::ListShape(*n).element);
        } else if (n->repetition == parquet::Repetition::kRepeated) {
          elem = n;  // an unannotated repeated field is a list of itself
        }
        if (elem == nullptr) return Mismatch(*n, t, path);
        Relayout er;
        RETURN_IF_ERROR(Build(elem, t.children[0], path + ".element", &er));
        if (er.kind != Relayout::Kind::kKeep) {
          r->kind = Relayout::Kind::kList;
          r->children = {std::move(er)};
        }
        return Status::OK();
      }
      case K::kMap: {
        if (!n->is_map()) return Mismatch(*n, t, path);
        parquet::NestedShape s = parquet::MapShape(*n);
        if (s.key == nullptr) return Mismatch(*n, t, path);
        Relayout kr, vr;
        RETURN_IF_ERROR(Build(const_cast<SchemaNode*>(s.key), t.children[0], path + ".key", &kr));
        if (s.value != nullptr) {
          RETURN_IF_ERROR(
              Build(const_cast<SchemaNode*>(s.value), t.children[1], path + ".value", &vr));
        }
        if (kr.kind != Relayout::Kind::kKeep || vr.kind != Relayout::Kind::kKeep) {
          r->kind = Relayout::Kind::kMap;
          r->children = {std::move(kr), std::move(vr)};
        }
        return Status::OK();
      }
      default:
        if (!n->is_leaf) return Mismatch(*n, t, path);
        return Status::OK();
    }
  }

 private:
  Status BuildStruct(SchemaNode* n, const DeltaType& t, const std::string& path,
                     Relayout* r) const {
    std::vector<SchemaNode> children;
    Relayout out;
    out.kind = Relayout::Kind::kStruct;
    bool same = n->children.size() == t.fields.size();
    for (size_t i = 0; i < t.fields.size(); ++i) {
      const StructField& f = t.fields[i];
      int idx = Find(*n, f);
      Relayout cr;
      SchemaNode c;
      if (idx >= 0) {
        c = n->children[idx];
        RETURN_IF_ERROR(Build(&c, f.type, path + "." + f.name, &cr));
      } else {
        // Never printed but as null: any node will do when the type has none.
        Result<SchemaNode> synthetic = ToParquetField(f);
        if (synthetic.ok()) c = std::move(synthetic).value();
      }
      c.name = f.name;
      same = same && idx == static_cast<int>(i) && cr.kind == Relayout::Kind::kKeep;
      children.push_back(std::move(c));
      out.from.push_back(idx);
      out.children.push_back(std::move(cr));
    }
    n->children = std::move(children);
    if (!same) *r = std::move(out);
    return Status::OK();
  }

  Status Mismatch(const SchemaNode& n, const DeltaType& t, const std::string& path) const {
    const char* what = n.is_leaf ? "a primitive" : n.is_list() ? "a list" : n.is_map() ? "a map"
                                                                                    : "a group";
    return Status::Corruption("delta: " + file_ + ": column " + path + " is " + what +
                              " in the file but " + t.ToString() + " in the table schema");
  }

  ColumnMappingMode mode_;
  const std::string& file_;
};

void ApplyRelayout(const Relayout& r, parquet::Value* v) {
  using VK = parquet::Value::Kind;
  if (r.kind == Relayout::Kind::kKeep || v->is_null()) return;
  switch (r.kind) {
    case Relayout::Kind::kStruct: {
      if (v->kind != VK::kStruct) return;
      std::vector<parquet::Value> items(r.from.size());
      for (size_t i = 0; i < r.from.size(); ++i) {
        int f = r.from[i];
        if (f < 0 || f >= static_cast<int>(v->items.size())) continue;
        items[i] = std::move(v->items[static_cast<size_t>(f)]);
        ApplyRelayout(r.children[i], &items[i]);
      }
      v->items = std::move(items);
      return;
    }
    case Relayout::Kind::kList:
      if (v->kind != VK::kList) return;
      for (auto& e : v->items) ApplyRelayout(r.children[0], &e);
      return;
    case Relayout::Kind::kMap:
      if (v->kind != VK::kMap) return;
      for (auto& e : v->items) {
        if (e.kind != VK::kStruct || e.items.size() != 2) continue;
        ApplyRelayout(r.children[0], &e.items[0]);
        ApplyRelayout(r.children[1], &e.items[1]);
      }
      return;
    case Relayout::Kind::kKeep:
      return;
  }
}

}  // namespace

void FileColumn::Apply(parquet::Value* v) const {
  ApplyRelayout(relayout, v);
  widening.Apply(v);
}

Result<ColumnMapping> ColumnMapping::ForTable(const Protocol& protocol, const Metadata& metadata,
                                              const DeltaType& schema,
                                              const std::string& context) {
  ColumnMapping m;
  bool supported = protocol.min_reader_version == 2 ||
                   (protocol.min_reader_version >= 3 && protocol.HasReaderFeature("columnMapping"));
  std::optional<std::string> mode = metadata.Config(kColumnMappingModeKey);
  if (!supported || !mode) return m;
  std::string lower = Lower(*mode);
  if (lower == "none") return m;
  if (lower == "id") {
    m.mode_ = ColumnMappingMode::kId;
  } else if (lower == "name") {
    m.mode_ = ColumnMappingMode::kName;
  } else {
    return Status::NotSupported("delta: " + context + ": columnMapping mode '" + *mode +
                                "' (" + kColumnMappingModeKey + " must be none, id or name)");
  }
  RETURN_IF_ERROR(CheckKeys(schema, m.mode_, "", context));
  // Names of struct fields, recursively through structs only (as stats nest).
  auto names = [](auto& self, const DeltaType& t) -> std::vector<Names> {
    std::vector<Names> out;
    for (const StructField& f : t.fields) {
      Names n{f.name, *KeysOf(f).physical, {}};
      if (f.type.kind == DeltaType::Kind::kStruct) n.fields = self(self, f.type);
      out.push_back(std::move(n));
    }
    return out;
  };
  m.names_ = names(names, schema);
  return m;
}

std::string ColumnMapping::PhysicalName(const std::string& logical_name) const {
  for (const Names& n : names_) {
    if (n.logical == logical_name) return n.physical;
  }
  return logical_name;
}

std::optional<std::string> ColumnMapping::PartitionValue(const AddFile& add,
                                                         const std::string& logical_name) const {
  auto it = add.partition_values.find(PhysicalName(logical_name));
  if (it == add.partition_values.end()) return std::nullopt;
  return it->second;
}

AddFile ColumnMapping::ToLogical(const AddFile& add) const {
  if (!active()) return add;
  AddFile out = add;
  out.partition_values.clear();
  for (const Names& n : names_) {
    auto it = add.partition_values.find(n.physical);
    if (it != add.partition_values.end()) out.partition_values[n.logical] = it->second;
  }
  if (!add.stats) return out;
  nlohmann::json j = nlohmann::json::parse(*add.stats, nullptr, false);
  if (!j.is_object()) return out;
  auto rekey = [](auto& self, const nlohmann::json& o,
                  const std::vector<Names>& names) -> nlohmann::json {
    nlohmann::json r = nlohmann::json::object();
    for (const Names& n : names) {
      auto it = o.find(n.physical);
      if (it == o.end()) continue;
      r[n.logical] = it->is_object() && !n.fields.empty() ? self(self, *it, n.fields) : *it;
    }
    return r;
  };
  for (const char* section : {"minValues", "maxValues", "nullCount"}) {
    auto s = j.find(section);
    if (s != j.end() && s->is_object()) *s = rekey(rekey, *s, names_);
  }
  out.stats = j.dump();
  return out;
}

Result<FileColumn> ColumnMapping::Resolve(const parquet::Schema& file, const StructField& column,
                                          const std::string& file_path) const {
  FileColumn fc;
  const auto& top = file.root().children;
  if (!active()) {
    for (size_t i = 0; i < top.size() && fc.field < 0; ++i) {
      if (top[i].name == column.name) fc.field = static_cast<int>(i);
    }
    for (size_t i = 0; i < top.size() && fc.field < 0; ++i) {
      if (EqualsIgnoreCase(top[i].name, column.name)) fc.field = static_cast<int>(i);
    }
    if (fc.field < 0) return fc;
    fc.node = top[static_cast<size_t>(fc.field)];
    RETURN_IF_ERROR(fc.widening.Plan(column.type, column.name, &fc.node));
    return fc;
  }
  if (mode_ == ColumnMappingMode::kId && !AnyFieldId(file.root())) {
    return Status::Corruption("delta: " + file_path +
                              ": the table maps columns by id (delta.columnMapping.mode is id) "
                              "but the file has no Parquet field ids");
  }
  Builder b(mode_, file_path);
  fc.field = b.Find(file.root(), column);
  if (fc.field < 0) return fc;
  fc.node = top[static_cast<size_t>(fc.field)];
  RETURN_IF_ERROR(b.Build(&fc.node, column.type, column.name, &fc.relayout));
  fc.node.name = column.name;
  RETURN_IF_ERROR(fc.widening.Plan(column.type, column.name, &fc.node));
  return fc;
}

}  // namespace lakestream::delta
