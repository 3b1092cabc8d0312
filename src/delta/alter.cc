#include "delta/alter.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include <nlohmann/json.hpp>

#include "common/uuid.h"
#include "delta/column_mapping_writer.h"
#include "delta/features.h"

namespace lakestream::delta {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

// The index of field `name` in `t` (exact match first, then case-insensitive), or -1.
int FieldIndex(const DeltaType& t, const std::string& name) {
  for (size_t i = 0; i < t.fields.size(); ++i) {
    if (t.fields[i].name == name) return static_cast<int>(i);
  }
  for (size_t i = 0; i < t.fields.size(); ++i) {
    if (SameName(t.fields[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

// What a path names: the struct holding the last part, and that part.
struct Target {
  DeltaType* parent = nullptr;
  std::string leaf;
  int index = -1;  // of `leaf` in parent, -1 when absent
};

Result<Target> Resolve(DeltaType* schema, const std::string& path, const std::string& ctx) {
  std::vector<std::string> parts = SplitPath(path);
  for (const std::string& p : parts) {
    if (p.empty()) return Status::InvalidArgument(ctx + ": column path '" + path + "' is empty");
  }
  Target t;
  t.parent = schema;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    int idx = FieldIndex(*t.parent, parts[i]);
    if (idx < 0) {
      return Status::InvalidArgument(ctx + ": no column " + parts[i] + " (in " + path + ")");
    }
    DeltaType* next = &t.parent->fields[static_cast<size_t>(idx)].type;
    if (next->kind != DeltaType::Kind::kStruct) {
      return Status::InvalidArgument(ctx + ": column " + parts[i] + " (in " + path +
                                     ") is a " + next->ToString() + ", not a struct");
    }
    t.parent = next;
  }
  t.leaf = parts.back();
  t.index = FieldIndex(*t.parent, t.leaf);
  return t;
}

// The CHECK constraint or generated column that mentions column `name` as a
// word, or "".
std::string ReferencedBy(const Metadata& md, const DeltaType& schema, const std::string& name) {
  auto mentions = [&](const std::string& expr) {
    std::string e = expr, n = name;
    for (auto* s : {&e, &n}) {
      std::transform(s->begin(), s->end(), s->begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (size_t at = e.find(n); at != std::string::npos; at = e.find(n, at + 1)) {
      bool before = at > 0 && word(e[at - 1]);
      bool after = at + n.size() < e.size() && word(e[at + n.size()]);
      if (!before && !after) return true;
    }
    return false;
  };
  for (const auto& [k, v] : md.configuration) {
    if (k.rfind("delta.constraints.", 0) == 0 && mentions(v)) return "CHECK constraint " + k;
  }
  for (const StructField& f : schema.fields) {
    nlohmann::json m = nlohmann::json::parse(f.metadata_json, nullptr, false);
    if (!m.is_object()) continue;
    auto g = m.find("delta.generationExpression");
    if (g != m.end() && g->is_string() && mentions(g->get<std::string>())) {
      return "generated column " + f.name;
    }
  }
  return "";
}

// Loads the table, applies `change` to its metadata and commits that alone.
Result<CommitResult> CommitSchemaChange(
    const std::shared_ptr<LogStore>& store, const CommitOptions& commit,
    const std::function<Status(const Snapshot&, Metadata*, Protocol*, std::string* op,
                               StringMap* params)>& change) {
  ASSIGN_OR_RETURN(auto snap, Snapshot::Load(store));
  RETURN_IF_ERROR(CheckWriteSupported(snap->protocol(), snap->metadata(), store->table_root()));
  Metadata md = snap->metadata();
  Protocol protocol = snap->protocol();
  std::string op;
  StringMap params;
  RETURN_IF_ERROR(change(*snap, &md, &protocol, &op, &params));
  if (md == snap->metadata() && protocol == snap->protocol()) {
    CommitResult none;
    none.version = -1;
    return none;
  }
  Transaction txn(store, snap, commit);
  if (!(protocol == snap->protocol())) txn.SetProtocol(protocol);
  txn.SetMetadata(std::move(md));
  txn.SetOperation(op, params);
  return txn.Commit();
}

Status NeedsColumnMapping(const Snapshot& snap, const std::string& what,
                          const std::string& ctx) {
  if (snap.column_mapping().active()) return Status::OK();
  return Status::NotSupported(ctx + ": " + what +
                              " needs column mapping (data files name columns, so without it the "
                              "data would be lost); turn it on first: lakestream alter TABLE "
                              "set-property delta.columnMapping.mode=name");
}

}  // namespace

Status AddColumnToSchema(const Snapshot& snap, DeltaType* schema, const std::string& path,
                         StructField column, int64_t* max_column_id) {
  const std::string ctx = "delta: " + snap.table_root();
  ASSIGN_OR_RETURN(Target t, Resolve(schema, path, ctx));
  if (t.index >= 0) {
    return Status::InvalidArgument(ctx + ": column " + path + " already exists (as " +
                                   t.parent->fields[static_cast<size_t>(t.index)].name + ")");
  }
  if (!column.nullable && !snap.files().empty()) {
    return Status::InvalidArgument(ctx + ": cannot add NOT NULL column " + path +
                                   ": the table has rows, which would hold null in it");
  }
  if (!snap.column_mapping().active()) {
    for (char c : t.leaf) {
      if (std::string_view(" ,;{}()\n\t=").find(c) != std::string_view::npos) {
        return Status::InvalidArgument(ctx + ": column name '" + t.leaf +
                                       "' has a character Parquet names cannot hold (' ,;{}()"
                                       "\\n\\t='); column mapping allows it");
      }
    }
  }
  column.name = t.leaf;
  if (snap.column_mapping().active()) {
    DeltaType holder;
    holder.kind = DeltaType::Kind::kStruct;
    holder.fields.push_back(std::move(column));
    AssignColumnMapping(&holder, max_column_id, /*physical_is_logical=*/false);
    column = std::move(holder.fields[0]);
  }
  t.parent->fields.push_back(std::move(column));
  return Status::OK();
}

Result<CommitResult> AddColumn(std::shared_ptr<LogStore> store, const std::string& path,
                               const DeltaType& type, bool nullable, const CommitOptions& commit) {
  return CommitSchemaChange(store, commit, [&](const Snapshot& snap, Metadata* md, Protocol*,
                                               std::string* op, StringMap* params) -> Status {
    DeltaType schema = snap.schema();
    StructField f;
    f.type = type;
    f.nullable = nullable;
    int64_t max_id = MaxColumnId(schema);
    if (auto m = md->Config(kMaxColumnIdKey)) max_id = std::max<int64_t>(max_id, std::strtoll(m->c_str(), nullptr, 10));
    RETURN_IF_ERROR(AddColumnToSchema(snap, &schema, path, std::move(f), &max_id));
    md->schema_string = SchemaToJson(schema);
    if (snap.column_mapping().active()) {
      md->configuration[kMaxColumnIdKey] = std::to_string(max_id);
    }
    *op = "ADD COLUMNS";
    nlohmann::json col = {{"name", path}, {"type", type.ToString()}, {"nullable", nullable}};
    (*params)["columns"] = nlohmann::json::array({{{"column", col}}}).dump();
    return Status::OK();
  });
}

Result<CommitResult> RenameColumn(std::shared_ptr<LogStore> store, const std::string& path,
                                  const std::string& new_name, const CommitOptions& commit) {
  return CommitSchemaChange(store, commit, [&](const Snapshot& snap, Metadata* md, Protocol*,
                                               std::string* op, StringMap* params) -> Status {
    const std::string ctx = "delta: " + store->table_root();
    RETURN_IF_ERROR(NeedsColumnMapping(snap, "rename-column " + path, ctx));
    if (new_name.empty() || new_name.find('.') != std::string::npos) {
      return Status::InvalidArgument(ctx + ": new column name '" + new_name +
                                     "' must be one non-empty name without dots");
    }
    DeltaType schema = snap.schema();
    ASSIGN_OR_RETURN(Target t, Resolve(&schema, path, ctx));
    if (t.index < 0) return Status::InvalidArgument(ctx + ": no column " + path);
    StructField& f = t.parent->fields[static_cast<size_t>(t.index)];
    int clash = FieldIndex(*t.parent, new_name);
    if (clash >= 0 && clash != t.index) {
      return Status::InvalidArgument(ctx + ": cannot rename " + path + " to " + new_name +
                                     ": column " + t.parent->fields[clash].name +
                                     " already exists");
    }
    std::string why = ReferencedBy(*md, snap.schema(), f.name);
    if (!why.empty()) {
      return Status::InvalidArgument(ctx + ": cannot rename " + path + ": " + why +
                                     " refers to it");
    }
    if (t.parent == &schema) {
      for (auto& pc : md->partition_columns) {
        if (pc == f.name) pc = new_name;
      }
    }
    f.name = new_name;
    md->schema_string = SchemaToJson(schema);
    *op = "RENAME COLUMN";
    std::string parent_path = path.substr(0, path.size() - t.leaf.size());
    (*params)["oldColumnPath"] = path;
    (*params)["newColumnPath"] = parent_path + new_name;
    return Status::OK();
  });
}

Result<CommitResult> DropColumn(std::shared_ptr<LogStore> store, const std::string& path,
                                const CommitOptions& commit) {
  return CommitSchemaChange(store, commit, [&](const Snapshot& snap, Metadata* md, Protocol*,
                                               std::string* op, StringMap* params) -> Status {
    const std::string ctx = "delta: " + store->table_root();
    RETURN_IF_ERROR(NeedsColumnMapping(snap, "drop-column " + path, ctx));
    DeltaType schema = snap.schema();
    ASSIGN_OR_RETURN(Target t, Resolve(&schema, path, ctx));
    if (t.index < 0) return Status::InvalidArgument(ctx + ": no column " + path);
    const std::string name = t.parent->fields[static_cast<size_t>(t.index)].name;
    if (t.parent == &schema) {
      for (const auto& pc : md->partition_columns) {
        if (pc == name) {
          return Status::InvalidArgument(ctx + ": cannot drop partition column " + name);
        }
      }
      size_t data_columns = schema.fields.size() - md->partition_columns.size();
      if (data_columns <= 1) {
        return Status::InvalidArgument(ctx + ": cannot drop " + name +
                                       ": it is the table's last data column");
      }
    } else if (t.parent->fields.size() == 1) {
      return Status::InvalidArgument(ctx + ": cannot drop " + path +
                                     ": it is its struct's last field (drop the struct)");
    }
    std::string why = ReferencedBy(*md, snap.schema(), name);
    if (!why.empty()) {
      return Status::InvalidArgument(ctx + ": cannot drop " + path + ": " + why + " refers to it");
    }
    t.parent->fields.erase(t.parent->fields.begin() + t.index);
    md->schema_string = SchemaToJson(schema);
    *op = "DROP COLUMNS";
    (*params)["columns"] = nlohmann::json::array({path}).dump();
    return Status::OK();
  });
}

Result<CommitResult> SetColumnMappingMode(std::shared_ptr<LogStore> store, ColumnMappingMode mode,
                                          const CommitOptions& commit) {
  return CommitSchemaChange(store, commit, [&](const Snapshot& snap, Metadata* md,
                                               Protocol* protocol, std::string* op,
                                               StringMap* params) -> Status {
    if (snap.column_mapping().mode() == mode) return Status::OK();
    ASSIGN_OR_RETURN(ProtocolAndMetadata pm,
                     EnableColumnMapping(snap.protocol(), snap.metadata(), mode,
                                         "delta: " + store->table_root()));
    *protocol = pm.protocol;
    *md = pm.metadata;
    *op = "SET TBLPROPERTIES";
    (*params)["properties"] =
        nlohmann::json({{kColumnMappingModeKey, md->configuration[kColumnMappingModeKey]}})
            .dump();
    return Status::OK();
  });
}

Result<CommitResult> SetInCommitTimestamps(std::shared_ptr<LogStore> store, bool enable,
                                           const CommitOptions& commit) {
  return CommitSchemaChange(store, commit, [&](const Snapshot& snap, Metadata* md,
                                               Protocol* protocol, std::string* op,
                                               StringMap* params) -> Status {
    const bool on = InCommitTimestampsEnabled(snap.protocol(), snap.metadata());
    if (on == enable) return Status::OK();
    const std::string value = enable ? "true" : "false";
    md->configuration[kEnableInCommitTimestampsKey] = value;
    if (enable) {
      // The commit records the enablement version and timestamp (delta/transaction.h).
      *protocol = WithWriterFeature(snap.protocol(), "inCommitTimestamp");
    } else {
      // Off: every commit's time is its file's again, so the provenance goes (Spark drops it
      // as well when it removes the feature); the feature itself stays listed.
      md->configuration.erase(kInCommitTimestampEnablementVersionKey);
      md->configuration.erase(kInCommitTimestampEnablementTimestampKey);
    }
    *op = "SET TBLPROPERTIES";
    (*params)["properties"] = nlohmann::json({{kEnableInCommitTimestampsKey, value}}).dump();
    return Status::OK();
  });
}

}  // namespace lakestream::delta
