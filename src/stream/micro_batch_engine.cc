#include "stream/micro_batch_engine.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "common/base64.h"
#include "common/json_escape.h"
#include "common/time_format.h"

namespace lakestream::stream {
namespace {

int64_t ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

// The partition value of `spec` from its probed source field: nullopt (the null partition)
// for an explicit JSON null; InvalidArgument when the field is missing (a record without its
// partition field is bad, not silently filed under __HIVE_DEFAULT_PARTITION__) or the value
// cannot be derived.
Result<std::optional<std::string>> DerivePartitionValue(const PartitionSpec& spec,
                                                        const ProbedValue& v) {
  using K = ProbedValue::Kind;
  if (v.kind == K::kMissing) {
    return Status::InvalidArgument("partition column " + spec.name + ": field " + spec.source +
                                   " is missing");
  }
  if (v.kind == K::kNull) return std::optional<std::string>();
  switch (spec.type) {
    case pipeline::ColumnType::kDate: {
      std::optional<int64_t> us = ProbedTimestampMicros(v);
      if (!us) {
        return Status::InvalidArgument("partition column " + spec.name + ": " + spec.source + " '" +
                                       v.text + "' is not a timestamp");
      }
      return std::optional<std::string>(FormatDate(FloorDiv(*us, 86400LL * 1000000)));
    }
    case pipeline::ColumnType::kInt32:
    case pipeline::ColumnType::kInt64: {
      int64_t n = 0;
      const std::string& t = v.text;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
      if ((v.kind != K::kNumber && v.kind != K::kString) || ec != std::errc() ||
          p != t.data() + t.size()) {
        return Status::InvalidArgument("partition column " + spec.name + ": " + spec.source +
                                       " is not an integer");
      }
      return std::optional<std::string>(std::to_string(n));
    }
    default:
      if (v.kind != K::kString && v.kind != K::kNumber) {
        return Status::InvalidArgument("partition column " + spec.name + ": " + spec.source +
                                       " is not a string or number");
      }
      return std::optional<std::string>(v.text);
  }
}

}  // namespace

std::string_view TableRoleName(TableRole role) {
  return role == TableRole::kEvents ? "events" : "quarantine";
}

std::vector<pipeline::ColumnSpec> QuarantineColumns() {
  using pipeline::ColumnType;
  return {{"topic", ColumnType::kString, false, ""},
          {"partition", ColumnType::kInt32, false, ""},
          {"offset", ColumnType::kInt64, false, ""},
          {"kafka_timestamp", ColumnType::kTimestamp, true, ""},
          {"key", ColumnType::kString, true, ""},
          {"payload", ColumnType::kString, false, ""},
          {"payload_encoding", ColumnType::kString, false, ""},
          {"reason", ColumnType::kString, false, ""},
          {"ingested_at", ColumnType::kTimestamp, false, ""}};
}

MicroBatchEngine::MicroBatchEngine(const PipelineConfig& config, Source* source, BatchSink* sink,
                                   EngineOptions options)
    : config_(config),
      source_(source),
      sink_(sink),
      options_(std::move(options)),
      dedup_(config.dedup.window_us) {
  options_.clock = ClockOrReal(options_.clock);
}

MicroBatchEngine::~MicroBatchEngine() = default;

Result<std::unique_ptr<MicroBatchEngine>> MicroBatchEngine::Make(const PipelineConfig& config,
                                                                 Source* source, BatchSink* sink,
                                                                 EngineOptions options) {
  RETURN_IF_ERROR(ValidatePipelineConfig(config));
  auto e = std::unique_ptr<MicroBatchEngine>(
      new MicroBatchEngine(config, source, sink, std::move(options)));
  RETURN_IF_ERROR(e->Init());
  return e;
}

void MicroBatchEngine::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

Status MicroBatchEngine::Init() {
  TableLayout layout;
  layout.pipeline_id = config_.pipeline_id;
  layout.event_columns = config_.columns;
  for (const PartitionSpec& p : config_.partition_by) {
    layout.partition_columns.push_back({p.name, p.type, true, p.source});
  }
  layout.quarantine_columns = QuarantineColumns();
  RETURN_IF_ERROR(sink_->Open(layout));

  // The sink's FileSystem is shared with the writers without ownership.
  std::shared_ptr<io::FileSystem> fs(&sink_->fs(), [](io::FileSystem*) {});
  TableFileWriterOptions wo;
  wo.file_size_target = config_.file_size_target;
  wo.parquet.compression_level = config_.zstd_level;
  wo.batch_rows = options_.batch_rows;
  wo.clock = options_.clock;
  std::vector<std::string> pnames;
  for (const PartitionSpec& p : config_.partition_by) pnames.push_back(p.name);
  // A column-mapped table's files name columns (and key partition values) by physical name.
  std::vector<pipeline::ColumnSpec> ecols = config_.columns, qcols = QuarantineColumns();
  TableFileWriterOptions ewo = wo, qwo = wo;
  if (std::optional<FileLayout> fl = sink_->file_layout(TableRole::kEvents)) {
    ecols = fl->columns;
    ewo.field_ids = fl->field_ids;
    pnames = fl->partition_keys;
  }
  if (std::optional<FileLayout> fl = sink_->file_layout(TableRole::kQuarantine)) {
    qcols = fl->columns;
    qwo.field_ids = fl->field_ids;
  }
  ASSIGN_OR_RETURN(events_, TableFileWriter::Make(fs, sink_->table_root(TableRole::kEvents),
                                                  ecols, pnames, ewo));
  ASSIGN_OR_RETURN(quarantine_, TableFileWriter::Make(fs, sink_->table_root(TableRole::kQuarantine),
                                                      qcols, {}, qwo));

  // Probe each distinct JSON field once.
  std::vector<std::string> fields;
  auto slot = [&](const std::string& f) {
    auto it = std::find(fields.begin(), fields.end(), f);
    if (it != fields.end()) return static_cast<int>(it - fields.begin());
    fields.push_back(f);
    return static_cast<int>(fields.size() - 1);
  };
  if (config_.dedup.enabled()) {
    key_slot_ = slot(PipelineConfig::SourceField(*config_.FindColumn(config_.dedup.key)));
    time_slot_ = slot(PipelineConfig::SourceField(*config_.FindColumn(config_.dedup.time_column)));
  }
  for (const PartitionSpec& p : config_.partition_by) partition_slots_.push_back(slot(p.source));
  pvalues_.resize(config_.partition_by.size());
  probe_ = std::make_unique<RecordProbe>(std::move(fields));
  if (config_.dedup.enabled()) RETURN_IF_ERROR(RebuildDedup());
  source_->SetRebalanceListener(this);
  return Status::OK();
}

Status MicroBatchEngine::RebuildDedup() {
  RecentKeysScan scan;
  scan.key_column = config_.dedup.key;
  scan.time_column = config_.dedup.time_column;
  scan.window_us = config_.dedup.window_us;
  const std::string& time_source =
      PipelineConfig::SourceField(*config_.FindColumn(config_.dedup.time_column));
  for (const PartitionSpec& p : config_.partition_by) {
    if (p.type == pipeline::ColumnType::kDate && p.source == time_source) {
      scan.date_partition = p.name;
    }
  }
  int64_t n = 0;
  RETURN_IF_ERROR(sink_->ScanRecentKeys(scan, [&](std::string_view key, int64_t t) {
    dedup_.InsertCommitted(HashDedupKey(key), t);
    ++n;
  }));
  dedup_.Evict();
  Log("dedup: rebuilt from the events table: " + std::to_string(n) + " rows read, " +
      std::to_string(dedup_.size()) + " keys in the window");
  return Status::OK();
}

Result<std::map<TopicPartition, int64_t>> MicroBatchEngine::OnAssigned(
    const std::vector<TopicPartition>& parts) {
  // The sink answers below; the batch in flight must be settled first.
  RETURN_IF_ERROR(FinishCommit());
  cache_ = PartitionCache{};
  // Other members of the consumer group may have committed batches of a
  // partition we did not own until now; a device's resend of one of those
  // events would then pass our window. So the window is read again from the
  // table whenever a partition is newly ours (the first time, this repeats
  // Init's scan: at start-up another member may have committed since).
  if (config_.dedup.enabled()) {
    bool newly_owned = false;
    for (const TopicPartition& tp : parts) {
      if (tp.topic == config_.source.topic && partitions_.count(tp) == 0) newly_owned = true;
    }
    if (newly_owned) RETURN_IF_ERROR(RebuildDedup());
  }
  std::map<TopicPartition, int64_t> starts;
  last_record_ms_ = options_.clock->MonotonicMillis();  // the idle clock starts with the assignment
  if (stats_.first_assigned_ms < 0 && !parts.empty()) stats_.first_assigned_ms = last_record_ms_;
  for (const TopicPartition& tp : parts) {
    if (tp.topic != config_.source.topic) continue;
    PartitionState ps;
    ASSIGN_OR_RETURN(ps.events_committed, sink_->CommittedOffset(TableRole::kEvents, tp));
    ASSIGN_OR_RETURN(ps.quarantine_committed, sink_->CommittedOffset(TableRole::kQuarantine, tp));
    int64_t start = ps.events_committed                           ? *ps.events_committed + 1
                    : config_.source.starting_offsets == "latest" ? kOffsetEnd
                                                                  : kOffsetBeginning;
    // Where that is in numbers, and where available_now stops.
    Result<std::pair<int64_t, int64_t>> wm = source_->Watermarks(tp, 10000);
    if (wm.ok()) {
      auto [lo, hi] = *wm;
      ps.end = hi;
      if (ps.events_committed && *ps.events_committed >= hi) {
        // The table has seen offsets this partition never had: the topic was
        // recreated (or this is another cluster). Seeking would skip data.
        return Status::InvalidArgument(
            "stream: " + tp.ToString() + ": the events table holds txn version " +
            std::to_string(*ps.events_committed) + " but the partition ends at offset " +
            std::to_string(hi) + "; was the topic recreated? Use a new pipeline_id or table");
      }
      if (start == kOffsetBeginning)
        ps.position = lo;
      else if (start == kOffsetEnd)
        ps.position = hi;
      else
        ps.position = start;
      if (start >= 0 && start < lo) {
        Log("warning: " + tp.ToString() + ": offsets " + std::to_string(start) + ".." +
            std::to_string(lo - 1) + " were deleted by retention before being ingested");
        ps.position = lo;
      }
    } else {
      Log("warning: " + wm.status().ToString());
      ps.position = std::max<int64_t>(start, 0);
    }
    Log("assigned " + tp.ToString() + ": start at " +
        (start >= 0            ? std::to_string(start)
         : start == kOffsetEnd ? std::string("the end")
                               : std::string("the beginning")) +
        (ps.events_committed ? " (table txn " + std::to_string(*ps.events_committed) + ")"
                             : " (no txn in the table)"));
    partitions_[tp] = ps;
    starts[tp] = start;
    if (ps.events_committed) kafka_pending_[tp] = *ps.events_committed + 1;
  }
  return starts;
}

Status MicroBatchEngine::OnRevoked(const std::vector<TopicPartition>& parts, bool lost) {
  if (lost) {
    // The batch in flight is settled (its commit is fenced by the txn
    // versions, so it cannot duplicate another consumer's work).
    RETURN_IF_ERROR(FinishCommit());
    Log("partitions lost: discarding the open batch (another consumer owns them now)");
    AbortBatch();
  } else {
    RETURN_IF_ERROR(Flush());
  }
  for (const TopicPartition& tp : parts) {
    partitions_.erase(tp);
    kafka_pending_.erase(tp);  // the next owner commits the table's position
  }
  cache_ = PartitionCache{};
  return Status::OK();
}

Status MicroBatchEngine::Quarantine(const SourceRecord& r, PartitionState& ps,
                                    std::string_view reason) {
  if (ps.quarantine_committed && r.offset <= *ps.quarantine_committed) {
    return Status::OK();  // already in the quarantine table (crash between the two commits)
  }
  std::string& j = scratch_;
  j.clear();
  j += "{\"topic\":";
  AppendJsonString(r.topic, &j);
  j += ",\"partition\":" + std::to_string(r.partition);
  j += ",\"offset\":" + std::to_string(r.offset);
  j += ",\"kafka_timestamp\":";
  j += r.timestamp_ms >= 0 ? std::to_string(r.timestamp_ms) : "null";
  j += ",\"key\":";
  if (r.key) {
    AppendJsonString(IsValidUtf8(*r.key) ? *r.key : Base64Encode(*r.key), &j);
  } else {
    j += "null";
  }
  const bool utf8 = IsValidUtf8(r.payload);
  j += ",\"payload\":";
  AppendJsonString(utf8 ? std::string_view(r.payload) : std::string_view(Base64Encode(r.payload)),
                   &j);
  j += utf8 ? ",\"payload_encoding\":\"utf8\"" : ",\"payload_encoding\":\"base64\"";
  j += ",\"reason\":";
  AppendJsonString(reason, &j);
  j += ",\"ingested_at\":" + std::to_string(options_.clock->NowMillis()) + "}";
  Status st = quarantine_->Add({}, j);
  if (!st.ok()) return st.WithContext("stream: quarantine row for " + r.tp().ToString());
  ++batch_.metrics.quarantined;
  return Status::OK();
}

Status MicroBatchEngine::Process(const SourceRecord& r) {
  // Records come in runs of one partition: the map lookups (string compares)
  // are done once per run.
  if (cache_.ps == nullptr || r.partition != cache_.partition || r.topic != cache_.topic) {
    const TopicPartition tp = r.tp();
    auto it = partitions_.find(tp);
    if (it == partitions_.end()) {
      // Not assigned through the listener (e.g. a test driving Process
      // directly): nothing committed is known, so nothing is skipped.
      it = partitions_.emplace(tp, PartitionState{}).first;
    }
    cache_.topic = r.topic;
    cache_.partition = r.partition;
    cache_.ps = &it->second;
    cache_.last = nullptr;
  }
  PartitionState& ps = *cache_.ps;
  ps.position = std::max(ps.position, r.offset + 1);
  ++batch_.metrics.records;
  batch_.metrics.bytes += static_cast<int64_t>(r.payload.size());
  if (ps.events_committed && r.offset <= *ps.events_committed) {
    ++batch_.metrics.replayed;
    return Status::OK();
  }
  if (batch_started_ms_ < 0) batch_started_ms_ = options_.clock->MonotonicMillis();
  if (cache_.last == nullptr) {
    const TopicPartition tp = r.tp();
    batch_.first_offsets.emplace(tp, r.offset);  // kept if the batch has it already
    cache_.last = &batch_.last_offsets[tp];
  }
  int64_t& last = *cache_.last;
  last = std::max(last, r.offset);

  Status probe = probe_->Probe(r.payload, r.PayloadReadable(), &probed_);
  if (!probe.ok()) return Quarantine(r, ps, probe.message());
  for (size_t i = 0; i < config_.partition_by.size(); ++i) {
    Result<std::optional<std::string>> v =
        DerivePartitionValue(config_.partition_by[i], probed_[partition_slots_[i]]);
    if (!v.ok()) return Quarantine(r, ps, v.status().message());
    pvalues_[i] = std::move(*v);
  }
  uint64_t hash = 0;
  bool has_key = false;
  if (key_slot_ >= 0) {
    const ProbedValue& k = probed_[key_slot_];
    if (k.kind == ProbedValue::Kind::kString || k.kind == ProbedValue::Kind::kNumber) {
      has_key = true;
      hash = HashDedupKey(k.text);
      if (dedup_.Contains(hash)) {
        ++batch_.metrics.duplicates;
        return Status::OK();
      }
    }
  }
  Status added = events_->Add(pvalues_, r.payload, r.PayloadReadable());
  if (!added.ok()) {
    if (!added.IsInvalidArgument()) return added;  // storage trouble: stop
    return Quarantine(r, ps, added.message());
  }
  ++batch_.metrics.events;
  if (has_key) {
    std::optional<int64_t> t = ProbedTimestampMicros(probed_[time_slot_]);
    dedup_.Stage(hash, t ? *t : (r.timestamp_ms >= 0 ? r.timestamp_ms * 1000 : 0));
  }
  return Status::OK();
}

bool MicroBatchEngine::TriggerDue() const {
  if (batch_started_ms_ < 0) return false;
  return batch_.metrics.records >= config_.trigger.max_records ||
         batch_.metrics.bytes >= config_.trigger.max_bytes ||
         options_.clock->MonotonicMillis() - batch_started_ms_ >= config_.trigger.interval_ms;
}

void MicroBatchEngine::ResetBatch() {
  batch_ = MicroBatch{};
  batch_started_ms_ = -1;
  cache_.last = nullptr;  // pointed into batch_.last_offsets
}

void MicroBatchEngine::AbortBatch() {
  if (in_flight_) {
    // Its commit may have happened; nothing of it is applied here (the
    // engine stops, and a restart reads the truth from the table).
    (void)committer_.Wait();
    in_flight_.reset();
  }
  events_->Abort();
  quarantine_->Abort();
  dedup_.DiscardStaged();
  ResetBatch();
}

int64_t EngineStats::CommitLatencyPercentileUs(double p) const {
  if (commit_latency_us.empty()) return 0;
  std::vector<int64_t> v = commit_latency_us;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

Status MicroBatchEngine::Flush() {
  RETURN_IF_ERROR(StartCommit());
  return FinishCommit();
}

Status MicroBatchEngine::StartCommit() {
  if (batch_.last_offsets.empty()) {
    // Only replays (or nothing): nothing to commit.
    stats_.totals.records += batch_.metrics.records;
    stats_.totals.replayed += batch_.metrics.replayed;
    stats_.totals.bytes += batch_.metrics.bytes;
    ResetBatch();
    return Status::OK();
  }
  RETURN_IF_ERROR(FinishCommit());  // at most one batch in flight
  auto f = std::make_unique<InFlight>();
  f->batch = std::move(batch_);
  f->batch.sequence = ++sequence_;
  f->started_ms = batch_started_ms_;
  f->events = events_->Seal();
  f->quarantine = quarantine_->Seal();
  dedup_.SealStaged();
  ResetBatch();
  in_flight_ = std::move(f);
  committer_.Start([this, f = in_flight_.get()]() -> Status {
    const int64_t start_us = options_.clock->MonotonicMicros();
    // Both are finished (even after an error) so that no encode job still
    // refers to their files when the batch is dropped.
    Result<std::vector<StagedFile>> ev = events_->FinishSealed(std::move(f->events));
    Result<std::vector<StagedFile>> q = quarantine_->FinishSealed(std::move(f->quarantine));
    if (!ev.ok()) return ev.status();
    if (!q.ok()) return q.status();
    f->batch.events = std::move(*ev);
    f->batch.quarantine = std::move(*q);
    Status st = sink_->Commit(f->batch);
    if (!st.ok()) return st.WithContext("stream: batch " + std::to_string(f->batch.sequence));
    f->latency_us = options_.clock->MonotonicMicros() - start_us;
    return Status::OK();
  });
  return Status::OK();
}

Status MicroBatchEngine::FinishCommit() {
  if (!in_flight_) return Status::OK();
  Status st = committer_.Wait();
  if (!st.ok()) {
    AbortBatch();  // the batch in flight is gone; so is the open one
    return st;
  }
  std::unique_ptr<InFlight> f = std::move(in_flight_);
  f->batch.commit_latency_us = f->latency_us;
  f->batch.duration_ms = options_.clock->MonotonicMillis() - f->started_ms;
  const MicroBatch& batch = f->batch;
  stats_.commit_latency_us.push_back(f->latency_us);
  stats_.last_commit_ms = options_.clock->MonotonicMillis();
  dedup_.CommitSealed();
  for (const auto& [tp, last] : batch.last_offsets) {
    PartitionState& ps = partitions_[tp];
    ps.events_committed = last;
    // The quarantine table's txn is max(previous, last) (the sink keeps the
    // higher mark after a crash between the two commits); never lower ours.
    if (!batch.quarantine.empty()) {
      ps.quarantine_committed = std::max(ps.quarantine_committed.value_or(last), last);
    }
    kafka_pending_[tp] = last + 1;
  }
  CommitKafkaOffsets();
  ++stats_.batches;
  stats_.files += static_cast<int64_t>(batch.events.size() + batch.quarantine.size());
  const BatchMetrics& m = batch.metrics;
  stats_.totals.records += m.records;
  stats_.totals.bytes += m.bytes;
  stats_.totals.events += m.events;
  stats_.totals.duplicates += m.duplicates;
  stats_.totals.quarantined += m.quarantined;
  stats_.totals.replayed += m.replayed;
  if (options_.on_commit) options_.on_commit(batch);
  Log("batch " + std::to_string(batch.sequence) + ": " + std::to_string(m.records) + " records, " +
      std::to_string(m.events) + " events in " + std::to_string(batch.events.size()) + " files, " +
      std::to_string(m.duplicates) + " duplicates, " + std::to_string(m.quarantined) +
      " quarantined, " + std::to_string(m.replayed) + " replayed");
  return Status::OK();
}

void MicroBatchEngine::CommitKafkaOffsets() {
  TakeKafkaCommitOutcome(0);
  if (kafka_in_flight_ || kafka_pending_.empty()) return;
  if (options_.clock->MonotonicMillis() < kafka_retry_at_ms_) return;
  Status st = source_->Commit(kafka_pending_);
  if (!st.ok()) {
    OnKafkaCommitFailed(st);
    return;
  }
  kafka_in_flight_ = true;
  kafka_sent_ = kafka_pending_;
  TakeKafkaCommitOutcome(0);  // a source may complete at once
}

void MicroBatchEngine::TakeKafkaCommitOutcome(int timeout_ms) {
  if (!kafka_in_flight_) return;
  std::optional<Status> outcome = source_->CommitOutcome(timeout_ms);
  if (!outcome) return;  // still in flight
  kafka_in_flight_ = false;
  if (!outcome->ok()) {
    OnKafkaCommitFailed(*outcome);
    return;
  }
  // Offsets that moved on while the commit was in flight stay pending.
  for (const auto& [tp, offset] : kafka_sent_) {
    auto it = kafka_pending_.find(tp);
    if (it != kafka_pending_.end() && it->second == offset) kafka_pending_.erase(it);
  }
  kafka_sent_.clear();
  if (kafka_failing_) Log("kafka offsets committed again (the group's lag is current)");
  kafka_failing_ = false;
}

void MicroBatchEngine::OnKafkaCommitFailed(const Status& st) {
  ++stats_.kafka_commit_failures;
  kafka_retry_at_ms_ = options_.clock->MonotonicMillis() + kKafkaCommitRetryMs;
  if (!kafka_failing_) {
    Log("warning: " + st.ToString() +
        " (data is committed; retrying every second, only the lag shown in Kafka lags)");
  }
  kafka_failing_ = true;
}

Status MicroBatchEngine::CheckNoAssignment(int64_t waited_ms) {
  const SourceConfig& src = config_.source;
  const std::string where =
      "kafka source: no partition of topic '" + src.topic + "' assigned within " +
      std::to_string(waited_ms / 1000) + " s (source.assignment_timeout; brokers: " +
      (src.uses_event_hubs() ? std::string("the Event Hubs namespace") : src.brokers) + ")";
  // Can the brokers be reached at all? A member of a group with more members than
  // partitions gets nothing and may wait; one that cannot reach a broker must not.
  Result<std::pair<int64_t, int64_t>> wm = source_->Watermarks({src.topic, 0}, 5000);
  if (!wm.ok()) {
    return Status::Unavailable(where + ": the brokers do not answer: " + wm.status().message());
  }
  if (config_.available_now) {
    return Status::Unavailable(where + ": the brokers answer, but other members of group '" +
                               src.group + "' hold every partition");
  }
  Log("warning: " + where + ": the brokers answer; other members of the group hold every "
      "partition, waiting");
  return Status::OK();
}

Status MicroBatchEngine::CheckIdleEnd() {
  // Idle short of the end is fine when the brokers answer (e.g. the last offsets
  // are transaction markers, never delivered); when they do not, the run has not
  // read what was there and must not end as if it had.
  for (const auto& [tp, ps] : partitions_) {
    if (ps.end >= 0 && ps.position >= ps.end) continue;
    Result<std::pair<int64_t, int64_t>> wm = source_->Watermarks(tp, 5000);
    if (!wm.ok()) {
      return Status::Unavailable(
          "available_now: nothing new for " + std::to_string(options_.idle_timeout_ms) +
          " ms and the brokers do not answer: " + tp.ToString() + " is at offset " +
          std::to_string(ps.position) + " of " + std::to_string(ps.end) +
          " (what is committed stays; the next run goes on from there): " +
          wm.status().message());
    }
  }
  return Status::OK();
}

bool MicroBatchEngine::AvailableNowDone() {
  if (partitions_.empty()) return false;
  if (options_.input_finished) {
    if (!options_.input_finished()) return false;
    if (!ends_refreshed_) {
      ends_refreshed_ = true;
      for (auto& [tp, ps] : partitions_) {
        Result<std::pair<int64_t, int64_t>> wm = source_->Watermarks(tp, 10000);
        if (wm.ok()) ps.end = wm->second;
      }
      last_record_ms_ = options_.clock->MonotonicMillis();
    }
  }
  for (const auto& [tp, ps] : partitions_) {
    if (ps.end < 0 || ps.position < ps.end) return false;
  }
  return true;
}

Status MicroBatchEngine::Run() {
  const int64_t cpu_start = ThreadCpuMicros();
  Status st = RunLoop();
  stats_.engine_thread_cpu_us += ThreadCpuMicros() - cpu_start;
  return st;
}

Status MicroBatchEngine::RunLoop() {
  RETURN_IF_ERROR(source_->Subscribe({config_.source.topic}));
  const int64_t started = options_.clock->MonotonicMillis();
  last_record_ms_ = started;
  std::vector<SourceRecord> records;  // reused across polls (see Source::Poll)
  Status result;
  while (!stop_.load()) {
    const int64_t now = options_.clock->MonotonicMillis();
    if (options_.max_seconds > 0 && now - started >= options_.max_seconds * 1000) {
      Log("stopping: --max-seconds reached");
      break;
    }
    if (config_.available_now && batch_started_ms_ < 0) {
      if (AvailableNowDone()) {
        Log("available_now: every partition reached its high watermark");
        break;
      }
      if (!partitions_.empty() && now - last_record_ms_ >= options_.idle_timeout_ms &&
          (!options_.input_finished || ends_refreshed_)) {
        result = CheckIdleEnd();
        if (!result.ok()) break;
        Log("available_now: nothing new for " + std::to_string(options_.idle_timeout_ms) + " ms");
        break;
      }
    }
    if (!no_assignment_checked_ && stats_.first_assigned_ms < 0 &&
        now - started >= config_.source.assignment_timeout_ms) {
      no_assignment_checked_ = true;
      result = CheckNoAssignment(now - started);
      if (!result.ok()) break;
    }
    const int64_t room = std::max<int64_t>(1, config_.trigger.max_records - batch_.metrics.records);
    const int64_t poll_start = options_.clock->MonotonicMillis();
    Result<size_t> n = source_->Poll(static_cast<size_t>(std::min<int64_t>(room, 10000)),
                                     options_.poll_timeout_ms, &records);
    if (!n.ok()) {
      result = n.status();
      break;
    }
    if (*n > 0) {
      last_record_ms_ = options_.clock->MonotonicMillis();
    } else if (config_.available_now && !partitions_.empty() && !AvailableNowDone()) {
      ++stats_.starved_polls;
      stats_.starved_ms += options_.clock->MonotonicMillis() - poll_start;
    }
    for (size_t i = 0; i < *n; ++i) {
      Status st = Process(records[i]);
      if (!st.ok()) {
        result = st;
        break;
      }
    }
    if (!result.ok()) break;
    if (in_flight_ && committer_.Done()) {
      result = FinishCommit();
      if (!result.ok()) break;
    }
    CommitKafkaOffsets();
    if (TriggerDue() || (config_.available_now && batch_started_ms_ >= 0 && AvailableNowDone())) {
      result = StartCommit();
      if (!result.ok()) break;
    }
  }
  if (result.ok()) {
    result = Flush();
    // A last attempt before leaving the group, after the commit in flight (bounded:
    // Kafka offsets are informational, the table already has the data).
    TakeKafkaCommitOutcome(kFinalKafkaCommitWaitMs);
    kafka_retry_at_ms_ = 0;
    CommitKafkaOffsets();
  } else {
    AbortBatch();
  }
  Status closed = source_->Close();  // revokes: flushes an (empty) batch; waits for commits
  TakeKafkaCommitOutcome(0);          // counts a failed last commit
  if (result.ok()) result = closed;
  return result;
}

}  // namespace lakestream::stream
