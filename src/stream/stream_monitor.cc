#include "stream/stream_monitor.h"

#include "common/logger.h"
#include "common/redact.h"

#include <chrono>
#include <cstring>

#include "stream/kafka_producer.h"

namespace lakestream::stream {

int64_t MaxTimestampFromFooters(const std::vector<StagedFile>& files, const std::string& column) {
  int64_t best = 0;
  for (const StagedFile& f : files) {
    for (const parquet::RowGroup& rg : f.footer.row_groups) {
      for (const parquet::ColumnChunk& cc : rg.columns) {
        if (!cc.meta_data || cc.meta_data->path_in_schema.size() != 1 ||
            cc.meta_data->path_in_schema[0] != column || !cc.meta_data->statistics) {
          continue;
        }
        const auto& st = *cc.meta_data->statistics;
        const std::optional<std::string>& max = st.max_value ? st.max_value : st.max;
        if (!max || max->size() != 8) continue;
        int64_t v;
        std::memcpy(&v, max->data(), 8);  // little-endian INT64 (x86/ARM hosts)
        if (v > best) best = v;
      }
    }
  }
  return best;
}

StreamMonitor::StreamMonitor(StreamMonitorOptions options) : options_(std::move(options)) {
  options_.clock = ClockOrReal(options_.clock);
  started_ms_.store(Now());
}

Result<std::unique_ptr<StreamMonitor>> StreamMonitor::Make(metrics::Registry* registry,
                                                           StreamMonitorOptions options) {
  auto m = std::unique_ptr<StreamMonitor>(new StreamMonitor(std::move(options)));
  RETURN_IF_ERROR(m->Register(registry));
  return m;
}

StreamMonitor::~StreamMonitor() { StopLag(); }

Status StreamMonitor::Register(metrics::Registry* r) {
  const metrics::LabelValues p = {options_.pipeline_id};
  auto counter = [&](const char* name, const char* help, metrics::Counter** out) -> Status {
    ASSIGN_OR_RETURN(auto* f, r->AddCounter(name, help, {"pipeline"}));
    *out = &f->WithLabels(p);
    return Status::OK();
  };
  auto gauge = [&](const char* name, const char* help, metrics::Gauge** out) -> Status {
    ASSIGN_OR_RETURN(auto* f, r->AddGauge(name, help, {"pipeline"}));
    *out = &f->WithLabels(p);
    return Status::OK();
  };
  RETURN_IF_ERROR(counter("lakestream_stream_records_consumed_total",
                          "Records read from the source (incl. replays skipped)", &consumed_));
  RETURN_IF_ERROR(counter("lakestream_stream_records_written_total",
                          "Rows committed to the events table", &written_));
  RETURN_IF_ERROR(counter("lakestream_stream_records_quarantined_total",
                          "Rows committed to the quarantine table", &quarantined_));
  RETURN_IF_ERROR(counter("lakestream_stream_records_deduplicated_total",
                          "Records dropped as duplicates within the dedup window", &deduplicated_));
  RETURN_IF_ERROR(counter("lakestream_stream_records_replayed_total",
                          "Records skipped because the tables already hold them", &replayed_));
  RETURN_IF_ERROR(counter("lakestream_stream_bytes_consumed_total",
                          "Payload bytes read from the source", &bytes_));
  RETURN_IF_ERROR(counter("lakestream_stream_batches_total", "Micro-batches committed", &batches_));
  RETURN_IF_ERROR(counter("lakestream_stream_files_total", "Data files committed", &files_));
  RETURN_IF_ERROR(counter("lakestream_stream_failures_total",
                          "Stream runs that ended with an error", &failures_));
  RETURN_IF_ERROR(counter("lakestream_stream_restarts_total",
                          "Stream restarts after a failure (retries)", &restarts_));
  RETURN_IF_ERROR(counter("lakestream_stream_storage_errors_total",
                          "Stream failures caused by the storage (IOError)", &storage_errors_));
  ASSIGN_OR_RETURN(checkpoint_failures_,
                   r->AddCounter("lakestream_stream_checkpoint_failures_total",
                                 "Post-commit checkpoints that failed (the commits stand)",
                                 {"pipeline", "table"}));
  ASSIGN_OR_RETURN(dimension_failures_,
                   r->AddCounter("lakestream_stream_dimension_merge_failures_total",
                                 "SCD2 dimension merges (or recoveries) that failed; the "
                                 "dimension catches up before the next batch",
                                 {"pipeline", "dimension"}));
  ASSIGN_OR_RETURN(consumer_errors_,
                   r->AddCounter("lakestream_stream_kafka_consumer_errors_total",
                                 "Transient Kafka consumer errors (librdkafka retries them) by "
                                 "librdkafka error name",
                                 {"pipeline", "error"}));
  RETURN_IF_ERROR(gauge("lakestream_stream_up", "1 while the stream is running", &up_));
  RETURN_IF_ERROR(gauge("lakestream_stream_last_commit_timestamp_seconds",
                        "Wall time of the last successful batch commit", &last_commit_));
  RETURN_IF_ERROR(gauge("lakestream_stream_newest_event_time_seconds",
                        "Newest event time committed to the events table", &newest_event_));
  RETURN_IF_ERROR(gauge("lakestream_stream_freshness_seconds",
                        "Now minus the newest event time committed", &freshness_));
  RETURN_IF_ERROR(gauge("lakestream_stream_consumer_lag_total",
                        "Records in the topic not yet committed by the group (all partitions)",
                        &lag_total_));
  ASSIGN_OR_RETURN(lag_, r->AddGauge("lakestream_stream_consumer_lag",
                                     "Records not yet committed by the group, per partition",
                                     {"pipeline", "topic", "partition"}));
  const std::vector<double> seconds = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                       5,    10,    20,   30,  60,   120, 300};
  ASSIGN_OR_RETURN(auto* bh,
                   r->AddHistogram("lakestream_stream_batch_duration_seconds",
                                   "First record of a batch to its commit", seconds, {"pipeline"}));
  batch_seconds_ = &bh->WithLabels(p);
  ASSIGN_OR_RETURN(auto* ch, r->AddHistogram("lakestream_stream_commit_latency_seconds",
                                             "Closing a batch's files through both Delta commits",
                                             seconds, {"pipeline"}));
  commit_seconds_ = &ch->WithLabels(p);
  // Until the first commit, "last commit" is the monitor's start: a stream
  // that never commits still ages into the no-commit alert.
  if (last_commit_->Value() == 0) last_commit_->Set(started_ms_.load() / 1e3);
  r->AddCollectHook([this] {
    const int64_t newest = newest_event_us_.load();
    if (newest > 0) freshness_->Set(static_cast<double>(Now()) / 1e3 - newest / 1e6);
  });
  return Status::OK();
}

