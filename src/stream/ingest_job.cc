#include "stream/ingest_job.h"

#include <thread>

#include "io/credentials.h"
#include "stream/delta_batch_sink.h"
#include "stream/dimension_sink.h"
#include "stream/kafka_producer.h"
#include "stream/kafka_source.h"

namespace lakestream::stream {

Result<std::unique_ptr<BatchSink>> NewPipelineSink(const PipelineConfig& config,
                                                   std::shared_ptr<io::FileSystem> fs,
                                                   std::function<void(std::string_view)> log,
                                                   StreamObserver* observer) {
  DeltaSinkOptions so;
  so.observer = observer;
  so.fs = std::move(fs);
  so.events_table = config.table;
  so.quarantine_table = config.quarantine_table;
  ASSIGN_OR_RETURN(std::unique_ptr<BatchSink> sink, NewDeltaBatchSink(so));
  DimensionSinkOptions dso;
  dso.log = std::move(log);
  dso.observer = observer;
  return WithDimension(std::move(sink), config, std::move(dso));
}

Result<IngestResult> RunIngest(const IngestOptions& options) {
  const PipelineConfig& cfg = options.config;
  auto log = [&](std::string_view s) {
    if (options.log) options.log(s);
  };
  if (!options.make_sink) return Status::InvalidArgument("ingest: no sink factory");
  IngestResult result;

  KafkaConnection conn;
  conn.brokers = cfg.source.brokers;
  conn.properties = cfg.source.properties;
  const bool needs_dev = cfg.source.uses_embedded_broker() || options.generate_events > 0;
  if (needs_dev && !options.dev_feeds) {
    return Status::InvalidArgument(
        "ingest: source.embedded and generated events need the development feeds "
        "(stream/dev/dev_feeds.h), which this program was not given");
  }
  if (cfg.source.uses_event_hubs()) {
    Result<std::string> secret = io::CredentialResolver().Secret(
        "source.event_hubs", cfg.source.event_hubs_connection_string_env,
        cfg.source.event_hubs_connection_string_file);
    if (!secret.ok()) {
      return Status::InvalidArgument(secret.status().message()).WithContext("ingest");
    }
    conn.event_hubs_connection_string = std::move(*secret);
  } else if (cfg.source.uses_embedded_broker()) {
    ASSIGN_OR_RETURN(conn.brokers, options.dev_feeds->StartEmbeddedBroker(cfg.source.topic));
    log("ingest: source.embedded: started the embedded mock broker (dev only) at " +
        conn.brokers + " (topic " + cfg.source.topic +
        "; data lives only as long as this process)");
  } else if (!cfg.source.names_a_broker()) {
    // ParsePipelineConfig refuses such a config; this catches one built in code.
    return Status::InvalidArgument(
        "ingest: source names no Kafka brokers: set source.brokers, source.event_hubs or "
        "(dev only) source.embedded");
  }
  ASSIGN_OR_RETURN(KafkaProperties props, BuildKafkaProperties(conn));
  result.brokers = props.count("bootstrap.servers") ? props.at("bootstrap.servers") : "";
  log("ingest: kafka properties: " + RedactedProperties(props));

  ASSIGN_OR_RETURN(std::unique_ptr<BatchSink> sink, options.make_sink(cfg));
  KafkaSourceOptions so;
  so.connection = conn;
  so.group_id = cfg.source.group;
  so.auto_offset_reset = cfg.source.starting_offsets;
  so.observer = options.observer;
  so.close_timeout_ms = cfg.source.close_timeout_ms;
  so.log = options.log;
  ASSIGN_OR_RETURN(std::unique_ptr<Source> source, NewKafkaSource(so));

  std::atomic<bool> produced_all{false};
  EngineOptions eo;
  eo.max_seconds = options.max_seconds;
  eo.clock = options.clock;
  eo.log = options.log;
  eo.on_commit = options.on_commit;
  if (options.on_connected) options.on_connected(conn);
  if (options.generate_events > 0) {
    eo.input_finished = [&produced_all]() { return produced_all.load(); };
  }
  ASSIGN_OR_RETURN(auto engine, MicroBatchEngine::Make(cfg, source.get(), sink.get(), eo));

  // --generate: a producer thread feeds generated events into the topic (the
  // embedded broker's or the configured one), paced by the group's lag.
  std::thread producer;
  Status produce_status;
  std::atomic<bool> engine_done{false};
  if (options.generate_events > 0) {
    log("ingest: producing " + std::to_string(options.generate_events) +
        " generated events into topic " + cfg.source.topic + " at " + result.brokers);
    producer = std::thread([&] {
      auto fail = [&](Status s) {
        produce_status = std::move(s);
        produced_all.store(true);
        engine->RequestStop();
      };
      Result<ProduceStats> st =
          options.dev_feeds->Produce(conn, cfg.source.group, cfg.source.topic,
                                     options.generate_events, [&]() { return !engine_done.load(); });
      if (!st.ok()) return fail(st.status());
      result.produced = st->produced;
      log("ingest: produced " + std::to_string(st->produced) + " generated events (" +
          std::to_string(st->malformed) + " malformed, " + std::to_string(st->duplicates) +
          " duplicates)");
      produced_all.store(true);
    });
  }
  std::atomic<bool>* stop = options.stop;
  std::thread watcher;
  std::atomic<bool> watching{stop != nullptr};
  if (stop != nullptr) {
    watcher = std::thread([&] {
      while (watching.load()) {
        if (stop->load()) {
          engine->RequestStop();
          return;
        }
        options.clock->SleepForMillis(50);
      }
    });
  }
  Status st = engine->Run();
  engine_done.store(true);
  watching.store(false);
  if (watcher.joinable()) watcher.join();
  if (producer.joinable()) producer.join();
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(produce_status.WithContext("ingest: producer"));
  result.stats = engine->stats();
  return result;
}

}  // namespace lakestream::stream
