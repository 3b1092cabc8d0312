// refresh_server: a standalone host for the refresh API and dashboard
// (src/refresh/refresh_api.h) on its own httplib::Server, for the API and
// browser tests until `lakestream serve` mounts the module. Binds 127.0.0.1
// on a free port and writes the port to --port-file.
//   refresh_server --store DB --token T --dataflows F.json --dashboard-table GOLD
//                  [--stale-after-seconds N] --port-file P
//   refresh_server --config refresh.json --port-file P   (the file `serve` reads)
#include <httplib.h>

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

namespace {
httplib::Server* g_server = nullptr;
void OnSignal(int) {
  if (g_server) g_server->stop();
}
}  // namespace

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
  odata::RefreshService service(**store, *http, cfg);
  httplib::Server server;
  Status s = refresh::MountRefreshApi(server, service, token);
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::cerr << "refresh_server: cannot bind 127.0.0.1\n";
    return 1;
  }
  {
    std::ofstream out(port_file + ".tmp");
    out << port << "\n";
  }
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  g_server = &server;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  server.listen_after_bind();
  service.Wait();
  return 0;
}
