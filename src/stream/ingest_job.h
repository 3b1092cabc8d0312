// IngestJob: `lakestream ingest` as a library call. Wires a PipelineConfig to
// a running MicroBatchEngine: resolves the Event Hubs secret, starts the
// embedded mock broker when the config says `source: {embedded: true}` (dev
// only), optionally feeds the topic generated events from a producer thread
// paced by the group's lag (the embedded broker's topic or the configured
// broker's), builds the KafkaSource and the BatchSink, and runs until done.
//
// The embedded broker and the generated feed are development machinery: they
// come from a DevFeeds (stream/dev/dev_feeds.h, library lakestream_stream_dev)
// that the caller passes in, so this library carries neither librdkafka's mock
// broker nor the clickstream generator.
//
// Thread-safety: RunIngest blocks the calling thread (plus a producer thread
// with generate_events). `stop` may be set from any thread (a signal handler).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "io/file_system.h"
#include "stream/batch_sink.h"
#include "stream/kafka_config.h"
#include "stream/kafka_producer.h"
#include "stream/stream_observer.h"
#include "stream/micro_batch_engine.h"
#include "stream/pipeline_config.h"

namespace lakestream::stream {

// The development feeds of `lakestream ingest` (NewDevFeeds in stream/dev/dev_feeds.h).
// Thread-safety: StartEmbeddedBroker on the ingest thread, Produce on the producer thread.
// Ownership: owns the broker it started, which lives as long as this object.
class DevFeeds {
 public:
  virtual ~DevFeeds() = default;
  // Starts an in-process broker holding `topic`; returns its bootstrap servers.
  // Internal when it cannot start.
  virtual Result<std::string> StartEmbeddedBroker(const std::string& topic) = 0;
  // Produces `events` generated events into `topic` at `conn`, paced by `group`'s lag, until
  // all are produced or keep_going() turns false. Errors from the producer.
  virtual Result<ProduceStats> Produce(const KafkaConnection& conn, const std::string& group,
                                       const std::string& topic, int64_t events,
                                       const std::function<bool()>& keep_going) = 0;
};

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
  // Both need `dev_feeds`.
  int64_t generate_events = 0;
  std::shared_ptr<DevFeeds> dev_feeds;  // source.embedded and generate_events; null: neither
  std::atomic<bool>* stop = nullptr;
  std::function<void(std::string_view)> log;
  // Observers (monitoring, stream/stream_monitor.h): the resolved connection
  // once the source is about to start, and every durable batch.
  std::function<void(const KafkaConnection&)> on_connected;
  std::function<void(const MicroBatch&)> on_commit;
  // The source's transient errors (stream_observer.h); make_sink passes the
  // same observer to the sinks it builds. Optional.
  StreamObserver* observer = nullptr;
  // Time for the engine (EngineOptions::clock) and the wait between looks at `stop`
  // (borrowed, never null).
  Clock* clock = RealClock();
};

// The product sink of a pipeline: a DeltaBatchSink on the config's events and quarantine
// tables (stream/delta_batch_sink.h) through `fs` (the local disk or the URI's store when null),
// under the SCD2 dimension when the config has one (stream/dimension_sink.h). `lakestream
// ingest` uses it; a test tool passes a fault-injecting `fs`. `observer` (optional) is told
// about dropped checkpoints and failed dimension merges. Errors from opening the sinks.
Result<std::unique_ptr<BatchSink>> NewPipelineSink(const PipelineConfig& config,
                                                   std::shared_ptr<io::FileSystem> fs,
                                                   std::function<void(std::string_view)> log,
                                                   StreamObserver* observer = nullptr);

struct IngestResult {
  EngineStats stats;
  int64_t produced = 0;  // with generate_events
  std::string brokers;   // what the source connected to
};

// InvalidArgument for config problems (including a missing secret, a
// source that names no brokers, and source.embedded or generate_events
// without dev_feeds); other errors from the source, the sink or
// the engine.
Result<IngestResult> RunIngest(const IngestOptions& options);

}  // namespace lakestream::stream
