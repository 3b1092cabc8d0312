// DeltaBatchSink: the product BatchSink. Commits each micro-batch to the
// events and quarantine Delta tables with delta::Transaction (optimistic,
// conflict-checked, retried), following the BatchSink contract
// (stream/batch_sink.h): the quarantine commit first when there are bad
// records, then ONE events commit with every events file and one txn action
// per Kafka partition (appId TxnAppId(pipeline_id, topic, partition),
// version = the last offset). Commits are "STREAMING UPDATE" operations with
// outputMode Append, queryId = pipeline_id and epochId = the batch sequence.
//
// Fencing: an events commit is refused (Conflict) when the table's txn for a
// partition is already at or past the batch's first offset of that partition
// (another consumer got there first), and the transaction's conflict checker
// refuses it if a concurrent commit sets the same appId.
//
// Tables are created on Open when absent (schema from the layout, the
// events table partitioned by the layout's partition columns); an existing
// table must have the same columns and types.
//
// add.stats come from the Parquet footers (delta::StatsJsonFromFooter).
//
// Crash windows (data files written and nothing committed; quarantine
// committed and events not; both committed and Kafka offsets not) are tested
// through the FileSystem: tests/tools/crash_ingest_main.cc kills the process
// around the log writes (PutIfAbsent of _delta_log/ files).
//
// Thread-safety: engine thread only. Ownership: shares the FileSystem.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <string>

#include "common/status.h"
#include "delta/schema.h"
#include "delta/transaction.h"
#include "io/file_system.h"
#include "stream/batch_sink.h"
#include "stream/stream_observer.h"

namespace lakestream::stream {

struct DeltaSinkOptions {
  std::shared_ptr<io::FileSystem> fs;  // the local disk when null
  std::string events_table;            // path or file:// URI
  std::string quarantine_table;
  delta::CommitOptions commit;
  // Told about dropped post-commit checkpoints (stream_observer.h); optional.
  StreamObserver* observer = nullptr;
};

Result<std::unique_ptr<BatchSink>> NewDeltaBatchSink(const DeltaSinkOptions& options);

// The Delta type of a column of the pipeline (json is stored as a string).
delta::DeltaType DeltaTypeOf(pipeline::ColumnType type);

}  // namespace lakestream::stream
