#include "delta/checkpoint_reader.h"

#include <set>
#include <variant>

#include "delta/uri.h"
#include "parquet/file_reader.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

using parquet::SchemaNode;
using parquet::Value;

struct ActionFields {
  std::string_view action;
  std::set<std::string_view> fields;
};

// The fields of each action we model; everything else is projected away.
const std::vector<ActionFields>& KnownFields() {
  static const std::vector<ActionFields> k = {
      {"txn", {"appId", "version", "lastUpdated"}},
      {"add",
       {"path", "partitionValues", "size", "modificationTime", "dataChange", "stats", "tags",
        "deletionVector", "baseRowId", "defaultRowCommitVersion", "clusteringProvider"}},
      {"remove",
       {"path", "deletionTimestamp", "dataChange", "extendedFileMetadata", "partitionValues",
        "size", "stats", "tags", "deletionVector", "baseRowId", "defaultRowCommitVersion"}},
      {"metaData",
       {"id", "name", "description", "format", "schemaString", "partitionColumns", "configuration",
        "createdTime"}},
      {"protocol", {"minReaderVersion", "minWriterVersion", "readerFeatures", "writerFeatures"}},
      {"domainMetadata", {"domain", "configuration", "removed"}},
      {"checkpointMetadata", {"version"}},
      {"sidecar", {"path"}},
  };
  return k;
}

// Read access to one struct Value by field name.
class Struct {
 public:
  Struct(const SchemaNode& node, const Value& v, std::string where)
      : node_(node), v_(v), where_(std::move(where)) {}

  const std::string& where() const { return where_; }

  // The field's value and node, or nullptr when absent from the file or null.
  const Value* Get(std::string_view name, const SchemaNode** node = nullptr) const {
    if (v_.kind != Value::Kind::kStruct) return nullptr;
    for (size_t i = 0; i < node_.children.size() && i < v_.items.size(); ++i) {
      if (node_.children[i].name == name) {
        if (v_.items[i].is_null()) return nullptr;
        if (node) *node = &node_.children[i];
        return &v_.items[i];
      }
    }
    return nullptr;
  }

  Status Bad(std::string_view name, std::string_view what) const {
    return Status::Corruption(where_ + "." + std::string(name) + ": " + std::string(what));
  }

