// BatchSink: where the micro-batch engine makes a batch durable. The engine
// writes the batch's Parquet data files itself (stream/table_file_writer.h)
// under the sink's table roots, then hands the sink their descriptions plus
// the last Kafka offset consumed per partition; the sink commits them.
//
// Contract of Commit (what makes ingest exactly once):
// - The events table gets ONE Delta commit holding every events file of the
//   batch and one txn action per Kafka partition in the batch (appId
//   TxnAppId(pipeline_id, topic, partition), version = last offset).
// - Quarantined records go to a second table, so they need their own
//   commit (a Delta commit belongs to one table). It is made FIRST, only when
//   the batch has quarantined records, with the same txn actions. If the
//   process dies between the two commits, the restart seeks to the events
//   table's txn + 1 and skips, for the quarantine table, records at or below
//   that table's own txn version: each table receives each record once.
// - Returns OK only when both are durable; the engine then commits the
//   offsets to Kafka (informational) and the staged dedup keys.
// CommittedOffset is read once per assignment; a sink may answer from a
// snapshot it keeps current.
//
// Implementations: DeltaBatchSink (stream/delta_batch_sink.h) is the
// product path; tests use an in-memory sink (stream/testing_memory_sink.h).
//
// Thread-safety: called from the engine thread only. Ownership: the engine
// does not own the sink.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "delta/actions.h"
#include "io/file_system.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "pipeline/json_batch_builder.h"
#include "stream/source.h"

namespace lakestream::stream {

enum class TableRole { kEvents, kQuarantine };
std::string_view TableRoleName(TableRole role);

// A data file written and closed, not yet part of any table version.
struct StagedFile {
  std::string path;  // relative to the table root, URI-encoded (add.path)
  delta::PartitionValues partition_values;
  int64_t size = 0;
  int64_t num_records = 0;
  int64_t modification_time_ms = 0;
  std::shared_ptr<const parquet::Schema> schema;  // of the file (data columns)
  parquet::FileMetaData footer;                    // for add.stats
};

struct BatchMetrics {
  int64_t records = 0;      // records consumed (incl. replays skipped)
  int64_t bytes = 0;        // payload bytes consumed
  int64_t events = 0;       // rows written to the events table
  int64_t duplicates = 0;   // dropped by dedup
  int64_t quarantined = 0;  // rows written to the quarantine table
  int64_t replayed = 0;     // skipped: already in the table(s)
};

struct MicroBatch {
  int64_t sequence = 0;  // 1, 2, ... within one run of the engine
  std::vector<StagedFile> events;
  std::vector<StagedFile> quarantine;
  // The first and last offsets consumed, per Kafka partition with records in
  // the batch. A sink may refuse (Conflict) a batch whose first offset is at
  // or below the table's txn version: another consumer got there first.
  std::map<TopicPartition, int64_t> first_offsets;
  std::map<TopicPartition, int64_t> last_offsets;
  BatchMetrics metrics;
  // Set by the engine once the batch is durable (for observers, on_commit):
  // sink commit time incl. closing the data files, and the time from the
  // batch's first record to the end of its commit.
  int64_t commit_latency_us = 0;
  int64_t duration_ms = 0;
};

// What the tables look like; given to Open.
struct TableLayout {
  std::string pipeline_id;
  // Events: the data columns (stored in files), then the partition columns
  // (stored in partitionValues) with their types.
  std::vector<pipeline::ColumnSpec> event_columns;
  std::vector<pipeline::ColumnSpec> partition_columns;
  std::vector<pipeline::ColumnSpec> quarantine_columns;  // unpartitioned
};

// For the dedup rebuild: what to read from the events table.
struct RecentKeysScan {
  std::string key_column;
  std::string time_column;       // a timestamp column (micros)
  std::string date_partition;    // a date partition column derived from time_column, or ""
  int64_t window_us = 0;
};

// How data files of one table are written when the table's names differ
// from the layout's (column mapping, delta/column_mapping_writer.h): each
// column under the name files store (ColumnSpec::name the physical name,
// ::source the JSON field the layout reads), its Parquet field id, and the
// partitionValues keys of the partition columns.
struct FileLayout {
  std::vector<pipeline::ColumnSpec> columns;
  std::vector<std::optional<int32_t>> field_ids;  // per column
  std::vector<std::string> partition_keys;
};

class BatchSink {
 public:
  virtual ~BatchSink() = default;

  // Creates the tables if absent; checks an existing table's columns against
  // the layout (InvalidArgument naming the column if they disagree).
  virtual Status Open(const TableLayout& layout) = 0;

  // Where data files of each table are written.
  virtual io::FileSystem& fs() = 0;
  virtual const std::string& table_root(TableRole role) const = 0;
  // After Open: how the table's data files name their columns; nullopt when
  // as the layout names them.
  virtual std::optional<FileLayout> file_layout(TableRole /*role*/) const { return std::nullopt; }

  // The last offset of `tp` recorded in the table's txn actions, or nullopt.
  virtual Result<std::optional<int64_t>> CommittedOffset(TableRole role,
                                                         const TopicPartition& tp) = 0;

  // See the contract above. On error nothing new is visible in the events
  // table (the quarantine table may hold the batch's bad records).
  virtual Status Commit(const MicroBatch& batch) = 0;

  // Calls `fn(key, event_time_us)` for the events table's rows whose
  // time may fall in the window ending at the table's newest event time
  // (rows of older date partitions are skipped without reading them).
  virtual Status ScanRecentKeys(const RecentKeysScan& scan,
                                const std::function<void(std::string_view, int64_t)>& fn) = 0;
};

// The columns of the quarantine table: topic, partition, offset,
// kafka_timestamp, key, payload, reason, ingested_at.
std::vector<pipeline::ColumnSpec> QuarantineColumns();

}  // namespace lakestream::stream
