#include "stream/pipeline_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>

#include "delta/table_identity.h"
#include "io/file_system.h"
#include "io/config_yaml.h"

namespace lakestream::stream {
namespace {

// Values are read with the one config reader (io/config_yaml.h); yaml-cpp's
// own exceptions are caught in this file and never leave it.
const io::ConfigReader& R() {
  static const io::ConfigReader reader("config");
  return reader;
}

Status Bad(const std::string& key, const std::string& what) { return R().Bad(key, what); }

std::string Join(const std::string& prefix, const std::string& key) {
  return io::ConfigKey(prefix, key);
}

Status CheckKeys(const YAML::Node& map, const std::string& where,
                 std::initializer_list<std::string_view> allowed) {
  return R().CheckKeys(map, where, allowed);
}

Result<std::string> GetString(const YAML::Node& n, const std::string& key) {
  return R().String(n, key);
}
Result<int64_t> GetInt(const YAML::Node& n, const std::string& key) { return R().Int(n, key); }
Result<bool> GetBool(const YAML::Node& n, const std::string& key) { return R().Bool(n, key); }
Result<int64_t> GetDurationUs(const YAML::Node& n, const std::string& key) {
  return R().DurationMicros(n, key);
}
Result<int64_t> GetSize(const YAML::Node& n, const std::string& key) { return R().Size(n, key); }

// Two table locations that are one table however spelt ("t", "./t", "file:///abs/t",
// through a symlink): delta/table_identity.h. A location that cannot be normalized is
// compared as written (opening it reports the error).
bool SameLocation(const std::string& a, const std::string& b) {
  Result<std::string> ka = delta::TableLocationKey(a);
  Result<std::string> kb = delta::TableLocationKey(b);
  if (!ka.ok() || !kb.ok()) return a == b;
  return *ka == *kb;
}

Result<pipeline::ColumnType> GetType(const YAML::Node& n, const std::string& key) {
  ASSIGN_OR_RETURN(std::string s, GetString(n, key));
  Result<pipeline::ColumnType> t = pipeline::ParseColumnType(s);
  if (!t.ok()) {
    return Bad(key, "unknown type '" + s +
                        "' (string, int32, int64, double, boolean, timestamp, date, json)");
  }
  return *t;
}

Status ParseSource(const YAML::Node& n, SourceConfig* out) {
  RETURN_IF_ERROR(CheckKeys(n, "source",
                            {"brokers", "topic", "group", "starting_offsets", "event_hubs",
                             "properties", "embedded", "assignment_timeout",
                             "close_timeout"}));
  if (n["brokers"]) { ASSIGN_OR_RETURN(out->brokers, GetString(n["brokers"], "source.brokers")); }
  if (!n["topic"]) return Bad("source.topic", "required");
  ASSIGN_OR_RETURN(out->topic, GetString(n["topic"], "source.topic"));
  if (out->topic.empty()) return Bad("source.topic", "must not be empty");
  if (n["group"]) { ASSIGN_OR_RETURN(out->group, GetString(n["group"], "source.group")); }
  if (n["starting_offsets"]) {
    ASSIGN_OR_RETURN(out->starting_offsets,
                     GetString(n["starting_offsets"], "source.starting_offsets"));
    if (out->starting_offsets != "earliest" && out->starting_offsets != "latest") {
      return Bad("source.starting_offsets",
                 "'" + out->starting_offsets + "' is not earliest or latest");
    }
  }
  if (n["assignment_timeout"]) {
    ASSIGN_OR_RETURN(int64_t us, GetDurationUs(n["assignment_timeout"], "source.assignment_timeout"));
    if (us <= 0) return Bad("source.assignment_timeout", "must be positive");
    out->assignment_timeout_ms = us / 1000;
  }
  if (n["close_timeout"]) {
    ASSIGN_OR_RETURN(int64_t us, GetDurationUs(n["close_timeout"], "source.close_timeout"));
    if (us < 0) return Bad("source.close_timeout", "must not be negative");
    out->close_timeout_ms = us / 1000;
  }
  if (const YAML::Node eh = n["event_hubs"]) {
    RETURN_IF_ERROR(
        CheckKeys(eh, "source.event_hubs", {"connection_string_env", "connection_string_file"}));
    if (eh["connection_string_env"]) {
      ASSIGN_OR_RETURN(out->event_hubs_connection_string_env,
                       GetString(eh["connection_string_env"],
                                 "source.event_hubs.connection_string_env"));
    }
    if (eh["connection_string_file"]) {
      ASSIGN_OR_RETURN(out->event_hubs_connection_string_file,
                       GetString(eh["connection_string_file"],
                                 "source.event_hubs.connection_string_file"));
    }
    if (!out->uses_event_hubs()) {
      return Bad("source.event_hubs",
                 "needs connection_string_env or connection_string_file (the connection string "
                 "itself never goes in the config)");
    }
    if (!out->brokers.empty()) {
      return Bad("source.brokers", "not allowed together with source.event_hubs");
    }
  }
  if (const YAML::Node p = n["properties"]) {
    if (!p.IsMap()) return Bad("source.properties", "expected a mapping of librdkafka properties");
    for (const auto& kv : p) {
      std::string k = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) return Bad("source.properties." + k, "expected a scalar");
      out->properties[k] = kv.second.as<std::string>();
    }
  }
  if (n["embedded"]) {
    ASSIGN_OR_RETURN(out->embedded, GetBool(n["embedded"], "source.embedded"));
    if (out->embedded && (!out->brokers.empty() || out->uses_event_hubs() ||
                          out->properties.count("bootstrap.servers"))) {
      return Bad("source.embedded",
                 "true is not allowed together with source.brokers, source.event_hubs or "
                 "properties.bootstrap.servers (embedded starts its own mock broker)");
    }
  }
  if (!out->names_a_broker()) {
    return Bad("source",
               "names no Kafka brokers: add brokers: host:port[,host:port...], or event_hubs: "
               "{connection_string_env: VAR}, or (dev only) embedded: true for librdkafka's "
               "in-process mock broker, whose data lives only as long as the process");
  }
  return Status::OK();
}

Status ParseColumns(const YAML::Node& n, std::vector<pipeline::ColumnSpec>* out) {
  if (!n.IsSequence()) return Bad("columns", "expected a list of {name, type, ...}");
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string where = "columns[" + std::to_string(i) + "]";
    const YAML::Node c = n[i];
    RETURN_IF_ERROR(CheckKeys(c, where, {"name", "type", "nullable", "source"}));
    pipeline::ColumnSpec spec;
    if (!c["name"]) return Bad(where + ".name", "required");
    ASSIGN_OR_RETURN(spec.name, GetString(c["name"], where + ".name"));
    if (spec.name.empty()) return Bad(where + ".name", "must not be empty");
    if (!c["type"]) return Bad(where + ".type", "required");
    ASSIGN_OR_RETURN(spec.type, GetType(c["type"], where + ".type"));
    if (c["nullable"]) { ASSIGN_OR_RETURN(spec.nullable, GetBool(c["nullable"], where + ".nullable")); }
    if (c["source"]) { ASSIGN_OR_RETURN(spec.source, GetString(c["source"], where + ".source")); }
    out->push_back(std::move(spec));
  }
  return Status::OK();
}

