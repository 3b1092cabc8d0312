// `lakestream serve --config FILE`: the long-running process (src/serve/serve_app.h).
// `lakestream runs`: prints the run log (src/serve/run_log.h).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "common/clock.h"
#include "cli/commands.h"
#include "common/logger.h"
#include "common/time_format.h"
#include "io/credentials.h"
#include "serve/serve_app.h"

namespace lakestream::cli {
namespace {

std::atomic<bool> g_serve_stop{false};
void OnServeSignal(int) { g_serve_stop.store(true); }

struct ServeArgs {
  std::string config;
  std::string http;
  std::string refresh_config;
  std::string port_file;
};

Status RunServe(const ServeArgs& args) {
  ASSIGN_OR_RETURN(serve::ServeConfig cfg, serve::LoadServeConfig(args.config));
  if (!args.http.empty()) cfg.http = args.http;
  Result<std::string> token = io::CredentialResolver().Secret("serve: the API token",
                                                             "LAKESTREAM_API_TOKEN");
  if (token.ok()) {
    cfg.api_token = std::move(*token);
  } else if (!token.status().IsNotFound()) {
    return token.status();  // a malformed secrets file
  }
  // Flags given on the command line win over the config's log section.
  if (cfg.log_format && !LogFlagsGiven()) DefaultLogger().SetFormat(*cfg.log_format);
  if (cfg.log_level && !LogFlagsGiven()) DefaultLogger().SetMinLevel(*cfg.log_level);
  // The OData refresh (docs/odata.md): a job, the refresh API and the dashboard of serve.
  if (!args.refresh_config.empty()) cfg.refresh = args.refresh_config;
  ASSIGN_OR_RETURN(auto app, serve::ServeApp::Make(std::move(cfg)));
  std::signal(SIGINT, OnServeSignal);
  std::signal(SIGTERM, OnServeSignal);
  const std::string port_file = args.port_file;
  return app->Run(&g_serve_stop, [&port_file](int port) {
    return port_file.empty() ? Status::OK() : WritePortFile(port_file, port);
  });
}

struct RunsArgs {
  std::string config;
  std::string state_dir;
  std::string since = "30d";
  bool failed = false;
};

Status PrintRuns(const RunsArgs& a) {
  std::string dir = a.state_dir;
  if (dir.empty()) {
    if (a.config.empty()) return Status::InvalidArgument("runs: give --state-dir or --config");
    ASSIGN_OR_RETURN(serve::ServeConfig cfg, serve::LoadServeConfig(a.config));
    dir = cfg.state_dir;
  }
  serve::RunLogOptions ro;
  ro.state_dir = dir;
  ASSIGN_OR_RETURN(auto log, serve::RunLog::Open(ro));
  const int64_t now = RealClock()->NowMillis();
  Result<int64_t> since = serve::SinceToMicros(a.since, now);
  if (!since.ok()) return since.status().WithContext("runs: --since");
  ASSIGN_OR_RETURN(std::vector<serve::RunRow> rows, log->Read(*since, a.failed));
  std::printf("%-27s %-24s %-7s %10s %12s %9s  %s\n", "started_at", "job", "status", "rows",
              "bytes", "seconds", "error / offsets");
  for (const serve::RunRow& r : rows) {
    std::string extra = r.error.empty() ? r.offsets : r.error;
    std::printf("%-27s %-24s %-7s %10lld %12lld %9.3f  %s\n",
                FormatTimestampMicros(r.started_us).c_str(), r.job.c_str(), r.status.c_str(),
                static_cast<long long>(r.rows), static_cast<long long>(r.bytes),
                (r.ended_us - r.started_us) / 1e6, extra.c_str());
  }
  std::fprintf(stderr, "runs: %zu rows since %s (%s)\n", rows.size(), a.since.c_str(),
               log->table_root().c_str());
  return Status::OK();
}

}  // namespace

void AddServeCommands(CLI::App& app) {
  auto sargs = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand(
      "serve", "Run the stream continuously plus scheduled jobs, with /metrics /healthz /readyz");
  serve->add_option("--config", sargs->config, "Serve config (YAML)")->required();
  serve->add_option("--http", sargs->http, "Listen address, overrides the config (host:port)");
  serve->add_option("--port-file", sargs->port_file,
                    "Once listening, write the bound port here (listen on port 0 in tests)");
  serve->add_option("--refresh-config", sargs->refresh_config,
                    "OData refresh config (YAML or JSON, docs/odata.md); overrides the serve "
                    "config's refresh key");
  serve->callback([sargs] {
    Status st = RunServe(*sargs);
    if (!st.ok()) Fail(st);
  });

  auto rargs = std::make_shared<RunsArgs>();
  auto* runs = app.add_subcommand("runs", "Print the run log (batches and job runs)");
  runs->add_option("--config", rargs->config, "Serve config (for its state_dir)");
  runs->add_option("--state-dir", rargs->state_dir, "State directory (the run log's parent)");
  runs->add_option("--since", rargs->since, "How far back (e.g. 1h, 7d; default 30d)");
  runs->add_flag("--failed", rargs->failed, "Only failed runs");
  runs->callback([rargs] {
    Status st = PrintRuns(*rargs);
    if (!st.ok()) Fail(st);
  });
}

}  // namespace lakestream::cli
