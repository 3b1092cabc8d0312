// crash_ingest: `lakestream ingest` for crash tests (tests/stream_chaos_test.sh). Runs the same
// job (stream::RunIngest with the product sink, stream::NewPipelineSink) with its storage
// wrapped in a KillingFileSystem, which kills this process at random Delta log writes, so
// the test's self-kills land inside the commit path. Test-only: never installed, and the
// `lakestream` binary carries none of this.
//
//   crash_ingest --config PIPELINE.yaml --crash-percent P [--available-now] [--max-seconds N]
//                [--seed S]
//
// Logs like `lakestream ingest` (stderr, "ingest: ..."); SIGTERM/SIGINT stop it cleanly.
// Exit codes: 0 done, 1 failed, 2 usage.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <random>

#include "io/file_system_resolver.h"
#include "killing_file_system.h"
#include "stream/ingest_job.h"

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  using namespace lakestream;
  CLI::App app{"crash_ingest: lakestream ingest that kills itself at random Delta log writes"};
  std::string config;
  double percent = 0;
  bool available_now = false;
  int64_t max_seconds = 0;
  uint64_t seed = std::random_device{}();
  app.add_option("--config", config, "Pipeline config (YAML)")->required();
  app.add_option("--crash-percent", percent, "Chance (0-100) of dying at each log write")
      ->required()
      ->check(CLI::Range(0.0, 100.0));
  app.add_flag("--available-now", available_now, "Drain the topic, then stop");
  app.add_option("--max-seconds", max_seconds, "Stop after this many seconds");
  app.add_option("--seed", seed, "Seed of the kill draws (default: random)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  Result<stream::PipelineConfig> cfg = stream::LoadPipelineConfig(config);
  if (!cfg.ok()) {
    std::fprintf(stderr, "crash_ingest: %s\n", cfg.status().ToString().c_str());
    return 2;
  }
  if (available_now) cfg->available_now = true;
  stream::IngestOptions o;
  o.config = *cfg;
  o.max_seconds = max_seconds;
  o.stop = &g_stop;
  o.log = [](std::string_view s) {
    std::fprintf(stderr, "ingest: %.*s\n", static_cast<int>(s.size()), s.data());
  };
  auto fs = std::make_shared<testing::KillingFileSystem>(io::NewRoutingFileSystem(), percent, seed);
  o.make_sink = [fs, log = o.log](const stream::PipelineConfig& c) {
    return stream::NewPipelineSink(c, fs, log);
  };
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  Result<stream::IngestResult> r = stream::RunIngest(o);
  if (!r.ok()) {
    std::fprintf(stderr, "crash_ingest: %s\n", r.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "ingest: %lld records\n", static_cast<long long>(r->stats.totals.records));
  return 0;
}