Status ParsePartitions(const YAML::Node& n, std::vector<PartitionSpec>* out) {
  if (!n.IsSequence()) return Bad("partition_by", "expected a list of {name, type, source}");
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string where = "partition_by[" + std::to_string(i) + "]";
    const YAML::Node c = n[i];
    RETURN_IF_ERROR(CheckKeys(c, where, {"name", "type", "source"}));
    PartitionSpec spec;
    if (!c["name"]) return Bad(where + ".name", "required");
    ASSIGN_OR_RETURN(spec.name, GetString(c["name"], where + ".name"));
    if (c["type"]) { ASSIGN_OR_RETURN(spec.type, GetType(c["type"], where + ".type")); }
    spec.source = spec.name;
    if (c["source"]) { ASSIGN_OR_RETURN(spec.source, GetString(c["source"], where + ".source")); }
    out->push_back(std::move(spec));
  }
  return Status::OK();
}

Status ParseDimension(const YAML::Node& n, PipelineConfig* cfg) {
  DimensionConfig& d = cfg->dimension;
  RETURN_IF_ERROR(CheckKeys(n, "dimension", {"name", "table", "key", "sequence_by", "track"}));
  if (n["name"]) { ASSIGN_OR_RETURN(d.name, GetString(n["name"], "dimension.name")); }
  if (!n["table"]) return Bad("dimension.table", "required");
  ASSIGN_OR_RETURN(d.table, GetString(n["table"], "dimension.table"));
  while (d.table.size() > 1 && d.table.back() == '/') d.table.pop_back();
  if (d.table.empty()) return Bad("dimension.table", "must not be empty");
  if (n["key"]) { ASSIGN_OR_RETURN(d.key, GetString(n["key"], "dimension.key")); }
  if (n["sequence_by"]) {
    ASSIGN_OR_RETURN(d.sequence_by, GetString(n["sequence_by"], "dimension.sequence_by"));
  }
  if (const YAML::Node t = n["track"]) {
    if (!t.IsSequence()) return Bad("dimension.track", "expected a list of column names");
    for (size_t i = 0; i < t.size(); ++i) {
      ASSIGN_OR_RETURN(std::string c,
                       GetString(t[i], "dimension.track[" + std::to_string(i) + "]"));
      d.track.push_back(std::move(c));
    }
  } else {
    for (const char* c : {"country", "city", "os", "browser", "device_id", "app_version"}) {
      if (cfg->FindColumn(c) != nullptr) d.track.push_back(c);
    }
  }
  return Status::OK();
}

