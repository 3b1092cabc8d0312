// MicroBatchEngine: the streaming ingest loop. Polls a Source, parses each
// record into the events table's typed columns, drops duplicates, sends bad
// records to the quarantine table, and makes each micro-batch durable through
// a BatchSink, exactly once per record (docs/streaming.md).
//
// Per record, in order:
//   1. offset <= the events table's txn version for its partition: a replay
//      of data already committed; skipped (counted as replayed).
//   2. the probe (stream/record_probe.h) reads the dedup key, the event time
//      and the partition sources; a record that is not a JSON object, or
//      whose partition value cannot be derived, is quarantined.
//   3. a key seen within the dedup window (committed or earlier in this
//      batch) drops the record as a duplicate.
//   4. the typed builder casts it into the events files of its partition; a
//      cast failure quarantines it with the builder's reason.
// Quarantined rows carry topic, partition, offset, Kafka timestamp, key, the
// raw payload (base64 when it is not UTF-8) and the reason. Nothing is ever
// dropped silently and a bad record never stops the stream.
//
// Triggers: a batch is committed when it holds trigger.max_records records or
// trigger.max_bytes payload bytes, or trigger.interval has passed since its
// first record; also on revocation (flush, not drop), and at the end.
//
// Pipelined commits: in Run(), a triggered batch is sealed and handed to a
// committer thread (stream/async_slot.h), which finishes its Parquet files and
// makes the sink commit, while this thread goes on polling and parsing the
// next batch. At most one batch is in flight; the next trigger waits for it.
// Only once its commit succeeded does this thread make the batch's dedup keys
// committed, advance the partitions' committed offsets and commit offsets to
// Kafka, so the order "Delta commit, then Kafka commit" is unchanged. A
// failed commit stops the engine (the open batch is discarded). Assignment,
// revocation and Flush() wait for the batch in flight first.
//
// Offsets: on assignment each partition starts at the events table's txn
// version for TxnAppId(pipeline_id, topic, partition) + 1 (no txn: the
// configured starting_offsets). The group's offsets (lag in Kafka tooling, the
// generator's pacing) follow the table: after a commit the next offsets are
// committed to the consumer group, and on assignment the table's position of
// each assigned partition is (so a commit lost before a restart or rebalance
// is repaired without new data). Kafka commits run in the background, one at a
// time, so a coordinator outage never stalls ingest. A failed Kafka commit
// (broker or coordinator down) never stops the engine: the offsets stay
// pending, merged with newer ones, and are retried from the loop at most once
// per kKafkaCommitRetryMs until they succeed; revoked partitions leave the
// pending set (their new owner commits them on assignment).
// If partitions are lost (not revoked cleanly) the open batch is discarded:
// another consumer may already own them.
//
// available_now: stops once every assigned partition has reached the high
// watermark it had when assigned (or nothing arrived for idle_timeout_ms while
// the brokers answer; idle because they do not is an Unavailable error, never
// a run that ends as if it had read everything).
//
// Thread-safety: Run() on one thread; the listener callbacks run on it too
// (inside Source::Poll). RequestStop() may be called from any thread. The
// sink is used by one thread at a time (the committer's, or this one while
// no commit is in flight).
// Ownership: borrows the Source and the BatchSink, which must outlive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "stream/async_slot.h"
#include "stream/batch_sink.h"
#include "stream/dedup_window.h"
#include "stream/pipeline_config.h"
#include "stream/record_probe.h"
#include "stream/source.h"
#include "stream/table_file_writer.h"

namespace lakestream::stream {

struct EngineOptions {
  int poll_timeout_ms = 100;
  int64_t max_seconds = 0;  // stop after this long (0: no limit)
  // available_now fallback (offset gaps such as transaction markers can keep
  // a position below the high watermark): stop after this long with no
  // records since the assignment or the last record.
  int64_t idle_timeout_ms = 30000;
  int64_t batch_rows = 8192;  // rows per encode batch within a file
  // Monotonic time for triggers and wall time for ingested_at (borrowed).
  Clock* clock = RealClock();
  // available_now with a live producer (embedded demo): not done until this
  // returns true; the partitions' end offsets are re-read at that moment.
  std::function<bool()> input_finished;
  std::function<void(std::string_view)> log;         // one line per call
  std::function<void(const MicroBatch&)> on_commit;  // after each durable batch
};

struct EngineStats {
  int64_t batches = 0;
  BatchMetrics totals;
  int64_t kafka_commit_failures = 0;
  int64_t files = 0;  // data files committed (events and quarantine)
  // Per committed batch: microseconds from sealing it on the committer
  // thread (its last rows still to encode) to the sink's commit returning
  // (last row groups, Parquet footers, both Delta commits).
  std::vector<int64_t> commit_latency_us;
  // Monotonic ms (EngineOptions::clock) of the first partition
  // assignment and of the last durable commit; -1 until they happen. Their
  // difference is the ingest time without the consumer-group join.
  int64_t first_assigned_ms = -1;
  int64_t last_commit_ms = -1;
  // CPU time of the thread that ran Run() (poll, parse, dedup, commit; the
  // encode thread and librdkafka's threads not included).
  int64_t engine_thread_cpu_us = 0;
  // Polls after the first assignment that returned no record although some
  // partition had not reached the end known at assignment (available_now):
  // the engine waited for the source (fetch latency), not the other way round.
  int64_t starved_polls = 0;
  int64_t starved_ms = 0;  // time spent in those polls
  // The p-th percentile (0..100, nearest rank) of commit_latency_us; 0 when
  // there were no commits.
  int64_t CommitLatencyPercentileUs(double p) const;
};

class MicroBatchEngine final : public RebalanceListener {
 public:
  // Opens the sink's tables, rebuilds the dedup state from the events table,
  // and registers itself as the source's listener. InvalidArgument for an
  // invalid config.
  static Result<std::unique_ptr<MicroBatchEngine>> Make(const PipelineConfig& config,
                                                        Source* source, BatchSink* sink,
                                                        EngineOptions options = {});
  ~MicroBatchEngine() override;