  Status Str(std::string_view name, std::optional<std::string>* out) const {
    const Value* v = Get(name);
    if (v == nullptr) return Status::OK();
    if (v->kind != Value::Kind::kBytes) return Bad(name, "is not a string");
    *out = v->bytes;
    return Status::OK();
  }
  Status ReqStr(std::string_view name, std::string* out) const {
    std::optional<std::string> s;
    RETURN_IF_ERROR(Str(name, &s));
    if (!s) return Bad(name, "is null");
    *out = std::move(*s);
    return Status::OK();
  }
  Status Int(std::string_view name, std::optional<int64_t>* out) const {
    const Value* v = Get(name);
    if (v == nullptr) return Status::OK();
    if (v->kind == Value::Kind::kInt64) {
      *out = v->i64;
    } else if (v->kind == Value::Kind::kInt32) {
      *out = v->i32;
    } else {
      return Bad(name, "is not an integer");
    }
    return Status::OK();
  }
  template <typename T>
  Status ReqInt(std::string_view name, T* out) const {
    std::optional<int64_t> i;
    RETURN_IF_ERROR(Int(name, &i));
    if (!i) return Bad(name, "is null");
    *out = static_cast<T>(*i);
    return Status::OK();
  }
  Status Bool(std::string_view name, std::optional<bool>* out) const {
    const Value* v = Get(name);
    if (v == nullptr) return Status::OK();
    if (v->kind != Value::Kind::kBool) return Bad(name, "is not a boolean");
    *out = v->b;
    return Status::OK();
  }
  Status BoolOr(std::string_view name, bool fallback, bool* out) const {
    std::optional<bool> b;
    RETURN_IF_ERROR(Bool(name, &b));
    *out = b.value_or(fallback);
    return Status::OK();
  }
  // map<string,string>; null values become nullopt.
  Status Map(std::string_view name,
             std::optional<std::map<std::string, std::optional<std::string>>>* out) const {
    const Value* v = Get(name);
    if (v == nullptr) return Status::OK();
    if (v->kind != Value::Kind::kMap) return Bad(name, "is not a map");
    std::map<std::string, std::optional<std::string>> m;
    for (const Value& kv : v->items) {
      if (kv.kind != Value::Kind::kStruct || kv.items.empty() ||
          kv.items[0].kind != Value::Kind::kBytes) {
        return Bad(name, "has a malformed entry");
      }
      std::optional<std::string> val;
      if (kv.items.size() > 1 && kv.items[1].kind == Value::Kind::kBytes) val = kv.items[1].bytes;
      m[kv.items[0].bytes] = std::move(val);
    }
    *out = std::move(m);
    return Status::OK();
  }
  Status StringMap(std::string_view name, std::optional<delta::StringMap>* out) const {
    std::optional<std::map<std::string, std::optional<std::string>>> m;
    RETURN_IF_ERROR(Map(name, &m));
    if (!m) return Status::OK();
    delta::StringMap s;
    for (auto& [k, v] : *m) {
      if (v) s[k] = std::move(*v);
    }
    *out = std::move(s);
    return Status::OK();
  }
  Status List(std::string_view name, std::optional<std::vector<std::string>>* out) const {
    const Value* v = Get(name);
    if (v == nullptr) return Status::OK();
    if (v->kind != Value::Kind::kList) return Bad(name, "is not a list");
    std::vector<std::string> l;
    for (const Value& e : v->items) {
      if (e.kind != Value::Kind::kBytes) return Bad(name, "has a non-string element");
      l.push_back(e.bytes);
    }
    *out = std::move(l);
    return Status::OK();
  }
  Status Dv(std::optional<DeletionVector>* out) const {
    const SchemaNode* n = nullptr;
    const Value* v = Get("deletionVector", &n);
    if (v == nullptr) return Status::OK();
    Struct d(*n, *v, where_ + ".deletionVector");
    DeletionVector dv;
    RETURN_IF_ERROR(d.ReqStr("storageType", &dv.storage_type));
    RETURN_IF_ERROR(d.ReqStr("pathOrInlineDv", &dv.path_or_inline_dv));
    std::optional<int64_t> i;
    RETURN_IF_ERROR(d.Int("offset", &i));
    if (i) dv.offset = static_cast<int32_t>(*i);
    RETURN_IF_ERROR(d.ReqInt("sizeInBytes", &dv.size_in_bytes));
    RETURN_IF_ERROR(d.ReqInt("cardinality", &dv.cardinality));
    RETURN_IF_ERROR(d.Int("maxRowIndex", &dv.max_row_index));
    *out = std::move(dv);
    return Status::OK();
  }

 private:
  const SchemaNode& node_;
  const Value& v_;
  std::string where_;
};

Result<Action> ToAdd(const Struct& s) {
  AddFile a;
  RETURN_IF_ERROR(s.ReqStr("path", &a.path));
  std::optional<PartitionValues> pv;
  RETURN_IF_ERROR(s.Map("partitionValues", &pv));
  if (pv) a.partition_values = std::move(*pv);
  RETURN_IF_ERROR(s.ReqInt("size", &a.size));
  std::optional<int64_t> mt;
  RETURN_IF_ERROR(s.Int("modificationTime", &mt));
  a.modification_time = mt.value_or(0);
  RETURN_IF_ERROR(s.BoolOr("dataChange", false, &a.data_change));
  RETURN_IF_ERROR(s.Str("stats", &a.stats));
  RETURN_IF_ERROR(s.StringMap("tags", &a.tags));
  RETURN_IF_ERROR(s.Dv(&a.deletion_vector));
  RETURN_IF_ERROR(s.Int("baseRowId", &a.base_row_id));
  RETURN_IF_ERROR(s.Int("defaultRowCommitVersion", &a.default_row_commit_version));
  RETURN_IF_ERROR(s.Str("clusteringProvider", &a.clustering_provider));
  return Action(std::move(a));
}

