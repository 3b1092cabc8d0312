// CollectService: the collector as a long-running service: the Collector,
// its HttpListener, and the reload of write keys when the config file
// changes (its `sources` only; other settings need a restart and a change
// to them is logged as ignored). `lakestream collect` runs one; so does
// `serve` when its config names a collect config.
//
// Shutdown order: stop accepting and close connections, then the collector
// answers what is in flight (acknowledged or spooled) and stops.
//
// Thread-safety: Run from one thread; `stop` may be set from a signal
// handler. Ownership: owns the collector and the listener.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "collect/collect_config.h"
#include "collect/collector.h"
#include "collect/http_listener.h"

namespace lakestream::collect {

class CollectService {
 public:
  // Loads `config_path`, opens the spool and the producer, binds the port.
  static Result<std::unique_ptr<CollectService>> Start(const std::string& config_path,
                                                      metrics::Registry* registry = nullptr);
  ~CollectService();

  int port() const { return listener_->port(); }
  Collector& collector() { return *collector_; }

  // Blocks until `stop` is set, re-reading the config's sources every
  // second when its modification time changed. Returns OK after a clean stop.
  Status Run(const std::atomic<bool>* stop);
  // Re-reads the config file's sources now. The error names the file and key.
  Status Reload();
  void Stop();

 private:
  CollectService() = default;
  std::string path_;
  int64_t mtime_ms_ = 0;
  std::unique_ptr<Collector> collector_;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace lakestream::collect
