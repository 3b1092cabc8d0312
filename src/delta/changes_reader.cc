#include "delta/changes_reader.h"

#include <algorithm>
#include <map>

#include "common/json_escape.h"
#include "common/time_format.h"
#include "delta/actions.h"
#include "delta/change_data.h"
#include "delta/deletion_vector.h"
#include "delta/history.h"
#include "delta/row_reader.h"
#include "delta/snapshot.h"
#include "parquet/json_printer.h"

namespace lakestream::delta {
namespace {

using parquet::Value;

// The versions [from, to] the range names, given the commits in the log.
Status ResolveRange(const LogStore& store, const LogListing& listing, const ChangesRange& range,
                    std::optional<int64_t> ict_from, int64_t latest, int64_t* from, int64_t* to) {
  const std::string& root = store.table_root();
  if ((range.from_version && range.from_timestamp_ms) ||
      (range.to_version && range.to_timestamp_ms)) {
    return Status::InvalidArgument("changes: " + root +
                                   ": give a version or a timestamp for each end, not both");
  }
  *from = range.from_version.value_or(0);
  *to = range.to_version.value_or(latest);
  if (range.from_timestamp_ms || range.to_timestamp_ms) {
    ASSIGN_OR_RETURN(std::vector<HistoryEntry> hist, ReadHistory(store, listing, ict_from));
    std::reverse(hist.begin(), hist.end());  // oldest first
    if (range.from_timestamp_ms) {
      auto it = std::find_if(hist.begin(), hist.end(), [&](const HistoryEntry& e) {
        return e.timestamp_ms >= *range.from_timestamp_ms;
      });
      if (it == hist.end()) {
        return Status::InvalidArgument(
            "changes: " + root + ": no commit at or after the start timestamp " +
            FormatTimestampMicros(*range.from_timestamp_ms * 1000) + " (the latest is version " +
            std::to_string(latest) + ")");
      }
      *from = it->version;
    }
    if (range.to_timestamp_ms) {
      int64_t found = -1;
      for (const auto& e : hist) {
        if (e.timestamp_ms <= *range.to_timestamp_ms) found = e.version;
      }
      if (found < 0) {
        return Status::InvalidArgument("changes: " + root +
                                       ": no commit at or before the end timestamp " +
                                       FormatTimestampMicros(*range.to_timestamp_ms * 1000));
      }
      *to = found;
    }
  }
  if (*from < 0) {
    return Status::InvalidArgument("changes: " + root + ": negative start version " +
                                   std::to_string(*from));
  }
  if (*from > latest) {
    return Status::InvalidArgument("changes: " + root + ": start version " +
                                   std::to_string(*from) + " is past the latest version " +
                                   std::to_string(latest));
  }
  *to = std::min(*to, latest);
  if (*to < *from) {
    return Status::InvalidArgument("changes: " + root + ": end version " + std::to_string(*to) +
                                   " is before the start version " + std::to_string(*from));
  }
  return Status::OK();
}

Status NotEnabled(const std::string& root, int64_t version, int64_t from, int64_t to) {
  return Status::InvalidArgument(
      "changes: " + root + ": change data was not recorded for version " +
      std::to_string(version) + " (delta.enableChangeDataFeed is not true there), so versions " +
      std::to_string(from) + " to " + std::to_string(to) + " cannot be read as changes");
}

// Reads one file's rows, naming the version and a vacuumed file in errors.
Status ReadRows(const Snapshot& snap, const DeltaType& schema, const AddFile& file,
                int64_t version, std::vector<Value>* rows, std::vector<uint64_t>* indexes) {
  Status s = ReadFileRows(snap, schema, file, rows, indexes);
  if (s.ok()) return s;
  if (s.IsNotFound()) {
    return Status::NotFound("changes: " + snap.table_root() + ": version " +
                            std::to_string(version) + ": " + file.path +
                            " no longer exists (vacuumed?): " + s.message());
  }
  return s.WithContext("changes: version " + std::to_string(version));
}

// The changes of one commit without cdc actions.
Status AddRemoveChanges(const Snapshot& snap, const std::vector<Action>& actions, int64_t version,
                        ChangeRow* cr, const std::function<Status(const ChangeRow&)>& sink) {
  std::map<std::string, const RemoveFile*> removed;
  std::map<std::string, const AddFile*> added;
  for (const Action& a : actions) {
    if (const auto* r = std::get_if<RemoveFile>(&a); r && r->data_change) removed[r->path] = r;
    if (const auto* f = std::get_if<AddFile>(&a); f && f->data_change) added[f->path] = f;
  }
  std::vector<Value> rows;
  std::vector<uint64_t> indexes;
  auto emit = [&](const char* type) -> Status {
    cr->change_type = type;
    for (Value& v : rows) {
      cr->row = std::move(v);
      RETURN_IF_ERROR(sink(*cr));
    }
    rows.clear();
    return Status::OK();
  };
  for (const auto& [path, r] : removed) {
    AddFile as_add;
    as_add.path = r->path;
    as_add.deletion_vector = r->deletion_vector;
    if (!r->partition_values && !snap.partition_columns().empty()) {
      return Status::Corruption("changes: " + snap.table_root() + ": version " +
                                std::to_string(version) + ": remove of " + r->path +
                                " has no partitionValues");
    }
    if (r->partition_values) as_add.partition_values = *r->partition_values;
    auto a = added.find(path);
    if (a == added.end()) {
      RETURN_IF_ERROR(ReadRows(snap, snap.schema(), as_add, version, &rows, nullptr));
      RETURN_IF_ERROR(emit("delete"));
      continue;
    }
    // The same file with a new deletion vector: only the rows whose state changed.
    DeletedRows old_dv, new_dv;
    if (r->deletion_vector) {
      ASSIGN_OR_RETURN(old_dv, LoadDeletionVector(snap.log_store()->fs(), snap.table_root(),
                                                  r->path, *r->deletion_vector));
    }
    if (a->second->deletion_vector) {
      ASSIGN_OR_RETURN(new_dv, LoadDeletionVector(snap.log_store()->fs(), snap.table_root(),
                                                  path, *a->second->deletion_vector));
    }
    as_add.deletion_vector.reset();
    std::vector<Value> all;
    indexes.clear();
    RETURN_IF_ERROR(ReadRows(snap, snap.schema(), as_add, version, &all, &indexes));
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < all.size(); ++i) {
        bool was = old_dv.Contains(indexes[i]), is = new_dv.Contains(indexes[i]);
        if (pass == 0 ? (!was && is) : (was && !is)) rows.push_back(all[i]);
      }
      RETURN_IF_ERROR(emit(pass == 0 ? "delete" : "insert"));
    }
    added.erase(a);
  }
  for (const auto& [path, f] : added) {
    RETURN_IF_ERROR(ReadRows(snap, snap.schema(), *f, version, &rows, nullptr));
    RETURN_IF_ERROR(emit("insert"));
  }
  return Status::OK();
}

}  // namespace