Result<Action> ToRemove(const Struct& s) {
  RemoveFile r;
  RETURN_IF_ERROR(s.ReqStr("path", &r.path));
  RETURN_IF_ERROR(s.Int("deletionTimestamp", &r.deletion_timestamp));
  RETURN_IF_ERROR(s.BoolOr("dataChange", false, &r.data_change));
  RETURN_IF_ERROR(s.Bool("extendedFileMetadata", &r.extended_file_metadata));
  RETURN_IF_ERROR(s.Map("partitionValues", &r.partition_values));
  RETURN_IF_ERROR(s.Int("size", &r.size));
  RETURN_IF_ERROR(s.Str("stats", &r.stats));
  RETURN_IF_ERROR(s.StringMap("tags", &r.tags));
  RETURN_IF_ERROR(s.Dv(&r.deletion_vector));
  RETURN_IF_ERROR(s.Int("baseRowId", &r.base_row_id));
  RETURN_IF_ERROR(s.Int("defaultRowCommitVersion", &r.default_row_commit_version));
  return Action(std::move(r));
}

Result<Action> ToMetadata(const Struct& s) {
  Metadata m;
  std::optional<std::string> id;
  RETURN_IF_ERROR(s.Str("id", &id));
  m.id = id.value_or("");
  RETURN_IF_ERROR(s.Str("name", &m.name));
  RETURN_IF_ERROR(s.Str("description", &m.description));
  const SchemaNode* fnode = nullptr;
  if (const Value* f = s.Get("format", &fnode)) {
    Struct fs(*fnode, *f, s.where() + ".format");
    std::optional<std::string> provider;
    RETURN_IF_ERROR(fs.Str("provider", &provider));
    if (provider) m.format.provider = *provider;
    std::optional<StringMap> opts;
    RETURN_IF_ERROR(fs.StringMap("options", &opts));
    if (opts) m.format.options = std::move(*opts);
  }
  std::optional<std::string> schema;
  RETURN_IF_ERROR(s.Str("schemaString", &schema));
  m.schema_string = schema.value_or("");
  std::optional<std::vector<std::string>> pcols;
  RETURN_IF_ERROR(s.List("partitionColumns", &pcols));
  if (pcols) m.partition_columns = std::move(*pcols);
  std::optional<StringMap> conf;
  RETURN_IF_ERROR(s.StringMap("configuration", &conf));
  if (conf) m.configuration = std::move(*conf);
  RETURN_IF_ERROR(s.Int("createdTime", &m.created_time));
  return Action(std::move(m));
}

Result<Action> ToProtocol(const Struct& s) {
  Protocol p;
  RETURN_IF_ERROR(s.ReqInt("minReaderVersion", &p.min_reader_version));
  RETURN_IF_ERROR(s.ReqInt("minWriterVersion", &p.min_writer_version));
  RETURN_IF_ERROR(s.List("readerFeatures", &p.reader_features));
  RETURN_IF_ERROR(s.List("writerFeatures", &p.writer_features));
  return Action(std::move(p));
}

Result<Action> ToTxn(const Struct& s) {
  SetTransaction t;
  RETURN_IF_ERROR(s.ReqStr("appId", &t.app_id));
  RETURN_IF_ERROR(s.ReqInt("version", &t.version));
  RETURN_IF_ERROR(s.Int("lastUpdated", &t.last_updated));
  return Action(std::move(t));
}

Result<Action> ToDomainMetadata(const Struct& s) {
  DomainMetadata d;
  RETURN_IF_ERROR(s.ReqStr("domain", &d.domain));
  std::optional<std::string> conf;
  RETURN_IF_ERROR(s.Str("configuration", &conf));
  d.configuration = conf.value_or("");
  RETURN_IF_ERROR(s.BoolOr("removed", false, &d.removed));
  return Action(std::move(d));
}

Result<Action> ToCheckpointMetadata(const Struct& s) {
  CheckpointMetadataAction c;
  RETURN_IF_ERROR(s.ReqInt("version", &c.version));
  return Action(std::move(c));
}

Result<Action> ToSidecar(const Struct& s) {
  SidecarAction c;
  RETURN_IF_ERROR(s.ReqStr("path", &c.path));
  return Action(std::move(c));
}

