// `lakestream ingest`: runs the streaming ingest job (src/stream/ingest_job.h)
// from a YAML pipeline config into Delta tables.
#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "cli/commands.h"
#include "common/logger.h"
#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/observability_routes.h"
#include "stream/dev/dev_feeds.h"
#include "stream/ingest_job.h"
#include "stream/stream_monitor.h"

namespace lakestream::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

struct IngestArgs {
  std::string config;
  bool available_now = false;
  int64_t max_seconds = 0;
  int64_t generate = 0;
  uint64_t seed = 1;
  double malformed_rate = 0.01;
  double duplicate_rate = 0.02;
  bool quiet = false;
  std::string http;  // serve /metrics /healthz /readyz on this address
  std::string port_file;  // with http: the bound port is written here
};

// The largest resident set of this process so far, in KiB (Linux's ru_maxrss unit).
long PeakRssKib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// User + system CPU of this process so far, all threads.
double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

Status RunIngestCommand(const IngestArgs& args) {
  ASSIGN_OR_RETURN(stream::PipelineConfig cfg, stream::LoadPipelineConfig(args.config));
  if (args.available_now) cfg.available_now = true;
  stream::IngestOptions o;
  o.config = cfg;
  o.max_seconds = args.max_seconds;
  o.generate_events = args.generate;
  if (cfg.source.uses_embedded_broker() || args.generate > 0) {
    // Dev-only feeds (stream/dev/dev_feeds.h), linked into this binary on purpose.
    stream::DevFeedOptions dev;
    dev.generator.seed = args.seed;
    dev.generator.malformed_rate = args.malformed_rate;
    dev.generator.duplicate_rate = args.duplicate_rate;
    o.dev_feeds = stream::NewDevFeeds(dev);
  }
  o.stop = &g_stop;
  // --http: metrics and health endpoints while the job runs.
  metrics::Registry registry;
  std::unique_ptr<stream::StreamMonitor> monitor;
  server::HttpServer http;
  bool running = true;
  if (!args.http.empty()) {
    stream::StreamMonitorOptions mo;
    mo.pipeline_id = cfg.pipeline_id;
    mo.topic = cfg.source.topic;
    mo.group = cfg.source.group;
    mo.time_column = cfg.dedup.time_column;
    mo.lag_interval_ms = 2000;
    ASSIGN_OR_RETURN(monitor, stream::StreamMonitor::Make(&registry, mo));
    stream::StreamMonitor* m = monitor.get();
    server::MountObservability(&http, &registry,
                               {{"stream", [m, &running] {
                                   if (!running) return server::CheckResult{false, "stream ended"};
                                   stream::Readiness r = m->CheckReady(true);
                                   return server::CheckResult{r.ready, r.reason};
                                 }}});
    RETURN_IF_ERROR(http.Start(args.http));
    DefaultLogger().Info("ingest", "http listening",
                         {{"address", http.host() + ":" + std::to_string(http.port())},
                          {"port", std::to_string(http.port())}});
    if (!args.port_file.empty()) RETURN_IF_ERROR(WritePortFile(args.port_file, http.port()));
    o.on_connected = [m](const stream::KafkaConnection& c) { m->StartLag(c); };
    o.on_commit = [m](const stream::MicroBatch& b) { m->OnBatch(b); };
    m->SetRunning(true);
  }
  auto mu = std::make_shared<std::mutex>();
  if (!args.quiet && LogFlagsGiven()) {
    o.log = [](std::string_view s) { DefaultLogger().Info("ingest", s); };
  } else if (!args.quiet) {
    o.log = [mu](std::string_view s) {
      std::lock_guard<std::mutex> lock(*mu);
      std::fprintf(stderr, "ingest: %.*s\n", static_cast<int>(s.size()), s.data());
    };
  }
  auto log = o.log;
  o.observer = monitor.get();  // counts dropped checkpoints, dimension and consumer errors
  o.make_sink = [log, observer = o.observer](const stream::PipelineConfig& c) {
    return stream::NewPipelineSink(c, nullptr, log, observer);
  };
  const auto started = std::chrono::steady_clock::now();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  Result<stream::IngestResult> run = stream::RunIngest(o);
  running = false;
  if (monitor) {
    monitor->StopLag();
    monitor->SetRunning(false);
    if (!run.ok()) monitor->OnFailure(run.status());
  }
  RETURN_IF_ERROR(run.status());
  const stream::IngestResult& r = *run;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto& t = r.stats.totals;
  std::fprintf(stderr,
               "ingest: %lld batches, %lld records: %lld events, %lld duplicates dropped, "
               "%lld quarantined, %lld replayed -> %s (quarantine %s)\n",
               static_cast<long long>(r.stats.batches), static_cast<long long>(t.records),
               static_cast<long long>(t.events), static_cast<long long>(t.duplicates),
               static_cast<long long>(t.quarantined), static_cast<long long>(t.replayed),
               cfg.table.c_str(), cfg.quarantine_table.c_str());
  // From the first partition assignment to the last commit: the ingest time
  // without start-up and the consumer-group join.
  const double active = r.stats.first_assigned_ms >= 0 && r.stats.last_commit_ms >= 0
                            ? (r.stats.last_commit_ms - r.stats.first_assigned_ms) / 1000.0
                            : 0.0;
  // One machine-readable line for scripts (tests, bench).
  std::fprintf(stderr,
               "ingest: summary seconds=%.3f bytes=%lld MB/s=%.1f active_seconds=%.3f "
               "active_MB/s=%.1f cpu_seconds=%.3f engine_thread_cpu_seconds=%.3f "
               "starved_polls=%lld starved_ms=%lld "
               "batches=%lld files=%lld "
               "commit_p50_ms=%.1f commit_p99_ms=%.1f commit_max_ms=%.1f peak_rss_kib=%ld "
               "kafka_commit_failures=%lld\n",
               seconds, static_cast<long long>(t.bytes),
               seconds > 0 ? static_cast<double>(t.bytes) / 1e6 / seconds : 0.0, active,
               active > 0 ? static_cast<double>(t.bytes) / 1e6 / active : 0.0, ProcessCpuSeconds(),
               r.stats.engine_thread_cpu_us / 1e6, static_cast<long long>(r.stats.starved_polls),
               static_cast<long long>(r.stats.starved_ms), static_cast<long long>(r.stats.batches),
               static_cast<long long>(r.stats.files),
               r.stats.CommitLatencyPercentileUs(50) / 1000.0,
               r.stats.CommitLatencyPercentileUs(99) / 1000.0,
               r.stats.CommitLatencyPercentileUs(100) / 1000.0, PeakRssKib(),
               static_cast<long long>(r.stats.kafka_commit_failures));
  return Status::OK();
}

}  // namespace

void AddIngestCommands(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  auto* cmd = app.add_subcommand(
      "ingest", "Stream events from Kafka / Event Hubs into Delta tables, exactly once");
  cmd->add_option("--config", args->config, "Pipeline config (YAML)")->required();
  cmd->add_flag("--available-now", args->available_now,
                "Ingest what is in the topic now, then stop");
  cmd->add_option("--max-seconds", args->max_seconds, "Stop after this many seconds");
  cmd->add_option("--generate", args->generate,
                  "Also produce this many generated events into the topic (the configured "
                  "broker's, or the embedded one's); every run produces them again");
  cmd->add_option("--seed", args->seed, "Generator seed (with --generate)");
  cmd->add_option("--malformed-rate", args->malformed_rate, "With --generate")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--duplicate-rate", args->duplicate_rate, "With --generate")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--quiet", args->quiet, "Only print the summary");
  cmd->add_option("--http", args->http,
                  "Serve /metrics /healthz /readyz on host:port while running (port 0: any)");
  cmd->add_option("--port-file", args->port_file,
                  "With --http: once listening, write the bound port here");
  cmd->callback([args] {
    Status st = RunIngestCommand(*args);
    if (!st.ok()) Fail(st);
  });
}

}  // namespace lakestream::cli