Status ReadChanges(std::shared_ptr<LogStore> store, const ChangesRange& range,
                   const std::function<Status(const ChangeRow&)>& sink, DeltaType* schema_out) {
  const std::string root = store->table_root();
  ASSIGN_OR_RETURN(LogListing listing, store->List());
  if (listing.empty()) return Status::NotFound("changes: " + root + ": not a Delta table");
  ASSIGN_OR_RETURN(auto latest, Snapshot::Load(store));
  std::optional<int64_t> ict_from = InCommitTimestampsFrom(latest->metadata());
  int64_t from = 0, to = 0;
  RETURN_IF_ERROR(ResolveRange(*store, listing, range, ict_from, latest->version(), &from, &to));
  for (int64_t v = from; v <= to; ++v) {
    if (!listing.commits.count(v)) {
      return Status::NotFound("changes: " + root + ": commit " + std::to_string(v) +
                              " is no longer in the log (cleaned up after its retention)");
    }
  }
  SnapshotOptions at_from, at_to;
  at_from.version = from;
  at_to.version = to;
  ASSIGN_OR_RETURN(auto start, Snapshot::Load(store, at_from));
  if (!ChangeDataFeedEnabled(start->metadata())) return NotEnabled(root, from, from, to);
  ASSIGN_OR_RETURN(auto end, Snapshot::Load(store, at_to));
  const DeltaType& schema = end->schema();
  if (schema_out) *schema_out = schema;
  DeltaType cdc_schema = schema;
  StructField change_type;
  change_type.name = kChangeTypeColumn;
  // Under column mapping (name mode) the column is found by its physical name: its own.
  change_type.metadata_json =
      std::string(R"({"delta.columnMapping.physicalName":")") + kChangeTypeColumn + "\"}";
  cdc_schema.fields.push_back(change_type);

  ChangeRow cr;
  std::vector<Value> rows;
  for (int64_t v = from; v <= to; ++v) {
    auto file = listing.commits.find(v);
    ASSIGN_OR_RETURN(std::string text, store->fs().ReadFile(file->second.path));
    ASSIGN_OR_RETURN(std::vector<Action> actions, ParseCommit(text, file->second.path));
    cr.version = v;
    cr.timestamp_ms = file->second.mtime_ms;
    bool has_cdc = false;
    for (const Action& a : actions) {
      if (const auto* m = std::get_if<Metadata>(&a); m && !ChangeDataFeedEnabled(*m)) {
        return NotEnabled(root, v, from, to);
      }
      if (const auto* ci = std::get_if<CommitInfo>(&a);
          ci && ict_from && v >= *ict_from && ci->in_commit_timestamp) {
        cr.timestamp_ms = *ci->in_commit_timestamp;
      }
      has_cdc = has_cdc || std::holds_alternative<AddCdcFile>(a);
    }
    if (!has_cdc) {
      RETURN_IF_ERROR(AddRemoveChanges(*end, actions, v, &cr, sink));
      continue;
    }
    for (const Action& a : actions) {
      const auto* c = std::get_if<AddCdcFile>(&a);
      if (!c) continue;
      AddFile as_add;
      as_add.path = c->path;
      as_add.partition_values = c->partition_values;
      rows.clear();
      RETURN_IF_ERROR(ReadRows(*end, cdc_schema, as_add, v, &rows, nullptr));
      for (Value& row : rows) {
        Value& type = row.items.back();
        if (type.kind != Value::Kind::kBytes) {
          return Status::Corruption("changes: " + root + ": version " + std::to_string(v) +
                                    ": " + c->path + " has a row without " + kChangeTypeColumn);
        }
        cr.change_type = std::move(type.bytes);
        row.items.pop_back();
        cr.row = std::move(row);
        RETURN_IF_ERROR(sink(cr));
      }
    }
  }
  return Status::OK();
}