// The file schema cut down to the action fields we model.
Result<parquet::Schema> ProjectSchema(const parquet::Schema& file) {
  SchemaNode root = file.root();
  root.children.clear();
  for (const SchemaNode& top : file.root().children) {
    for (const auto& known : KnownFields()) {
      if (top.name != known.action || top.is_leaf) continue;
      SchemaNode kept = top;
      kept.children.clear();
      for (const SchemaNode& c : top.children) {
        if (known.fields.count(c.name)) kept.children.push_back(c);
      }
      if (!kept.children.empty()) root.children.push_back(std::move(kept));
    }
  }
  if (root.children.empty()) {
    return Status::Corruption("no action columns (add, remove, metaData, protocol, txn)");
  }
  return parquet::Schema::FromRoot(std::move(root));
}

}  // namespace

Status ReadCheckpointFile(io::FileSystem& fs, const std::string& path, const ActionSink& sink) {
  std::string where = "delta: " + path;
  ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(fs, path));
  Result<parquet::Schema> projected = ProjectSchema(reader->schema());
  if (!projected.ok()) return projected.status().WithContext(where);
  const parquet::Schema& schema = *projected;
  // Leaf i of the projection is leaf file_cols[i] of the file.
  std::vector<int> file_cols;
  for (const auto& col : schema.columns()) {
    int idx = reader->schema().FindColumn(col.dotted_path());
    if (idx < 0) return Status::Internal(where + ": lost column " + col.dotted_path());
    file_cols.push_back(idx);
  }
  parquet::RecordAssembler assembler(schema);
  std::vector<parquet::ColumnData> file_data, data;
  std::vector<Value> rows;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    RETURN_IF_ERROR(reader->ReadRowGroup(g, file_cols, &file_data));
    data.clear();
    data.reserve(file_cols.size());
    for (int idx : file_cols) data.push_back(std::move(file_data[idx]));
    rows.clear();
    Status s = assembler.Assemble(data, reader->metadata().row_groups[g].num_rows, &rows);
    if (!s.ok()) return s.WithContext(where);
    for (size_t r = 0; r < rows.size(); ++r) {
      const Value& row = rows[r];
      for (size_t f = 0; f < schema.root().children.size() && f < row.items.size(); ++f) {
        const Value& v = row.items[f];
        if (v.is_null()) continue;
        const SchemaNode& node = schema.root().children[f];
        Struct st(node, v,
                  where + ": row group " + std::to_string(g) + " row " + std::to_string(r) + ": " +
                      node.name);
        Result<Action> a = Status::Internal("unset");
        if (node.name == "add") {
          a = ToAdd(st);
        } else if (node.name == "remove") {
          a = ToRemove(st);
        } else if (node.name == "metaData") {
          a = ToMetadata(st);
        } else if (node.name == "protocol") {
          a = ToProtocol(st);
        } else if (node.name == "txn") {
          a = ToTxn(st);
        } else if (node.name == "domainMetadata") {
          a = ToDomainMetadata(st);
        } else if (node.name == "checkpointMetadata") {
          a = ToCheckpointMetadata(st);
        } else if (node.name == "sidecar") {
          a = ToSidecar(st);
        } else {
          return Status::Internal(where + ": unexpected column " + node.name);
        }
        if (!a.ok()) return a.status();
        RETURN_IF_ERROR(sink(std::move(a).value()));
      }
    }
  }
  return Status::OK();
}