Status ValidateDimension(const PipelineConfig& cfg) {
  const DimensionConfig& d = cfg.dimension;
  if (d.name.empty()) return Bad("dimension.name", "must not be empty");
  for (char ch : d.name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') {
      return Bad("dimension.name", "'" + d.name + "' may hold only letters, digits, - _ .");
    }
  }
  if (SameLocation(d.table, cfg.table) || SameLocation(d.table, cfg.quarantine_table)) {
    return Bad("dimension.table", "must differ from the events and quarantine tables");
  }
  using pipeline::ColumnType;
  const pipeline::ColumnSpec* key = cfg.FindColumn(d.key);
  if (key == nullptr) return Bad("dimension.key", "'" + d.key + "' is not one of the columns");
  if (key->type != ColumnType::kInt64 && key->type != ColumnType::kInt32 &&
      key->type != ColumnType::kString) {
    return Bad("dimension.key", "'" + d.key + "' must be a string, int32 or int64 column");
  }
  const pipeline::ColumnSpec* seq = cfg.FindColumn(d.sequence_by);
  if (seq == nullptr) {
    return Bad("dimension.sequence_by", "'" + d.sequence_by + "' is not one of the columns");
  }
  if (seq->type != ColumnType::kTimestamp && seq->type != ColumnType::kInt64) {
    return Bad("dimension.sequence_by",
               "'" + d.sequence_by + "' must be a timestamp or int64 column");
  }
  if (d.track.empty()) {
    return Bad("dimension.track", "required (none of the default columns exist)");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < d.track.size(); ++i) {
    const std::string where = "dimension.track[" + std::to_string(i) + "]";
    const std::string& c = d.track[i];
    if (cfg.FindColumn(c) == nullptr) return Bad(where, "'" + c + "' is not one of the columns");
    if (c == d.key || c == d.sequence_by) return Bad(where, "'" + c + "' is the key or sequence");
    if (c == "valid_from" || c == "valid_to" || c == "is_current") {
      return Bad(where, "'" + c + "' is a history column of the dimension");
    }
    if (!seen.insert(c).second) return Bad(where, "'" + c + "' is listed twice");
  }
  return Status::OK();
}

