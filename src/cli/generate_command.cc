// `lakestream generate`: writes synthetic clickstream events as NDJSON to a
// file (through io::FileSystem) or to stdout, produces them into Kafka
// (--topic), or posts them to the HTTP collector from a fleet of simulated
// devices (--to-collector, pipeline/generator/device_fleet.h).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "io/credentials.h"
#include "io/file_system.h"
#include "io/file_system_resolver.h"
#include "io/http_client.h"
#include "pipeline/generator/clickstream_generator.h"
#include "pipeline/generator/device_fleet.h"
#include "common/config_values.h"
#include "common/time_format.h"
#include "stream/kafka_config.h"
#include "stream/dev/generated_feed.h"

namespace lakestream::cli {
namespace {

struct GenerateArgs {
  uint64_t events = 0;
  CLI::Option* events_option = nullptr;  // given? (required unless --to-collector --duration)
  pipeline::GeneratorOptions options;
  std::string start_time;
  std::string out = "-";
  bool quiet = false;
  // Kafka mode.
  std::string topic;
  std::string brokers;
  std::string event_hubs_env;
  std::vector<std::string> properties;  // k=v
  std::string pace_group;
  int64_t max_lag = 200000;
  // Collector mode.
  std::string collector;
  std::string write_key_env = "LAKESTREAM_WRITE_KEY";
  int devices = 10;
  double rate = 100;
  int batch = 20;
  std::string flush_interval = "1s";
  std::string duration;
  std::string drain = "60s";
  std::string acked;
};

std::atomic<bool> g_generate_stop{false};
void OnGenerateSignal(int) { g_generate_stop.store(true); }

Status RunGenerateToCollector(const GenerateArgs& args) {
  pipeline::DeviceFleetOptions o;
  o.url = args.collector;
  ASSIGN_OR_RETURN(o.write_key, io::CredentialResolver().Secret("generate: --write-key-env",
                                                                args.write_key_env));
  o.devices = args.devices;
  o.rate = args.rate;
  o.batch_events = args.batch;
  o.events = args.events;
  o.seed = args.options.seed;
  ASSIGN_OR_RETURN(o.flush_interval_ms, ParseDurationMs(args.flush_interval));
  ASSIGN_OR_RETURN(o.drain_ms, ParseDurationMs(args.drain));
  if (!args.duration.empty()) {
    ASSIGN_OR_RETURN(o.duration_ms, ParseDurationMs(args.duration));
  }
  std::unique_ptr<io::WritableFile> acked;
  std::shared_ptr<io::FileSystem> fs;
  Status acked_status;
  std::string chunk;
  if (!args.acked.empty()) {
    fs = io::NewRoutingFileSystem();
    ASSIGN_OR_RETURN(acked, fs->OpenForWrite(args.acked));
    // Called one batch at a time (the fleet serialises it).
    o.on_acked = [&](const std::vector<std::string>& ids, int) {
      for (const std::string& id : ids) chunk.append(id).push_back('\n');
      if (chunk.size() >= (64 << 10) && acked_status.ok()) {
        acked_status = acked->Append(chunk);
        chunk.clear();
      }
    };
  }
  io::HttpClientOptions ho;
  ho.max_pooled_handles = static_cast<size_t>(std::max(args.devices, 16));
  std::unique_ptr<io::HttpClient> client = io::MakeCurlHttpClient(ho);
  std::signal(SIGINT, OnGenerateSignal);
  std::signal(SIGTERM, OnGenerateSignal);
  ASSIGN_OR_RETURN(pipeline::DeviceFleetStats st,
                   pipeline::RunDeviceFleet(o, *client, nullptr, &g_generate_stop));
  if (acked) {
    if (acked_status.ok() && !chunk.empty()) acked_status = acked->Append(chunk);
    if (acked_status.ok()) acked_status = acked->Close();
    RETURN_IF_ERROR(acked_status.WithContext("generate: --acked " + args.acked));
  }
  if (!args.quiet) {
    std::fprintf(stderr, "generate: %s -> %s\n", pipeline::FormatDeviceFleetStats(st).c_str(),
                 args.collector.c_str());
  }
  if (st.rejected > 0) {
    return Status::InvalidArgument("generate: the collector rejected " + std::to_string(st.rejected) +
                                   " events, first: " + st.first_rejection);
  }
  if (st.abandoned > 0) {
    return Status::Unavailable("generate: " + std::to_string(st.abandoned) +
                               " events got no 2xx within --drain " + args.drain);
  }
  return Status::OK();
}

Status RunGenerateToKafka(GenerateArgs& args,
                          pipeline::ClickstreamGenerator& generator) {
  stream::KafkaConnection conn;
  conn.brokers = args.brokers;
  for (const std::string& kv : args.properties) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("generate: --property '" + kv + "' is not key=value");
    }
    conn.properties[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!args.event_hubs_env.empty()) {
    ASSIGN_OR_RETURN(conn.event_hubs_connection_string,
                     io::CredentialResolver().Secret("generate: --event-hubs-connection-env",
                                                     args.event_hubs_env));
  }
  ASSIGN_OR_RETURN(auto producer, stream::KafkaProducer::Make(conn));
  stream::ProduceOptions po;
  po.events = static_cast<int64_t>(args.events);
  std::unique_ptr<stream::ConsumerLag> lag;
  if (!args.pace_group.empty()) {
    ASSIGN_OR_RETURN(lag, stream::ConsumerLag::Make(conn, args.pace_group));
    po.lag = [&]() { return lag->Lag(args.topic); };
    po.max_lag = args.max_lag;
    po.on_pause = [](const std::string& why) {
      std::fprintf(stderr, "generate: %s\n", why.c_str());
    };
  }
  ASSIGN_OR_RETURN(stream::ProduceStats st,
                   stream::ProduceGenerated(*producer, generator, args.topic, po));
  if (!args.quiet) {
    std::fprintf(stderr,
                 "generate: %lld events, %lld bytes, %lld malformed, %lld duplicates -> kafka "
                 "topic %s\n",
                 static_cast<long long>(st.produced), static_cast<long long>(st.bytes),
                 static_cast<long long>(st.malformed), static_cast<long long>(st.duplicates),
                 args.topic.c_str());
  }
  return Status::OK();
}

constexpr size_t kFlushBytes = 1 << 20;

Status RunGenerate(GenerateArgs& args) {
  if (!args.collector.empty()) {
    if (!args.topic.empty()) {
      return Status::InvalidArgument("generate: --to-collector and --topic exclude each other");
    }
    if (args.events == 0 && args.duration.empty()) {
      return Status::InvalidArgument("generate: --to-collector needs --events or --duration");
    }
    return RunGenerateToCollector(args);
  }
  if (args.events_option == nullptr || args.events_option->count() == 0) {
    return Status::InvalidArgument("generate: --events is required");
  }
  if (!args.start_time.empty()) {
    std::optional<int64_t> start = ParseTimestampMicros(args.start_time);
    if (!start) {
      return Status::InvalidArgument("generate: --start-time '" + args.start_time +
                                     "' is not an ISO-8601 timestamp");
    }
    args.options.start_time_us = *start;
  }
  ASSIGN_OR_RETURN(auto generator, pipeline::ClickstreamGenerator::Create(args.options));
  if (!args.topic.empty()) return RunGenerateToKafka(args, *generator);

  std::shared_ptr<io::FileSystem> fs;
  std::unique_ptr<io::WritableFile> file;
  const bool to_stdout = args.out == "-";
  if (!to_stdout) {
    fs = io::NewRoutingFileSystem();
    ASSIGN_OR_RETURN(file, fs->OpenForWrite(args.out));
  }
  auto flush = [&](std::string& chunk) -> Status {
    if (to_stdout) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) != chunk.size()) {
        return Status::IOError("generate: writing to stdout failed");
      }
    } else {
      RETURN_IF_ERROR(file->Append(chunk));
    }
    chunk.clear();
    return Status::OK();
  };

  std::string chunk;
  chunk.reserve(kFlushBytes + 4096);
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < args.events; ++i) {
    generator->AppendNext(&chunk);
    chunk.push_back('\n');
    if (chunk.size() >= kFlushBytes) {
      bytes += chunk.size();
      RETURN_IF_ERROR(flush(chunk));
    }
  }
  bytes += chunk.size();
  RETURN_IF_ERROR(flush(chunk));
  if (to_stdout) {
    if (std::fflush(stdout) != 0) return Status::IOError("generate: writing to stdout failed");
  } else {
    RETURN_IF_ERROR(file->Close());
  }
  if (!args.quiet) {
    std::fprintf(stderr,
                 "generate: %llu events, %llu bytes, %llu malformed, %llu duplicates -> %s\n",
                 static_cast<unsigned long long>(generator->generated()),
                 static_cast<unsigned long long>(bytes),
                 static_cast<unsigned long long>(generator->malformed()),
                 static_cast<unsigned long long>(generator->duplicates()), args.out.c_str());
  }
  return Status::OK();
}

}  // namespace

