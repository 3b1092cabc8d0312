// refresh_server: a standalone host for the refresh API and dashboard
// (src/refresh/refresh_api.h) on its own server::HttpServer (the one `lakestream
// serve` mounts it on), for the API and browser tests: no serve config, a
// test load gate. Binds 127.0.0.1 on a free port and writes the port to
// --port-file; stops on SIGTERM/SIGINT.
//   refresh_server --store DB --token T --dataflows F.json --dashboard-table GOLD
//                  [--stale-after-seconds N] [--test-load-gate] --port-file P
//   refresh_server --config refresh.json [--test-load-gate] --port-file P   (the file `serve` reads)
//
// --test-load-gate: a latch for tests that must see a refresh while it runs. Every load stops
// after its bronze commit (LoadOptions::fs through io::FaultInjectionFileSystem::AfterNth)
// until the test lets one through (POST /_test/gate/release, with the token); GET
// /_test/gate answers {"waiting": N, "passed": M}. Nothing sleeps: the test waits until a load
// is waiting, checks what it wants while the refresh surely runs, then releases it.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "io/fault_injection_file_system.h"
#include "odata/dataflow.h"
#include "odata/refresh_service.h"
#include "refresh/refresh_api.h"
#include "refresh/refresh_config.h"
#include "server/http_server.h"

namespace {

// The --test-load-gate latch. Thread-safety: any thread (loads and HTTP handlers).
struct LoadGate {
  std::mutex mu;
  std::condition_variable cv;
  int waiting = 0;  // loads stopped at the gate now
  int permits = 0;  // releases not yet used
  int passed = 0;   // loads let through so far

  lakestream::Status Pass() {
    std::unique_lock<std::mutex> lock(mu);
    ++waiting;
    cv.notify_all();
    // Bounded, so a test that forgets to release fails instead of hanging its ctest slot.
    const bool released =
        cv.wait_for(lock, std::chrono::minutes(5), [this] { return permits > 0; });
    --waiting;
    if (!released) {
      return lakestream::Status::Unavailable("refresh_server: load gate never released");
    }
    --permits;
    ++passed;
    return lakestream::Status::OK();
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu);
    ++permits;
    cv.notify_all();
  }
  std::string Json() {
    std::lock_guard<std::mutex> lock(mu);
    return "{\"waiting\": " + std::to_string(waiting) + ", \"passed\": " +
           std::to_string(passed) + "}";
  }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace lakestream;
  CLI::App app{"refresh API + dashboard test host"};
  std::string store_url, token, dataflows, table, port_file, config;
  int64_t stale_after = 1800, backoff_ms = 200;
  bool load_gate = false;
  app.add_option("--config", config, "refresh config file (refresh/refresh_config.h)");
  app.add_option("--store", store_url);
  app.add_option("--token", token);
  app.add_option("--dataflows", dataflows);
  app.add_option("--dashboard-table", table);
  app.add_option("--stale-after-seconds", stale_after);
  app.add_option("--retry-backoff-ms", backoff_ms);
  app.add_option("--port-file", port_file)->required();
  app.add_flag("--test-load-gate", load_gate,
               "hold every load after its bronze commit until POST /_test/gate/release");
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
  auto gate = std::make_shared<LoadGate>();
  if (load_gate) {
    // The loads' tables on the local disk through a wrapper that stops each load at the gate
    // just after its bronze commit landed. A gate that times out fails the load's next call.
    auto faults = std::make_shared<io::FaultInjectionFileSystem>(io::NewLocalFileSystem());
    io::FaultInjectionFileSystem* f = faults.get();
    faults->AfterNth(
        io::FsOp::kPutIfAbsent, 1,
        [gate, f] {
          Status passed = gate->Pass();
          if (!passed.ok()) f->FailPaths("", passed, 1);
        },
        "_bronze/_delta_log/", -1);
    cfg.load.fs = faults;
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
  if (load_gate) {
    server.Get("/_test/gate", [gate](const server::HttpRequest&) {
      return server::HttpResponse::Json(200, gate->Json());
    });
    server.Post("/_test/gate/release", [gate](const server::HttpRequest&) {
      gate->Release();
      return server::HttpResponse::Json(200, gate->Json());
    });
  }
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