Result<PipelineConfig> ParseNode(const YAML::Node& root) {
  PipelineConfig cfg;
  if (!root || root.IsNull()) return Bad("(top level)", "the config is empty");
  RETURN_IF_ERROR(CheckKeys(root, "",
                            {"pipeline_id", "source", "target", "columns", "partition_by", "dedup",
                             "trigger", "available_now", "dimension"}));
  if (root["pipeline_id"]) {
    ASSIGN_OR_RETURN(cfg.pipeline_id, GetString(root["pipeline_id"], "pipeline_id"));
  }
  if (!root["source"]) return Bad("source", "required");
  RETURN_IF_ERROR(ParseSource(root["source"], &cfg.source));
  if (cfg.source.group.empty()) cfg.source.group = "lakestream-" + cfg.pipeline_id;

  if (!root["target"]) return Bad("target", "required");
  const YAML::Node t = root["target"];
  RETURN_IF_ERROR(
      CheckKeys(t, "target", {"table", "quarantine_table", "file_size_target", "zstd_level"}));
  if (!t["table"]) return Bad("target.table", "required");
  ASSIGN_OR_RETURN(cfg.table, GetString(t["table"], "target.table"));
  while (cfg.table.size() > 1 && cfg.table.back() == '/') cfg.table.pop_back();
  if (t["quarantine_table"]) {
    ASSIGN_OR_RETURN(cfg.quarantine_table, GetString(t["quarantine_table"],
                                                     "target.quarantine_table"));
  } else {
    cfg.quarantine_table = cfg.table + "_quarantine";
  }
  if (t["file_size_target"]) {
    ASSIGN_OR_RETURN(cfg.file_size_target, GetSize(t["file_size_target"],
                                                   "target.file_size_target"));
  }
  if (t["zstd_level"]) {
    ASSIGN_OR_RETURN(int64_t level, GetInt(t["zstd_level"], "target.zstd_level"));
    if (level < 1 || level > 19) return Bad("target.zstd_level", "must be 1..19");
    cfg.zstd_level = static_cast<int>(level);
  }

  if (!root["columns"]) return Bad("columns", "required");
  RETURN_IF_ERROR(ParseColumns(root["columns"], &cfg.columns));

  if (root["partition_by"]) {
    RETURN_IF_ERROR(ParsePartitions(root["partition_by"], &cfg.partition_by));
  } else if (const pipeline::ColumnSpec* c = cfg.FindColumn("event_time");
             c != nullptr && cfg.FindColumn("event_date") == nullptr) {
    cfg.partition_by.push_back({"event_date", pipeline::ColumnType::kDate,
                                PipelineConfig::SourceField(*c)});
  }

  if (const YAML::Node d = root["dedup"]) {
    RETURN_IF_ERROR(CheckKeys(d, "dedup", {"key", "window", "time_column"}));
    if (d["key"]) { ASSIGN_OR_RETURN(cfg.dedup.key, GetString(d["key"], "dedup.key")); }
    if (d["window"]) { ASSIGN_OR_RETURN(cfg.dedup.window_us, GetDurationUs(d["window"], "dedup.window")); }
    if (d["time_column"]) {
      ASSIGN_OR_RETURN(cfg.dedup.time_column, GetString(d["time_column"], "dedup.time_column"));
    }
  }
  if (const YAML::Node tr = root["trigger"]) {
    RETURN_IF_ERROR(CheckKeys(tr, "trigger", {"interval", "max_records", "max_bytes"}));
    if (tr["interval"]) {
      ASSIGN_OR_RETURN(int64_t us, GetDurationUs(tr["interval"], "trigger.interval"));
      cfg.trigger.interval_ms = us / 1000;
    }
    if (tr["max_records"]) {
      ASSIGN_OR_RETURN(cfg.trigger.max_records, GetInt(tr["max_records"], "trigger.max_records"));
    }
    if (tr["max_bytes"]) {
      ASSIGN_OR_RETURN(cfg.trigger.max_bytes, GetSize(tr["max_bytes"], "trigger.max_bytes"));
    }
  }
  if (root["available_now"]) {
    ASSIGN_OR_RETURN(cfg.available_now, GetBool(root["available_now"], "available_now"));
  }
  if (root["dimension"]) RETURN_IF_ERROR(ParseDimension(root["dimension"], &cfg));
  RETURN_IF_ERROR(ValidatePipelineConfig(cfg));
  return cfg;
}

}  // namespace

