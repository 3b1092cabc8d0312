// refresh_server: a standalone host for the refresh API and dashboard
// (src/refresh/refresh_api.h) on its own server::HttpServer (the one `lakestream
// serve` mounts it on), for the API and browser tests: no serve config, a
// test load delay. Binds 127.0.0.1 on a free port and writes the port to
// --port-file; stops on SIGTERM/SIGINT.
//   refresh_server --store DB --token T --dataflows F.json --dashboard-table GOLD
//                  [--stale-after-seconds N] --port-file P
//   refresh_server --config refresh.json --port-file P   (the file `serve` reads)
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "odata/dataflow.h"
#include "odata/refresh_service.h"
#include "refresh/refresh_api.h"
#include "refresh/refresh_config.h"
#include "server/http_server.h"

int main(int argc, char** argv) {
  using namespace lakestream;
  CLI::App app{"refresh API + dashboard test host"};
  std::string store_url, token, dataflows, table, port_file, config;
  int64_t stale_after = 1800, backoff_ms = 200, load_delay_ms = 0;
  app.add_option("--config", config, "refresh config file (refresh/refresh_config.h)");
  app.add_option("--store", store_url);
  app.add_option("--token", token);
  app.add_option("--dataflows", dataflows);
  app.add_option("--dashboard-table", table);
  app.add_option("--stale-after-seconds", stale_after);
  app.add_option("--retry-backoff-ms", backoff_ms);
  app.add_option("--port-file", port_file)->required();
  app.add_option("--test-load-delay-ms", load_delay_ms,
                 "sleep between the bronze and silver commits (to observe a running refresh)");
  CLI11_PARSE(app, argc, argv);

  odata::RefreshConfig cfg;
  cfg.dashboard_table = table;
  cfg.stale_after_ms = stale_after * 1000;
  if (!config.empty()) {
    auto c = refresh::LoadRefreshServeConfig(config);
    if (!c.ok()) {
      std::cerr << c.status().ToString() << "\n";
      return 2;
    }
    store_url = c->metadata_store;
    token = c->api_token;
    cfg = c->service;
  } else if (store_url.empty() || token.empty() || table.empty()) {
    std::cerr << "refresh_server: give --config, or --store, --token and --dashboard-table\n";
    return 2;
  }
  auto store = odata::MetadataStore::Open(store_url);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  auto http = odata::MakeCurlHttpClient();
  cfg.load.retry.initial_backoff_ms = backoff_ms;
  cfg.load.whole_load_backoff_ms = backoff_ms;
  if (load_delay_ms > 0) {
    cfg.load.after_bronze_commit = [load_delay_ms] {
      std::this_thread::sleep_for(std::chrono::milliseconds(load_delay_ms));
      return Status::OK();
    };
  }
  cfg.on_failure = [](const std::string& subject, const std::string& body) {
    std::cerr << "ALERT: " << subject << ": " << body << "\n";
  };
  if (config.empty() && !dataflows.empty()) {
    auto flows = odata::LoadDataflows(dataflows);
    if (!flows.ok()) {
      std::cerr << flows.status().ToString() << "\n";
      return 1;
    }
    cfg.dataflows = *flows;
  }
  // SIGTERM/SIGINT are taken with sigwait below, on this thread only.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  odata::RefreshService service(**store, *http, cfg);
  server::HttpServer server;
  server.SetApiToken(token);
  Status s = refresh::MountRefreshApi(server, service);
  if (s.ok()) s = server.Start("127.0.0.1:0");
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  {
    std::ofstream out(port_file + ".tmp");
    out << server.port() << "\n";
  }
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  int sig = 0;
  sigwait(&stop_signals, &sig);
  server.Stop();
  service.Wait();
  return 0;
}
