#include "delta/column_mapping_writer.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "common/uuid.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

nlohmann::json MetadataOf(const StructField& f) {
  nlohmann::json j = nlohmann::json::parse(f.metadata_json, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

void AssignField(StructField* f, int64_t* max_id, bool physical_is_logical);

void AssignType(DeltaType* t, int64_t* max_id, bool physical_is_logical) {
  for (StructField& f : t->fields) AssignField(&f, max_id, physical_is_logical);
  for (DeltaType& c : t->children) AssignType(&c, max_id, physical_is_logical);
}

void AssignField(StructField* f, int64_t* max_id, bool physical_is_logical) {
  nlohmann::json m = MetadataOf(*f);
  auto id = m.find(kColumnIdKey);
  if (id == m.end() || !id->is_number_integer()) m[kColumnIdKey] = ++*max_id;
  auto p = m.find(kPhysicalNameKey);
  if (p == m.end() || !p->is_string() || p->get<std::string>().empty()) {
    m[kPhysicalNameKey] = physical_is_logical ? f->name : "col-" + NewUuid();
  }
  f->metadata_json = m.dump();
  AssignType(&f->type, max_id, physical_is_logical);
}

int64_t MaxIdIn(const DeltaType& t) {
  int64_t out = 0;
  for (const StructField& f : t.fields) {
    out = std::max(out, ColumnIdOf(f).value_or(0));
    out = std::max(out, MaxIdIn(f.type));
  }
  for (const DeltaType& c : t.children) out = std::max(out, MaxIdIn(c));
  return out;
}

void AddFeature(std::optional<std::vector<std::string>>* list, const char* name) {
  if (!*list) list->emplace();
  if (std::find((*list)->begin(), (*list)->end(), name) == (*list)->end()) {
    (*list)->push_back(name);
  }
}

// Sets each struct field's id on the Parquet node built for it, at every depth.
void SetFieldIds(parquet::SchemaNode* node, const DeltaType& t) {
  using K = DeltaType::Kind;
  if (t.kind == K::kStruct) {
    for (size_t i = 0; i < t.fields.size() && i < node->children.size(); ++i) {
      std::optional<int64_t> id = ColumnIdOf(t.fields[i]);
      if (id) node->children[i].field_id = static_cast<int32_t>(*id);
      SetFieldIds(&node->children[i], t.fields[i].type);
    }
  } else if (t.kind == K::kArray && node->is_list()) {
    auto* elem = const_cast<parquet::SchemaNode*>(parquet::ListShape(*node).element);
    if (elem != nullptr) SetFieldIds(elem, t.children[0]);
  } else if (t.kind == K::kMap && node->is_map()) {
    parquet::NestedShape s = parquet::MapShape(*node);
    if (s.key != nullptr) SetFieldIds(const_cast<parquet::SchemaNode*>(s.key), t.children[0]);
    if (s.value != nullptr) {
      SetFieldIds(const_cast<parquet::SchemaNode*>(s.value), t.children[1]);
    }
  }
}

}  // namespace

Result<ColumnMappingMode> ParseColumnMappingMode(std::string_view text,
                                                 const std::string& context) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "none") return ColumnMappingMode::kNone;
  if (s == "id") return ColumnMappingMode::kId;
  if (s == "name") return ColumnMappingMode::kName;
  return Status::InvalidArgument(context + ": " + kColumnMappingModeKey + " '" +
                                 std::string(text) + "' is not none, id or name");
}

std::optional<std::string> PhysicalNameOf(const StructField& field) {
  if (field.metadata_json.find(kPhysicalNameKey) == std::string::npos) return std::nullopt;
  nlohmann::json m = MetadataOf(field);
  auto p = m.find(kPhysicalNameKey);
  if (p == m.end() || !p->is_string()) return std::nullopt;
  return p->get<std::string>();
}

std::optional<int64_t> ColumnIdOf(const StructField& field) {
  if (field.metadata_json.find(kColumnIdKey) == std::string::npos) return std::nullopt;
  nlohmann::json m = MetadataOf(field);
  auto p = m.find(kColumnIdKey);
  if (p == m.end() || !p->is_number_integer()) return std::nullopt;
  return p->get<int64_t>();
}