const pipeline::ColumnSpec* PipelineConfig::FindColumn(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Status ValidatePipelineConfig(const PipelineConfig& cfg) {
  if (cfg.pipeline_id.empty()) return Bad("pipeline_id", "must not be empty");
  for (char ch : cfg.pipeline_id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') {
      return Bad("pipeline_id", "'" + cfg.pipeline_id + "' may hold only letters, digits, - _ .");
    }
  }
  if (cfg.source.topic.empty()) return Bad("source.topic", "required");
  if (cfg.table.empty()) return Bad("target.table", "required");
  if (SameLocation(cfg.quarantine_table, cfg.table)) {
    return Bad("target.quarantine_table", "must differ from target.table");
  }
  if (cfg.file_size_target < (1 << 20)) return Bad("target.file_size_target", "at least 1MB");
  if (cfg.columns.empty()) return Bad("columns", "at least one column is required");
  std::set<std::string> names;
  for (size_t i = 0; i < cfg.columns.size(); ++i) {
    if (!names.insert(cfg.columns[i].name).second) {
      return Bad("columns[" + std::to_string(i) + "].name",
                 "duplicate column '" + cfg.columns[i].name + "'");
    }
  }
  for (size_t i = 0; i < cfg.partition_by.size(); ++i) {
    const PartitionSpec& p = cfg.partition_by[i];
    const std::string where = "partition_by[" + std::to_string(i) + "]";
    if (p.name.empty()) return Bad(where + ".name", "must not be empty");
    if (!names.insert(p.name).second) {
      return Bad(where + ".name", "'" + p.name + "' clashes with another column");
    }
    using pipeline::ColumnType;
    if (p.type != ColumnType::kDate && p.type != ColumnType::kString &&
        p.type != ColumnType::kInt32 && p.type != ColumnType::kInt64) {
      return Bad(where + ".type", "partition columns must be date, string, int32 or int64");
    }
  }
  if (cfg.dedup.enabled()) {
    if (cfg.FindColumn(cfg.dedup.key) == nullptr) {
      return Bad("dedup.key", "'" + cfg.dedup.key + "' is not one of the columns");
    }
    const pipeline::ColumnSpec* tc = cfg.FindColumn(cfg.dedup.time_column);
    if (tc == nullptr) {
      return Bad("dedup.time_column", "'" + cfg.dedup.time_column + "' is not one of the columns");
    }
    if (tc->type != pipeline::ColumnType::kTimestamp) {
      return Bad("dedup.time_column", "'" + cfg.dedup.time_column + "' must be a timestamp column");
    }
    if (cfg.dedup.window_us <= 0) return Bad("dedup.window", "must be positive");
  }
  if (cfg.trigger.interval_ms <= 0) return Bad("trigger.interval", "must be positive");
  if (cfg.trigger.max_records <= 0) return Bad("trigger.max_records", "must be positive");
  if (cfg.trigger.max_bytes <= 0) return Bad("trigger.max_bytes", "must be positive");
  if (cfg.dimension.enabled()) RETURN_IF_ERROR(ValidateDimension(cfg));
  return Status::OK();
}

Result<PipelineConfig> ParsePipelineConfig(std::string_view yaml) {
  ASSIGN_OR_RETURN(YAML::Node root, io::LoadYaml(yaml, "config"));
  try {
    return ParseNode(root);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("config: line " + std::to_string(e.mark.line + 1) + ": " +
                                   e.msg);
  }
}

Result<PipelineConfig> LoadPipelineConfig(const std::string& path, io::FileSystem* fs) {
  ASSIGN_OR_RETURN(std::string text, io::ReadConfigFile(fs, path));
  Result<PipelineConfig> cfg = ParsePipelineConfig(text);
  if (!cfg.ok()) return cfg.status().WithContext(path);
  return cfg;
}

}  // namespace lakestream::stream
