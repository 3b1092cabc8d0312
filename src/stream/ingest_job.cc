#include "stream/ingest_job.h"

#include <thread>

#include "stream/kafka_producer.h"
#include "stream/kafka_source.h"
#include "stream/mock_cluster.h"

namespace lakestream::stream {

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
  std::unique_ptr<MockCluster> cluster;
  if (cfg.source.uses_event_hubs()) {
    Result<std::string> secret = ReadSecret(cfg.source.event_hubs_connection_string_env,
                                            cfg.source.event_hubs_connection_string_file);
    if (!secret.ok()) {
      return Status::InvalidArgument(secret.status().message()).WithContext("ingest");
    }
    conn.event_hubs_connection_string = std::move(*secret);
  } else if (cfg.source.uses_embedded_broker()) {
    ASSIGN_OR_RETURN(cluster, MockCluster::Start(1));
    RETURN_IF_ERROR(cluster->CreateTopic(cfg.source.topic, options.embedded_partitions));
    conn.brokers = cluster->bootstrap_servers();
    log("ingest: source.embedded: started the embedded mock broker (dev only) at " +
        conn.brokers + " (topic " + cfg.source.topic + ", " +
        std::to_string(options.embedded_partitions) +
        " partitions; data lives only as long as this process)");
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
  ASSIGN_OR_RETURN(std::unique_ptr<Source> source, NewKafkaSource(so));

  std::atomic<bool> produced_all{false};
  EngineOptions eo;
  eo.max_seconds = options.max_seconds;
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
      Result<std::unique_ptr<KafkaProducer>> p = KafkaProducer::Make(conn);
      if (!p.ok()) return fail(p.status());
      Result<std::unique_ptr<ConsumerLag>> lag = ConsumerLag::Make(conn, cfg.source.group);
      if (!lag.ok()) return fail(lag.status());
      Result<std::unique_ptr<pipeline::ClickstreamGenerator>> gen =
          pipeline::ClickstreamGenerator::Create(options.generator);
      if (!gen.ok()) return fail(gen.status());
      ProduceOptions po;
      po.events = options.generate_events;
      po.max_lag = options.max_lag;
      po.lag = [&]() { return (*lag)->Lag(cfg.source.topic); };
      po.keep_going = [&]() { return !engine_done.load(); };
      Result<ProduceStats> st = ProduceGenerated(**p, **gen, cfg.source.topic, po);
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
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
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