Status ChangesNdjson(std::shared_ptr<LogStore> store, const ChangesRange& range,
                     const std::function<Status(std::string_view)>& sink) {
  std::vector<std::string> keys;
  std::vector<parquet::SchemaNode> nodes;
  std::string out;
  auto row_sink = [&](const ChangeRow& c) -> Status {
    out.push_back('{');
    for (size_t i = 0; i < keys.size(); ++i) {
      out += keys[i];
      const Value& v = c.row.items[i];
      if (v.is_null()) {
        out += "null";
      } else {
        parquet::AppendValueJson(nodes[i], v, &out);
      }
      out.push_back(',');
    }
    out += "\"_change_type\":";
    AppendJsonString(c.change_type, &out);
    out += ",\"_commit_version\":" + std::to_string(c.version) + ",\"_commit_timestamp\":\"";
    AppendTimestampMicros(c.timestamp_ms * 1000, &out);
    out += "\"}\n";
    if (out.size() < (1 << 20)) return Status::OK();
    Status s = sink(out);
    out.clear();
    return s;
  };
  DeltaType schema;
  // The keys and nodes are built once the schema is known, before the first row.
  bool ready = false;
  auto first = [&](const ChangeRow& c) -> Status {
    if (!ready) {
      for (const StructField& f : schema.fields) {
        std::string k;
        AppendJsonString(f.name, &k);
        keys.push_back(k + ":");
        ASSIGN_OR_RETURN(parquet::SchemaNode node, ToParquetField(f));
        nodes.push_back(std::move(node));
      }
      ready = true;
    }
    return row_sink(c);
  };
  RETURN_IF_ERROR(ReadChanges(std::move(store), range, first, &schema));
  if (!out.empty()) return sink(out);
  return Status::OK();
}

}  // namespace lakestream::delta
