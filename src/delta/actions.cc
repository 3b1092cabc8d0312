#include "delta/actions.h"

#include <nlohmann/json.hpp>

#include "delta/json_util_internal.h"

namespace lakestream::delta {
namespace {

using internal::JsonObject;
using nlohmann::json;
using nlohmann::ordered_json;

Status ParsePartitionValues(const JsonObject& o, const char* key, bool required,
                            std::optional<PartitionValues>* out) {
  const json* j = o.Find(key);
  if (j == nullptr || j->is_null()) {
    if (required) return o.Error(key, "is missing");
    return Status::OK();
  }
  if (!j->is_object()) return o.Error(key, "is not an object");
  PartitionValues pv;
  for (auto it = j->begin(); it != j->end(); ++it) {
    if (it.value().is_null()) {
      pv[it.key()] = std::nullopt;
    } else if (it.value().is_string()) {
      pv[it.key()] = it.value().get<std::string>();
    } else {
      // Some writers emit numbers or booleans; keep their JSON text.
      pv[it.key()] = internal::Dump(it.value());
    }
  }
  *out = std::move(pv);
  return Status::OK();
}

Status ParseDv(const JsonObject& o, std::optional<DeletionVector>* out) {
  const json* j = o.Find("deletionVector");
  if (j == nullptr || j->is_null()) return Status::OK();
  if (!j->is_object()) return o.Error("deletionVector", "is not an object");
  JsonObject d(*j, o.where() + ".deletionVector");
  DeletionVector dv;
  RETURN_IF_ERROR(d.Str("storageType", &dv.storage_type));
  RETURN_IF_ERROR(d.Str("pathOrInlineDv", &dv.path_or_inline_dv));
  RETURN_IF_ERROR(d.OptInt32("offset", &dv.offset));
  RETURN_IF_ERROR(d.Int32("sizeInBytes", &dv.size_in_bytes));
  RETURN_IF_ERROR(d.Int64("cardinality", &dv.cardinality));
  RETURN_IF_ERROR(d.OptInt64("maxRowIndex", &dv.max_row_index));
  *out = std::move(dv);
  return Status::OK();
}

Status ParseStats(const JsonObject& o, std::optional<std::string>* out) {
  const json* j = o.Find("stats");
  if (j == nullptr || j->is_null()) return Status::OK();
  if (j->is_string()) {
    *out = j->get<std::string>();
  } else if (j->is_object()) {
    *out = internal::Dump(*j);  // non-standard but harmless
  } else {
    return o.Error("stats", "is not a string");
  }
  return Status::OK();
}

Result<Action> ParseAdd(const json& j) {
  JsonObject o(j, "add");
  AddFile a;
  RETURN_IF_ERROR(o.Str("path", &a.path));
  std::optional<PartitionValues> pv;
  RETURN_IF_ERROR(ParsePartitionValues(o, "partitionValues", false, &pv));
  if (pv) a.partition_values = std::move(*pv);
  RETURN_IF_ERROR(o.Int64("size", &a.size));
  RETURN_IF_ERROR(o.Int64("modificationTime", &a.modification_time, /*required=*/false));
  RETURN_IF_ERROR(o.Bool("dataChange", &a.data_change, /*required=*/false));
  RETURN_IF_ERROR(ParseStats(o, &a.stats));
  RETURN_IF_ERROR(o.OptStringMap("tags", &a.tags));
  RETURN_IF_ERROR(ParseDv(o, &a.deletion_vector));
  RETURN_IF_ERROR(o.OptInt64("baseRowId", &a.base_row_id));
  RETURN_IF_ERROR(o.OptInt64("defaultRowCommitVersion", &a.default_row_commit_version));
  RETURN_IF_ERROR(o.OptStr("clusteringProvider", &a.clustering_provider));
  return Action(std::move(a));
}

Result<Action> ParseRemove(const json& j) {
  JsonObject o(j, "remove");
  RemoveFile r;
  RETURN_IF_ERROR(o.Str("path", &r.path));
  RETURN_IF_ERROR(o.OptInt64("deletionTimestamp", &r.deletion_timestamp));
  RETURN_IF_ERROR(o.Bool("dataChange", &r.data_change, /*required=*/false));
  RETURN_IF_ERROR(o.OptBool("extendedFileMetadata", &r.extended_file_metadata));
  RETURN_IF_ERROR(ParsePartitionValues(o, "partitionValues", false, &r.partition_values));
  RETURN_IF_ERROR(o.OptInt64("size", &r.size));
  RETURN_IF_ERROR(ParseStats(o, &r.stats));
  RETURN_IF_ERROR(o.OptStringMap("tags", &r.tags));
  RETURN_IF_ERROR(ParseDv(o, &r.deletion_vector));
  RETURN_IF_ERROR(o.OptInt64("baseRowId", &r.base_row_id));
  RETURN_IF_ERROR(o.OptInt64("defaultRowCommitVersion", &r.default_row_commit_version));
  return Action(std::move(r));
}

Result<Action> ParseMetadata(const json& j) {
  JsonObject o(j, "metaData");
  Metadata m;
  RETURN_IF_ERROR(o.Str("id", &m.id, /*required=*/false));
  RETURN_IF_ERROR(o.OptStr("name", &m.name));
  RETURN_IF_ERROR(o.OptStr("description", &m.description));
  if (const json* f = o.Find("format"); f != nullptr && !f->is_null()) {
    if (!f->is_object()) return o.Error("format", "is not an object");
    JsonObject fo(*f, "metaData.format");
    RETURN_IF_ERROR(fo.Str("provider", &m.format.provider, /*required=*/false));
    std::optional<StringMap> opts;
    RETURN_IF_ERROR(fo.OptStringMap("options", &opts));
    if (opts) m.format.options = std::move(*opts);
  }
  // Delta Live Tables create tables before they have a schema.
  RETURN_IF_ERROR(o.Str("schemaString", &m.schema_string, /*required=*/false));
  RETURN_IF_ERROR(o.StrList("partitionColumns", &m.partition_columns, /*required=*/false));
  std::optional<StringMap> conf;
  RETURN_IF_ERROR(o.OptStringMap("configuration", &conf));
  if (conf) m.configuration = std::move(*conf);
  RETURN_IF_ERROR(o.OptInt64("createdTime", &m.created_time));
  return Action(std::move(m));
}

Result<Action> ParseProtocol(const json& j) {
  JsonObject o(j, "protocol");
  Protocol p;
  RETURN_IF_ERROR(o.Int32("minReaderVersion", &p.min_reader_version));
  RETURN_IF_ERROR(o.Int32("minWriterVersion", &p.min_writer_version));
  if (const json* f = o.Find("readerFeatures"); f != nullptr && !f->is_null()) {
    p.reader_features.emplace();
    RETURN_IF_ERROR(o.StrList("readerFeatures", &*p.reader_features));
  }
  if (const json* f = o.Find("writerFeatures"); f != nullptr && !f->is_null()) {
    p.writer_features.emplace();
    RETURN_IF_ERROR(o.StrList("writerFeatures", &*p.writer_features));
  }
  return Action(std::move(p));
}

Result<Action> ParseTxn(const json& j) {
  JsonObject o(j, "txn");
  SetTransaction t;
  RETURN_IF_ERROR(o.Str("appId", &t.app_id));
  RETURN_IF_ERROR(o.Int64("version", &t.version));
  RETURN_IF_ERROR(o.OptInt64("lastUpdated", &t.last_updated));
  return Action(std::move(t));
}

Result<Action> ParseCommitInfo(const json& j) {
  JsonObject o(j, "commitInfo");
  CommitInfo c;
  c.json = internal::Dump(j);
  // Typed views are best effort: commitInfo is free-form.
  if (const json* t = o.Find("timestamp"); t && t->is_number_integer()) {
    c.timestamp = t->get<int64_t>();
  }
  if (const json* t = o.Find("inCommitTimestamp"); t && t->is_number_integer()) {
    c.in_commit_timestamp = t->get<int64_t>();
  }
  if (const json* op = o.Find("operation"); op && op->is_string()) {
    c.operation = op->get<std::string>();
  }
  if (const json* p = o.Find("operationParameters"); p && p->is_object()) {
    for (auto it = p->begin(); it != p->end(); ++it) {
      c.operation_parameters[it.key()] =
          it.value().is_string() ? it.value().get<std::string>() : internal::Dump(it.value());
    }
  }
  return Action(std::move(c));
}

Result<Action> ParseDomainMetadata(const json& j) {
  JsonObject o(j, "domainMetadata");
  DomainMetadata d;
  RETURN_IF_ERROR(o.Str("domain", &d.domain));
  RETURN_IF_ERROR(o.Str("configuration", &d.configuration, /*required=*/false));
  RETURN_IF_ERROR(o.Bool("removed", &d.removed, /*required=*/false));
  return Action(std::move(d));
}

Result<Action> ParseCdc(const json& j) {
  JsonObject o(j, "cdc");
  AddCdcFile c;
  RETURN_IF_ERROR(o.Str("path", &c.path));
  std::optional<PartitionValues> pv;
  RETURN_IF_ERROR(ParsePartitionValues(o, "partitionValues", false, &pv));
  if (pv) c.partition_values = std::move(*pv);
  RETURN_IF_ERROR(o.Int64("size", &c.size, /*required=*/false));
  RETURN_IF_ERROR(o.Bool("dataChange", &c.data_change, /*required=*/false));
  RETURN_IF_ERROR(o.OptStringMap("tags", &c.tags));
  return Action(std::move(c));
}

Result<Action> ParseCheckpointMetadata(const json& j) {
  JsonObject o(j, "checkpointMetadata");
  CheckpointMetadataAction c;
  RETURN_IF_ERROR(o.Int64("version", &c.version, /*required=*/false));
  return Action(c);
}

Result<Action> ParseSidecar(const json& j) {
  JsonObject o(j, "sidecar");
  SidecarAction s;
  RETURN_IF_ERROR(o.Str("path", &s.path, /*required=*/false));
  return Action(std::move(s));
}

// Serialization helpers.
void PutPartitionValues(const PartitionValues& pv, ordered_json* out) {
  *out = ordered_json::object();
  for (const auto& [k, v] : pv) {
    if (v) {
      (*out)[k] = *v;
    } else {
      (*out)[k] = nullptr;
    }
  }
}

ordered_json MapJson(const StringMap& m) {
  ordered_json o = ordered_json::object();
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

ordered_json DvJson(const DeletionVector& dv) {
  ordered_json o;
  o["storageType"] = dv.storage_type;
  o["pathOrInlineDv"] = dv.path_or_inline_dv;
  if (dv.offset) o["offset"] = *dv.offset;
  o["sizeInBytes"] = dv.size_in_bytes;
  o["cardinality"] = dv.cardinality;
  if (dv.max_row_index) o["maxRowIndex"] = *dv.max_row_index;
  return o;
}

ordered_json ToJson(const AddFile& a) {
  ordered_json o;
  o["path"] = a.path;
  PutPartitionValues(a.partition_values, &o["partitionValues"]);
  o["size"] = a.size;
  o["modificationTime"] = a.modification_time;
  o["dataChange"] = a.data_change;
  if (a.stats) o["stats"] = *a.stats;
  if (a.tags) o["tags"] = MapJson(*a.tags);
  if (a.deletion_vector) o["deletionVector"] = DvJson(*a.deletion_vector);
  if (a.base_row_id) o["baseRowId"] = *a.base_row_id;
  if (a.default_row_commit_version) o["defaultRowCommitVersion"] = *a.default_row_commit_version;
  if (a.clustering_provider) o["clusteringProvider"] = *a.clustering_provider;
  return o;
}

ordered_json ToJson(const RemoveFile& r) {
  ordered_json o;
  o["path"] = r.path;
  if (r.deletion_timestamp) o["deletionTimestamp"] = *r.deletion_timestamp;
  o["dataChange"] = r.data_change;
  if (r.extended_file_metadata) o["extendedFileMetadata"] = *r.extended_file_metadata;
  if (r.partition_values) PutPartitionValues(*r.partition_values, &o["partitionValues"]);
  if (r.size) o["size"] = *r.size;
  if (r.stats) o["stats"] = *r.stats;
  if (r.tags) o["tags"] = MapJson(*r.tags);
  if (r.deletion_vector) o["deletionVector"] = DvJson(*r.deletion_vector);
  if (r.base_row_id) o["baseRowId"] = *r.base_row_id;
  if (r.default_row_commit_version) o["defaultRowCommitVersion"] = *r.default_row_commit_version;
  return o;
}

ordered_json ToJson(const Metadata& m) {
  ordered_json o;
  o["id"] = m.id;
  if (m.name) o["name"] = *m.name;
  if (m.description) o["description"] = *m.description;
  o["format"]["provider"] = m.format.provider;
  o["format"]["options"] = MapJson(m.format.options);
  o["schemaString"] = m.schema_string;
  o["partitionColumns"] = m.partition_columns;
  o["configuration"] = MapJson(m.configuration);
  if (m.created_time) o["createdTime"] = *m.created_time;
  return o;
}

ordered_json ToJson(const Protocol& p) {
  ordered_json o;
  o["minReaderVersion"] = p.min_reader_version;
  o["minWriterVersion"] = p.min_writer_version;
  if (p.reader_features) o["readerFeatures"] = *p.reader_features;
  if (p.writer_features) o["writerFeatures"] = *p.writer_features;
  return o;
}

ordered_json ToJson(const SetTransaction& t) {
  ordered_json o;
  o["appId"] = t.app_id;
  o["version"] = t.version;
  if (t.last_updated) o["lastUpdated"] = *t.last_updated;
  return o;
}

ordered_json ToJson(const CommitInfo& c) {
  ordered_json o = ordered_json::parse(c.json, nullptr, /*allow_exceptions=*/false);
  if (o.is_discarded() || !o.is_object()) o = ordered_json::object();
  if (c.timestamp) o["timestamp"] = *c.timestamp;
  if (c.in_commit_timestamp) o["inCommitTimestamp"] = *c.in_commit_timestamp;
  if (c.operation) o["operation"] = *c.operation;
  if (!c.operation_parameters.empty()) o["operationParameters"] = MapJson(c.operation_parameters);
  return o;
}

ordered_json ToJson(const DomainMetadata& d) {
  ordered_json o;
  o["domain"] = d.domain;
  o["configuration"] = d.configuration;
  o["removed"] = d.removed;
  return o;
}

ordered_json ToJson(const AddCdcFile& c) {
  ordered_json o;
  o["path"] = c.path;
  PutPartitionValues(c.partition_values, &o["partitionValues"]);
  o["size"] = c.size;
  o["dataChange"] = c.data_change;
  if (c.tags) o["tags"] = MapJson(*c.tags);
  return o;
}

ordered_json ToJson(const CheckpointMetadataAction& c) {
  ordered_json o;
  o["version"] = c.version;
  return o;
}

ordered_json ToJson(const SidecarAction& s) {
  ordered_json o;
  o["path"] = s.path;
  return o;
}

}  // namespace

bool Protocol::HasReaderFeature(std::string_view f) const {
  if (!reader_features) return false;
  for (const auto& x : *reader_features) {
    if (x == f) return true;
  }
  return false;
}

bool Protocol::HasWriterFeature(std::string_view f) const {
  if (!writer_features) return false;
  for (const auto& x : *writer_features) {
    if (x == f) return true;
  }
  return false;
}

std::optional<std::string> Metadata::Config(const std::string& key) const {
  auto it = configuration.find(key);
  if (it == configuration.end()) return std::nullopt;
  return it->second;
}

std::string DeletionVector::UniqueId() const {
  std::string id = storage_type + path_or_inline_dv;
  if (offset) id += "@" + std::to_string(*offset);
  return id;
}

std::optional<int64_t> AddFile::NumRecords() const {
  if (!stats) return std::nullopt;
  json j = json::parse(*stats, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto it = j.find("numRecords");
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

std::optional<int64_t> AddFile::LiveRecords() const {
  std::optional<int64_t> n = NumRecords();
  if (n && deletion_vector) *n -= deletion_vector->cardinality;
  return n;
}

FileKey KeyOf(const AddFile& a) {
  return {a.path, a.deletion_vector ? a.deletion_vector->UniqueId() : std::string()};
}

FileKey KeyOf(const RemoveFile& r) {
  return {r.path, r.deletion_vector ? r.deletion_vector->UniqueId() : std::string()};
}

Result<std::optional<Action>> ParseAction(std::string_view line) {
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption("malformed JSON");
  if (!j.is_object()) return Status::Corruption("an action must be a JSON object");
  if (j.size() != 1) {
    return Status::Corruption("an action must have exactly one key, found " +
                              std::to_string(j.size()));
  }
  const std::string& kind = j.begin().key();
  const json& body = j.begin().value();
  if (!body.is_object()) return Status::Corruption(kind + ": is not a JSON object");
  Result<Action> a = Status::Internal("unset");
  if (kind == "add") {
    a = ParseAdd(body);
  } else if (kind == "remove") {
    a = ParseRemove(body);
  } else if (kind == "metaData") {
    a = ParseMetadata(body);
  } else if (kind == "protocol") {
    a = ParseProtocol(body);
  } else if (kind == "txn") {
    a = ParseTxn(body);
  } else if (kind == "commitInfo") {
    a = ParseCommitInfo(body);
    if (a.ok()) {
      // Keep the free-form object's own key order (json sorts keys).
      ordered_json o = ordered_json::parse(line.begin(), line.end(), nullptr, false);
      if (!o.is_discarded() && o.is_object() && o.size() == 1) {
        std::get<CommitInfo>(*a).json =
            o.begin().value().dump(-1, ' ', false, ordered_json::error_handler_t::replace);
      }
    }
  } else if (kind == "domainMetadata") {
    a = ParseDomainMetadata(body);
  } else if (kind == "cdc") {
    a = ParseCdc(body);
  } else if (kind == "checkpointMetadata") {
    a = ParseCheckpointMetadata(body);
  } else if (kind == "sidecar") {
    a = ParseSidecar(body);
  } else {
    return std::optional<Action>();
  }
  if (!a.ok()) return a.status();
  return std::optional<Action>(std::move(a).value());
}

Result<std::vector<Action>> ParseCommit(std::string_view text, std::string_view context) {
  std::vector<Action> out;
  size_t pos = 0;
  int line_no = 0;
  int64_t actions = 0;  // lines holding an action, known or not
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    Result<std::optional<Action>> a = ParseAction(line);
    if (!a.ok()) {
      return Status::Corruption("delta: " + std::string(context) + ": line " +
                                std::to_string(line_no) + ": " + a.status().message());
    }
    if (a->has_value()) out.push_back(std::move(**a));
    ++actions;
  }
  // Every commit holds at least one action; an empty file is a write that never finished
  // (or a truncation), not an empty version.
  if (actions == 0) {
    return Status::Corruption("delta: " + std::string(context) +
                              ": empty commit file (no actions)");
  }
  return out;
}

std::string_view ActionName(const Action& action) {
  static constexpr std::string_view kNames[] = {
      "add",        "remove",         "metaData", "protocol",           "txn",
      "commitInfo", "domainMetadata", "cdc",      "checkpointMetadata", "sidecar"};
  return kNames[action.index()];
}

std::string SerializeAction(const Action& action) {
  ordered_json o;
  std::visit([&](const auto& a) { o[std::string(ActionName(action))] = ToJson(a); }, action);
  return o.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string SerializeCommit(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions) {
    out += SerializeAction(a);
    out += '\n';
  }
  return out;
}

}  // namespace lakestream::delta
