// PipelineConfig: the streaming ingest job's configuration, read from YAML.
//
//   pipeline_id: clickstream            # names the job; txn appIds derive from it
//   source:
//     brokers: host:9092                # required, unless event_hubs (or embedded) is given
//     topic: clickstream
//     group: lakestream-clickstream     # default "lakestream-<pipeline_id>"
//     starting_offsets: earliest        # earliest | latest: partitions the table has
//                                       # no txn for
//     event_hubs:                       # Azure Event Hubs instead of brokers
//       connection_string_env: EVENTHUBS_CONNECTION_STRING
//       connection_string_file: /run/secrets/eventhubs
//     properties: {fetch.max.bytes: "52428800"}   # any librdkafka property
//     assignment_timeout: 60s           # no partition assigned by then: with available_now,
//                                       # fail; otherwise fail if the brokers do not answer
//     close_timeout: 10s                # leaving the group at the end waits at most this long
//                                       # for the group coordinator (offset commit, LeaveGroup)
//     embedded: true                    # dev only, instead of brokers: librdkafka's
//                                       # in-process mock broker, whose data lives only
//                                       # as long as the process (`serve` refuses it)
//   target:
//     table: /data/events
//     quarantine_table: /data/events_quarantine   # default "<table>_quarantine"
//     file_size_target: 128MB
//     zstd_level: 1                      # 1..19 (default 1, see docs/streaming.md)
//   columns:                            # pipeline::ColumnSpec; type as ParseColumnType
//     - {name: event_id, type: string, nullable: false}
//     - {name: event_time, type: timestamp, nullable: false}
//     - {name: ts, type: timestamp, source: "timestamp"}   # renamed JSON field
//   partition_by:                       # default: event_date from event_time, if the
//       - {name: event_date, type: date, source: event_time}   # column exists; [] for none
//   dedup: {key: event_id, window: 24h, time_column: event_time}   # key: "" disables
//   trigger: {interval: 10s, max_records: 500000, max_bytes: 256MB}
//   available_now: false               # process what is there, then stop
//   dimension:                         # optional SCD2 dimension kept from the stream
//     name: user_profile               # default; part of its txn appIds
//     table: /data/user_profile
//     key: user_id                     # default user_id
//     sequence_by: event_time          # default event_time (a timestamp column)
//     track: [country, city, os, browser, device_id, app_version]
//                                      # default: those of these columns that exist
//
// Durations: an integer with ms, s, m, h or d. Sizes: an integer with B,
// KB, MB, GB (powers of 1024, also KiB...). Unknown keys are errors, so a typo
// is not silently ignored. Every error names the key: "config: trigger.interval:
// '10x' is not a duration (use ms, s, m, h or d)".
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "pipeline/json_batch_builder.h"
#include "stream/kafka_config.h"

namespace lakestream::stream {

// A partition column derived from a JSON field: for type date, the UTC date
// of a timestamp (ISO-8601 text or epoch milliseconds); for string and
// integer types, the value itself.
struct PartitionSpec {
  std::string name;
  pipeline::ColumnType type = pipeline::ColumnType::kDate;
  std::string source;  // JSON field
};

struct SourceConfig {
  std::string brokers;  // "host:port,..."; required unless Event Hubs or embedded
  std::string topic;
  std::string group;
  std::string starting_offsets = "earliest";
  std::string event_hubs_connection_string_env;
  std::string event_hubs_connection_string_file;
  KafkaProperties properties;
  // `embedded: true` (dev only): start librdkafka's in-process mock broker.
  bool embedded = false;
  // No partition assigned within this long: an unreachable broker (or, with available_now,
  // nothing to read for this member) ends the run with Unavailable naming the brokers.
  int64_t assignment_timeout_ms = 60000;
  // The end of a run waits at most this long for the consumer to leave the group; a
  // coordinator that does not answer (after an outage) is then left behind, logged (Kafka's
  // committed offsets are advisory, docs/streaming.md).
  int64_t close_timeout_ms = 10000;

  bool uses_event_hubs() const {
    return !event_hubs_connection_string_env.empty() ||
           !event_hubs_connection_string_file.empty();
  }
  bool uses_embedded_broker() const { return embedded; }
  // True when the config says where the data comes from: brokers (or
  // bootstrap.servers among the properties), Event Hubs, or embedded.
  bool names_a_broker() const {
    return embedded || !brokers.empty() || uses_event_hubs() ||
           properties.count("bootstrap.servers") > 0;
  }
};

struct TriggerConfig {
  int64_t interval_ms = 10000;
  int64_t max_records = 500000;
  int64_t max_bytes = 256LL << 20;
};

struct DedupConfig {
  std::string key = "event_id";  // empty: no deduplication
  std::string time_column = "event_time";
  int64_t window_us = 24LL * 3600 * 1000000;
  bool enabled() const { return !key.empty(); }
};

// An SCD type 2 dimension maintained from the events (stream/dimension_sink.h,
// docs/streaming.md). key, sequence_by and track name event columns.
struct DimensionConfig {
  std::string name = "user_profile";
  std::string table;  // empty: no dimension
  std::string key = "user_id";
  std::string sequence_by = "event_time";
  std::vector<std::string> track;
  bool enabled() const { return !table.empty(); }
};

struct PipelineConfig {
  std::string pipeline_id = "clickstream";
  SourceConfig source;
  std::string table;
  std::string quarantine_table;
  int64_t file_size_target = 128LL << 20;
  // Of the data files. 1, not zstd's default 3: on clickstream data the files
  // come out the same size within 1% (dictionary encoding does most of the
  // work) for somewhat less CPU (docs/streaming.md).
  int zstd_level = 1;
  std::vector<pipeline::ColumnSpec> columns;
  std::vector<PartitionSpec> partition_by;
  DedupConfig dedup;
  TriggerConfig trigger;
  bool available_now = false;
  DimensionConfig dimension;

  // The JSON field a column is read from.
  static const std::string& SourceField(const pipeline::ColumnSpec& c) {
    return c.source.empty() ? c.name : c.source;
  }
  const pipeline::ColumnSpec* FindColumn(std::string_view name) const;
};

// Parses and validates. InvalidArgument naming the key for YAML syntax
// errors (with line), unknown keys, wrong types and inconsistent settings,
// and for a source that names no brokers, no Event Hubs and not `embedded`
// (the mock broker is never a silent default).
Result<PipelineConfig> ParsePipelineConfig(std::string_view yaml);
// Reads the file through `fs` (the local disk when null) and parses it; errors
// name the file (io/config_yaml.h, the one config reader).
Result<PipelineConfig> LoadPipelineConfig(const std::string& path, io::FileSystem* fs = nullptr);

// Checks cross-field rules (columns exist, no name clashes, positive sizes).
Status ValidatePipelineConfig(const PipelineConfig& config);

}  // namespace lakestream::stream