void StreamMonitor::OnBatch(const MicroBatch& batch) {
  const BatchMetrics& m = batch.metrics;
  consumed_->Inc(m.records);
  written_->Inc(m.events);
  quarantined_->Inc(m.quarantined);
  deduplicated_->Inc(m.duplicates);
  replayed_->Inc(m.replayed);
  bytes_->Inc(m.bytes);
  batches_->Inc();
  files_->Inc(static_cast<double>(batch.events.size() + batch.quarantine.size()));
  batch_seconds_->Observe(batch.duration_ms / 1e3);
  commit_seconds_->Observe(batch.commit_latency_us / 1e6);
  const int64_t now = Now();
  last_commit_ms_.store(now);
  last_commit_->Set(now / 1e3);
  const int64_t newest = MaxTimestampFromFooters(batch.events, options_.time_column);
  int64_t prev = newest_event_us_.load();
  while (newest > prev && !newest_event_us_.compare_exchange_weak(prev, newest)) {
  }
  if (newest > prev) newest_event_->Set(newest / 1e6);
}

void StreamMonitor::SetRunning(bool running) { up_->Set(running ? 1 : 0); }

void StreamMonitor::OnFailure(const Status& status) {
  failures_->Inc();
  if (status.IsIOError()) storage_errors_->Inc();
}

void StreamMonitor::OnRestart() { restarts_->Inc(); }

void StreamMonitor::OnCheckpointFailed(const std::string& table, const std::string& error) {
  checkpoint_failures_->WithLabels({options_.pipeline_id, table}).Inc();
  DefaultLogger().Warn("stream", "post-commit checkpoint failed (the commit stands)",
                       {{"table", table}, {"error", Redact(error)}});
}

void StreamMonitor::OnDimensionMergeFailed(const std::string& name, const Status&) {
  dimension_failures_->WithLabels({options_.pipeline_id, name}).Inc();
}

void StreamMonitor::OnConsumerError(std::string_view code, const std::string&) {
  consumer_errors_->WithLabels({options_.pipeline_id, std::string(code)}).Inc();
}

void StreamMonitor::StartLag(const KafkaConnection& conn) {
  StopLag();
  {
    std::lock_guard<std::mutex> lock(lag_mu_);
    lag_stop_ = false;
  }
  lag_thread_ = std::thread([this, conn] { LagLoop(conn); });
}

void StreamMonitor::StopLag() {
  {
    std::lock_guard<std::mutex> lock(lag_mu_);
    lag_stop_ = true;
  }
  lag_cv_.notify_all();
  if (lag_thread_.joinable()) lag_thread_.join();
}

void StreamMonitor::LagLoop(KafkaConnection conn) {
  Result<std::unique_ptr<ConsumerLag>> lag = ConsumerLag::Make(conn, options_.group);
  while (true) {
    if (lag.ok()) {
      Result<std::map<int32_t, int64_t>> by = (*lag)->LagByPartition(options_.topic, 5000);
      if (by.ok()) {
        int64_t total = 0;
        for (const auto& [partition, l] : *by) {
          lag_->WithLabels({options_.pipeline_id, options_.topic, std::to_string(partition)})
              .Set(static_cast<double>(l));
          total += l;
        }
        lag_total_->Set(static_cast<double>(total));
        total_lag_.store(total);
        last_lag_ok_ms_.store(Now());
      }
    }
    std::unique_lock<std::mutex> lock(lag_mu_);
    if (lag_cv_.wait_for(lock, std::chrono::milliseconds(options_.lag_interval_ms),
                         [this] { return lag_stop_; })) {
      return;
    }
  }
}

Readiness StreamMonitor::CheckReady(bool storage_ok) const {
  if (!storage_ok) return {false, "storage not reachable"};
  const int64_t now = Now();
  const int64_t lag_ok = last_lag_ok_ms_.load();
  if (lag_ok == 0 || now - lag_ok > 3 * options_.lag_interval_ms + 5000) {
    return {false, "source not reachable (no consumer lag sample recently)"};
  }
  const int64_t since = std::max(last_commit_ms_.load(), started_ms_.load());
  if (total_lag_.load() > 0 && now - since > options_.max_commit_age_ms) {
    return {false, "no commit for " + std::to_string((now - since) / 1000) + " s with " +
                       std::to_string(total_lag_.load()) + " records waiting"};
  }
  return {true, "ok"};
}

}  // namespace lakestream::stream