namespace {

// One top-level checkpoint file, Parquet or (UUID-named only) JSON lines.
Status ReadTopLevelFile(io::FileSystem& fs, const std::string& path, const ActionSink& sink) {
  if (!path.ends_with(".json")) return ReadCheckpointFile(fs, path, sink);
  ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  ASSIGN_OR_RETURN(std::vector<Action> actions, ParseCommit(text, path));
  for (Action& a : actions) RETURN_IF_ERROR(sink(std::move(a)));
  return Status::OK();
}

// `_delta_log/_sidecars/<name>` for a sidecar action's path, which PROTOCOL.md
// says is URI-encoded and should be the bare file name; a full path must still
// point into this log's _sidecars directory.
Result<std::string> SidecarPath(const std::string& log_dir, const std::string& encoded,
                                const std::string& where) {
  ASSIGN_OR_RETURN(std::string path, DecodeUriPath(encoded));
  std::string name = path;
  if (size_t slash = path.rfind('/'); slash != std::string::npos) {
    name = path.substr(slash + 1);
    std::string_view parent = std::string_view(path).substr(0, slash);
    if (!parent.ends_with("_delta_log/_sidecars")) {
      return Status::Corruption(where + ": sidecar " + encoded +
                                " is not in the table's _delta_log/_sidecars directory");
    }
  }
  if (name.empty() || name == "." || name == "..") {
    return Status::Corruption(where + ": sidecar path '" + encoded + "' names no file");
  }
  return log_dir + "/_sidecars/" + name;
}

}  // namespace

Status ReadCheckpoint(io::FileSystem& fs, const CheckpointFiles& checkpoint,
                      const ActionSink& sink) {
  if (!checkpoint.complete()) {
    return Status::Corruption("delta: checkpoint " + std::to_string(checkpoint.version) + " has " +
                              std::to_string(checkpoint.parts.size()) + " of " +
                              std::to_string(checkpoint.num_parts) + " parts");
  }
  const std::string& first = checkpoint.parts.front().path;
  const std::string where = "delta: " + first;
  const std::string log_dir = first.substr(0, first.rfind('/'));
  const bool multi_part = checkpoint.kind == CheckpointFiles::Kind::kMultiPart;
  int checkpoint_metadata = 0;
  bool file_actions = false;
  std::vector<std::string> sidecars;
  auto top_level = [&](Action&& a) -> Status {
    if (const auto* cm = std::get_if<CheckpointMetadataAction>(&a)) {
      if (multi_part) {
        return Status::Corruption(where + ": checkpointMetadata in a multi-part checkpoint "
                                  "(only V1 checkpoints may be multi-part)");
      }
      if (cm->version != checkpoint.version) {
        return Status::Corruption(where + ": checkpointMetadata says version " +
                                  std::to_string(cm->version) + ", the file name " +
                                  std::to_string(checkpoint.version));
      }
      ++checkpoint_metadata;
      return Status::OK();
    }
    if (const auto* sc = std::get_if<SidecarAction>(&a)) {
      sidecars.push_back(sc->path);
      return Status::OK();
    }
    if (std::holds_alternative<AddFile>(a) || std::holds_alternative<RemoveFile>(a)) {
      file_actions = true;
    }
    return sink(std::move(a));
  };
  for (const auto& part : checkpoint.parts) RETURN_IF_ERROR(ReadTopLevelFile(fs, part.path, top_level));

  // PROTOCOL.md "V2 Spec": exactly one checkpointMetadata (always in a UUID-named
  // checkpoint); sidecars only with it, and then every file action is in them.
  const bool v2 = checkpoint_metadata > 0 || checkpoint.kind == CheckpointFiles::Kind::kUuid;
  if (v2 && checkpoint_metadata != 1) {
    return Status::Corruption(where + ": a V2 checkpoint needs exactly one checkpointMetadata "
                              "action, found " + std::to_string(checkpoint_metadata));
  }
  if (!v2 && !sidecars.empty()) {
    return Status::Corruption(where + ": sidecar actions without checkpointMetadata "
                              "(only V2 checkpoints have sidecars)");
  }
  if (!sidecars.empty() && file_actions) {
    return Status::Corruption(where + ": file actions both in the checkpoint and in sidecars");
  }
  for (const std::string& encoded : sidecars) {
    ASSIGN_OR_RETURN(std::string path, SidecarPath(log_dir, encoded, where));
    RETURN_IF_ERROR(ReadCheckpointFile(fs, path, [&](Action&& a) -> Status {
      if (!std::holds_alternative<AddFile>(a) && !std::holds_alternative<RemoveFile>(a)) {
        return Status::Corruption("delta: " + path + ": sidecar holds a " +
                                  std::string(ActionName(a)) + " action (only add and remove)");
      }
      return sink(std::move(a));
    }));
  }
  return Status::OK();
}

}  // namespace lakestream::delta