bool HasPhysicalNames(const DeltaType& schema) {
  return std::any_of(schema.fields.begin(), schema.fields.end(),
                     [](const StructField& f) { return PhysicalNameOf(f).has_value(); });
}

void AssignColumnMapping(DeltaType* schema, int64_t* max_id, bool physical_is_logical) {
  *max_id = std::max(*max_id, MaxIdIn(*schema));
  AssignType(schema, max_id, physical_is_logical);
}

int64_t MaxColumnId(const DeltaType& schema) { return MaxIdIn(schema); }

Protocol WithColumnMapping(Protocol p) {
  if (p.min_reader_version >= 3 || p.min_writer_version >= 7) {
    p.min_reader_version = std::max(p.min_reader_version, 3);
    p.min_writer_version = 7;
    AddFeature(&p.reader_features, "columnMapping");
    AddFeature(&p.writer_features, "columnMapping");
    return p;
  }
  p.min_reader_version = std::max(p.min_reader_version, 2);
  p.min_writer_version = std::max(p.min_writer_version, 5);
  return p;
}

Status PrepareNewTableColumnMapping(DeltaType* schema, StringMap* configuration,
                                    const std::string& context) {
  auto it = configuration->find(kColumnMappingModeKey);
  if (it == configuration->end()) return Status::OK();
  ASSIGN_OR_RETURN(ColumnMappingMode mode, ParseColumnMappingMode(it->second, context));
  if (mode == ColumnMappingMode::kNone) return Status::OK();
  int64_t max_id = 0;
  AssignColumnMapping(schema, &max_id, /*physical_is_logical=*/false);
  (*configuration)[kMaxColumnIdKey] = std::to_string(max_id);
  return Status::OK();
}

Result<ProtocolAndMetadata> EnableColumnMapping(const Protocol& protocol,
                                                const Metadata& metadata,
                                                ColumnMappingMode mode,
                                                const std::string& context) {
  if (mode == ColumnMappingMode::kNone) {
    return Status::InvalidArgument(context + ": column mapping cannot be turned off (mode none)");
  }
  const char* want = mode == ColumnMappingMode::kId ? "id" : "name";
  std::optional<std::string> current = metadata.Config(kColumnMappingModeKey);
  ColumnMappingMode now = ColumnMappingMode::kNone;
  if (current) {
    ASSIGN_OR_RETURN(now, ParseColumnMappingMode(*current, context));
    if (now != ColumnMappingMode::kNone && now != mode) {
      return Status::InvalidArgument(context + ": the table's " + kColumnMappingModeKey +
                                     " is " + *current + "; changing it to " + want +
                                     " is not supported");
    }
  }
  ASSIGN_OR_RETURN(DeltaType schema, ParseSchemaString(metadata.schema_string));
  if (mode == ColumnMappingMode::kId && now == ColumnMappingMode::kNone) {
    // Its data files have no Parquet field ids, so mode id could not find their columns.
    return Status::InvalidArgument(context + ": an existing table can turn on column mapping "
                                   "mode name only (its data files have no field ids for mode "
                                   "id); Spark refuses the same");
  }
  int64_t max_id = 0;
  if (auto m = metadata.Config(kMaxColumnIdKey)) max_id = std::strtoll(m->c_str(), nullptr, 10);
  AssignColumnMapping(&schema, &max_id, /*physical_is_logical=*/true);
  ProtocolAndMetadata out{WithColumnMapping(protocol), metadata};
  out.metadata.schema_string = SchemaToJson(schema);
  out.metadata.configuration[kColumnMappingModeKey] = want;
  out.metadata.configuration[kMaxColumnIdKey] = std::to_string(max_id);
  return out;
}

DeltaType PhysicalSchema(const DeltaType& schema) {
  DeltaType out = schema;
  for (StructField& f : out.fields) {
    if (auto p = PhysicalNameOf(f)) f.name = *p;
    f.type = PhysicalSchema(f.type);
  }
  for (DeltaType& c : out.children) c = PhysicalSchema(c);
  return out;
}

Result<parquet::Schema> PhysicalParquetSchema(const DeltaType& schema) {
  ASSIGN_OR_RETURN(parquet::Schema s, ToParquetSchema(PhysicalSchema(schema)));
  parquet::SchemaNode root = s.root();
  SetFieldIds(&root, schema);
  return parquet::Schema::FromRoot(std::move(root));
}

}  // namespace lakestream::delta
