// IngestJob: `lakestream ingest` as a library call. Wires a PipelineConfig to
// a running MicroBatchEngine: resolves the Event Hubs secret, starts the
// embedded mock broker when the config says `source: {embedded: true}` (dev
// only), optionally feeds the topic generated events from a producer thread
// paced by the group's lag (the embedded broker's topic or the configured
// broker's), builds the KafkaSource and the BatchSink, and runs until done.
//
// Thread-safety: RunIngest blocks the calling thread (plus a producer thread
// with generate_events). `stop` may be set from any thread (a signal handler).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pipeline/clickstream_generator.h"
#include "stream/batch_sink.h"
#include "stream/kafka_config.h"
#include "stream/stream_observer.h"
#include "stream/micro_batch_engine.h"
#include "stream/pipeline_config.h"

namespace lakestream::stream {

using SinkFactory = std::function<Result<std::unique_ptr<BatchSink>>(const PipelineConfig&)>;

struct IngestOptions {
  PipelineConfig config;
  SinkFactory make_sink;
  int64_t max_seconds = 0;
  // Produce this many generated events into the topic while ingesting, on
  // the embedded broker or the configured one (a try-out or benchmark feed:
  // each run produces them again). Paced by the group's lag, so the mock's
  // small per-partition buffer never drops unread data. With available_now
  // the run ends once all are produced and ingested.
  int64_t generate_events = 0;
  pipeline::GeneratorOptions generator;
  int embedded_partitions = 4;  // the embedded broker's topic
  int64_t max_lag = 20000;  // records the producer may run ahead of the group
  std::atomic<bool>* stop = nullptr;
  std::function<void(std::string_view)> log;
  // Observers (monitoring, stream/stream_monitor.h): the resolved connection
  // once the source is about to start, and every durable batch.
  std::function<void(const KafkaConnection&)> on_connected;
  std::function<void(const MicroBatch&)> on_commit;
  // The source's transient errors (stream_observer.h); make_sink passes the
  // same observer to the sinks it builds. Optional.
  StreamObserver* observer = nullptr;
};

struct IngestResult {
  EngineStats stats;
  int64_t produced = 0;  // with generate_events
  std::string brokers;   // what the source connected to
};

// InvalidArgument for config problems (including a missing secret and a
// source that names no brokers); other errors from the source, the sink or
// the engine.
Result<IngestResult> RunIngest(const IngestOptions& options);

}  // namespace lakestream::stream