void AddGenerateCommands(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand("generate", "Write synthetic clickstream events as NDJSON");
  args->events_option = cmd->add_option("--events", args->events,
                  "Number of lines to write (with --to-collector: events to send in all)");
  cmd->add_option("--seed", args->options.seed, "Random seed (same seed, same bytes)");
  cmd->add_option("--malformed-rate", args->options.malformed_rate,
                  "Fraction of malformed lines, 0..1")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--duplicate-rate", args->options.duplicate_rate,
                  "Fraction of lines that resend an earlier event, 0..1")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--duplicate-window", args->options.duplicate_window,
                  "Duplicates resend one of this many most recent events");
  cmd->add_option("--users", args->options.users, "Size of the simulated user population");
  cmd->add_option("--events-per-second", args->options.events_per_second,
                  "Mean simulated event rate (how fast event_time advances)");
  cmd->add_option("--late-rate", args->options.late_rate,
                  "Fraction of events with event_time up to 2 minutes in the past")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--start-time", args->start_time,
                  "event_time of the first event, e.g. 2026-11-24T00:00:00Z");
  cmd->add_option("--out", args->out, "Output file, or - for stdout")->capture_default_str();
  cmd->add_flag("--quiet", args->quiet, "Do not print the summary line to stderr");
  cmd->add_option("--topic", args->topic,
                  "Produce into this Kafka topic instead of writing NDJSON (keyed by event_id)");
  cmd->add_option("--brokers", args->brokers, "Kafka bootstrap servers (with --topic)");
  cmd->add_option("--event-hubs-connection-env", args->event_hubs_env,
                  "Environment variable holding an Azure Event Hubs connection string");
  cmd->add_option("--property", args->properties, "librdkafka property key=value (repeatable)");
  cmd->add_option("--pace-group", args->pace_group,
                  "Wait while this consumer group lags more than --max-lag records");
  cmd->add_option("--max-lag", args->max_lag, "With --pace-group");
  cmd->add_option("--to-collector", args->collector,
                  "Post the events to this collector (http://host:port) from simulated devices "
                  "that batch, retry with backoff and resend unacknowledged batches");
  cmd->add_option("--write-key-env", args->write_key_env,
                  "With --to-collector: environment variable holding the write key")
      ->capture_default_str();
  cmd->add_option("--devices", args->devices, "With --to-collector: simulated devices")
      ->capture_default_str();
  cmd->add_option("--rate", args->rate, "With --to-collector: events per second, all devices")
      ->capture_default_str();
  cmd->add_option("--batch", args->batch, "With --to-collector: events per batch")
      ->capture_default_str();
  cmd->add_option("--flush-interval", args->flush_interval,
                  "With --to-collector: send a partial batch after this long")
      ->capture_default_str();
  cmd->add_option("--duration", args->duration,
                  "With --to-collector: generate for this long (e.g. 60s), instead of or "
                  "besides --events");
  cmd->add_option("--drain", args->drain,
                  "With --to-collector: after generating, resend unacknowledged batches for up "
                  "to this long")
      ->capture_default_str();
  cmd->add_option("--acked", args->acked,
                  "With --to-collector: write the event_id of every event answered 2xx here, "
                  "one a line");
  cmd->callback([args] {
    Status st = RunGenerate(*args);
    if (!st.ok()) Fail(st);
  });
}

}  // namespace lakestream::cli