  // Subscribes and runs until available_now is done, max_seconds passed, or
  // RequestStop(); then flushes and closes the source. Returns the first
  // error (a failed commit stops the engine; restarting resumes from the
  // table, so nothing is lost or duplicated).
  Status Run();
  void RequestStop() { stop_.store(true); }

  const EngineStats& stats() const { return stats_; }
  const DedupWindow& dedup() const { return dedup_; }

  // RebalanceListener.
  Result<std::map<TopicPartition, int64_t>> OnAssigned(
      const std::vector<TopicPartition>& partitions) override;
  Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) override;

  // Processes one record into the open batch (exposed for tests).
  Status Process(const SourceRecord& record);
  // Commits the open batch if it has anything, after the batch in flight;
  // returns once both are durable (exposed for tests).
  Status Flush();
  // True when a trigger says the open batch should be committed now.
  bool TriggerDue() const;
  // Takes the outcome of the Kafka commit in flight if it has completed, then
  // starts committing the pending Kafka offsets to the group unless one is still
  // in flight or the last attempt failed less than kKafkaCommitRetryMs ago
  // (Run() calls it every loop turn; exposed for tests). A failure is counted
  // and logged, never returned.
  void CommitKafkaOffsets();

  static constexpr int64_t kKafkaCommitRetryMs = 1000;
  // How long Run() waits, when it ends, for a commit in flight before the last one.
  static constexpr int kFinalKafkaCommitWaitMs = 10000;

 private:
  // Takes the outcome of the Kafka commit in flight, waiting up to timeout_ms.
  void TakeKafkaCommitOutcome(int timeout_ms);
  void OnKafkaCommitFailed(const Status& st);
  // available_now went idle short of the end: OK if the brokers answer, Unavailable if not.
  Status CheckIdleEnd();

  struct PartitionState {
    std::optional<int64_t> events_committed;      // txn version in the events table
    std::optional<int64_t> quarantine_committed;  // txn version in the quarantine table
    int64_t position = 0;                         // next offset expected
    int64_t end = -1;                             // available_now target (high watermark)
  };

  MicroBatchEngine(const PipelineConfig& config, Source* source, BatchSink* sink,
                   EngineOptions options);
  Status Init();
  Status RunLoop();
  Status RebuildDedup();
  Status Quarantine(const SourceRecord& r, PartitionState& ps, std::string_view reason);
  // Seals the open batch and hands it to the committer (after waiting for
  // the one in flight).
  Status StartCommit();
  // Waits for the batch in flight, if any, and applies its outcome: dedup
  // keys, committed offsets, Kafka offsets, stats. Returns its error.
  Status FinishCommit();
  // Drops the open batch, and the one in flight without applying it.
  void AbortBatch();
  // Empties the open batch (after it was sealed or dropped).
  void ResetBatch();
  bool AvailableNowDone();
  // Called once source.assignment_timeout has passed with no partition ever assigned:
  // Unavailable (naming the brokers) when the run cannot go on, OK to keep waiting.
  Status CheckNoAssignment(int64_t waited_ms);
  void Log(const std::string& line) const;

  PipelineConfig config_;
  Source* source_;
  BatchSink* sink_;
  EngineOptions options_;
  std::atomic<bool> stop_{false};

  std::unique_ptr<TableFileWriter> events_;
  std::unique_ptr<TableFileWriter> quarantine_;
  DedupWindow dedup_;
  std::unique_ptr<RecordProbe> probe_;
  std::vector<ProbedValue> probed_;
  // Indices into probed_ (-1: not probed).
  int key_slot_ = -1;
  int time_slot_ = -1;
  std::vector<int> partition_slots_;
  std::vector<std::optional<std::string>> pvalues_;

  std::map<TopicPartition, PartitionState> partitions_;
  // Next offsets still to be committed to the consumer group (see Offsets).
  std::map<TopicPartition, int64_t> kafka_pending_;
  std::map<TopicPartition, int64_t> kafka_sent_;  // what the commit in flight carries
  bool kafka_in_flight_ = false;
  int64_t kafka_retry_at_ms_ = 0;  // steady ms before which no attempt is made
  bool kafka_failing_ = false;     // the last attempt failed (logged once until it recovers)
  // The partition of the last record processed (map nodes are stable).
  struct PartitionCache {
    std::string topic;
    int32_t partition = -1;
    PartitionState* ps = nullptr;  // in partitions_
    int64_t* last = nullptr;       // in batch_.last_offsets; null: not in the batch yet
  };
  PartitionCache cache_;
  // A batch handed to the committer.
  struct InFlight {
    MicroBatch batch;
    std::unique_ptr<TableFileWriter::Sealed> events;
    std::unique_ptr<TableFileWriter::Sealed> quarantine;
    int64_t latency_us = 0;
    int64_t started_ms = 0;  // steady clock when the batch's first record arrived
  };
  std::unique_ptr<InFlight> in_flight_;
  AsyncSlot committer_;  // declared after what its job touches: joined first
  // The open batch.
  MicroBatch batch_;
  int64_t batch_started_ms_ = -1;
  int64_t sequence_ = 0;
  int64_t last_record_ms_ = 0;
  bool ends_refreshed_ = false;
  bool no_assignment_checked_ = false;
  EngineStats stats_;
  std::string scratch_;
};

}  // namespace lakestream::stream
