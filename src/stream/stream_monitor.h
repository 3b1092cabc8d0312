// StreamMonitor: the streaming ingest job's metrics and readiness. It
// registers the lakestream_stream_* families in a metrics::Registry and is fed
// from well-defined points outside the engine's hot path:
//   - OnBatch(batch) from EngineOptions::on_commit (one call per durable
//     batch): records consumed/written/quarantined/deduplicated/replayed,
//     bytes, batch duration and commit latency histograms, the newest
//     event time committed (from the events files' Parquet footer max of the
//     time column) and the last commit time;
//   - StartLag(conn)/StopLag() around each run: a background thread samples
//     the consumer group's lag per partition every lag_interval_ms;
//   - SetRunning / OnFailure / OnRestart from the supervisor;
//   - as the StreamObserver of the sinks and the source (stream_observer.h):
//     lakestream_stream_checkpoint_failures_total{pipeline,table},
//     lakestream_stream_dimension_merge_failures_total{pipeline,dimension} and
//     lakestream_stream_kafka_consumer_errors_total{pipeline,error}.
// A collect hook turns the newest event time into freshness (now - newest)
// at scrape time. lakestream_stream_last_commit_timestamp_seconds starts at
// the monitor's creation time, so a stream that never commits still ages.
//
// Readiness: storage reachable (the caller's probe), source reachable (the
// last lag sample succeeded within 3 intervals) and a commit within
// max_commit_age_ms, or nothing left to consume (total lag 0).
//
// Thread-safety: every method may be called from any thread. Ownership:
// borrows the registry, which must outlive the monitor.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "metrics/registry.h"
#include "stream/batch_sink.h"
#include "stream/kafka_config.h"
#include "stream/stream_observer.h"

namespace lakestream::stream {

struct StreamMonitorOptions {
  std::string pipeline_id;
  std::string topic;
  std::string group;
  std::string time_column = "event_time";
  int64_t lag_interval_ms = 5000;
  int64_t max_commit_age_ms = 10 * 60 * 1000;
  Clock* clock = RealClock();  // wall time (borrowed)
};

struct Readiness {
  bool ready = false;
  std::string reason;  // why not ready, or "ok"
};

class StreamMonitor final : public StreamObserver {
 public:
  // InvalidArgument if a family clashes with one already in the registry.
  static Result<std::unique_ptr<StreamMonitor>> Make(metrics::Registry* registry,
                                                     StreamMonitorOptions options);
  ~StreamMonitor();

  void OnBatch(const MicroBatch& batch);
  void SetRunning(bool running);
  void OnFailure(const Status& status);
  void OnRestart();

  // StreamObserver: counted; a checkpoint failure is also logged (the
  // dimension sink and librdkafka log the other two).
  void OnCheckpointFailed(const std::string& table, const std::string& error) override;
  void OnDimensionMergeFailed(const std::string& name, const Status& error) override;
  void OnConsumerError(std::string_view code, const std::string& message) override;

  // Starts (or restarts with a new connection) the lag sampler thread.
  void StartLag(const KafkaConnection& conn);
  void StopLag();

  // `storage_ok`: the caller's storage probe result.
  Readiness CheckReady(bool storage_ok) const;

  int64_t last_commit_ms() const { return last_commit_ms_.load(); }
  int64_t newest_event_time_us() const { return newest_event_us_.load(); }

 private:
  explicit StreamMonitor(StreamMonitorOptions options);
  Status Register(metrics::Registry* r);
  void LagLoop(KafkaConnection conn);
  int64_t Now() const { return options_.clock->NowMillis(); }

  StreamMonitorOptions options_;
  metrics::Counter* consumed_ = nullptr;
  metrics::Counter* written_ = nullptr;
  metrics::Counter* quarantined_ = nullptr;
  metrics::Counter* deduplicated_ = nullptr;
  metrics::Counter* replayed_ = nullptr;
  metrics::Counter* bytes_ = nullptr;
  metrics::Counter* batches_ = nullptr;
  metrics::Counter* files_ = nullptr;
  metrics::Counter* failures_ = nullptr;
  metrics::Counter* restarts_ = nullptr;
  metrics::Counter* storage_errors_ = nullptr;
  metrics::Histogram* batch_seconds_ = nullptr;
  metrics::Histogram* commit_seconds_ = nullptr;
  metrics::Gauge* up_ = nullptr;
  metrics::Gauge* last_commit_ = nullptr;
  metrics::Gauge* newest_event_ = nullptr;
  metrics::Gauge* freshness_ = nullptr;
  metrics::Gauge* lag_total_ = nullptr;
  metrics::GaugeFamily* lag_ = nullptr;
  metrics::CounterFamily* checkpoint_failures_ = nullptr;
  metrics::CounterFamily* dimension_failures_ = nullptr;
  metrics::CounterFamily* consumer_errors_ = nullptr;

  std::atomic<int64_t> last_commit_ms_{0};
  std::atomic<int64_t> newest_event_us_{0};
  std::atomic<int64_t> last_lag_ok_ms_{0};
  std::atomic<int64_t> total_lag_{-1};
  std::atomic<int64_t> started_ms_{0};

  std::mutex lag_mu_;
  std::condition_variable lag_cv_;
  bool lag_stop_ = false;
  std::thread lag_thread_;
};

// The newest value of `column` (a timestamp stored as INT64 micros) over the
// files' footer statistics; 0 when no file has it.
int64_t MaxTimestampFromFooters(const std::vector<StagedFile>& files, const std::string& column);

}  // namespace lakestream::stream
