// RefreshModule: the refresh API as `lakestream serve` runs it. Owns the
// metadata store, the HTTP client and the RefreshService built from the
// refresh config file (refresh_config.h), mounts the API and dashboard on the
// server, and ticks the source schedules (RunDueSchedules) on a thread.
//
// Thread-safety: Make, Mount and StartScheduler from one thread; the
// destructor stops the tick thread and waits for a running refresh.
// Ownership: owns everything it builds; the server must stop before the
// module is destroyed (its routes reference the service).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "odata/metadata_store.h"
#include "odata/refresh_service.h"
#include "refresh/refresh_config.h"

namespace httplib {
class Server;
}

namespace lakestream::refresh {

class RefreshModule {
 public:
  using Alert = std::function<void(const std::string& subject, const std::string& body)>;
  // Reads the config, opens the metadata store. `alert` receives failed
  // refreshes (serve passes its notifier); may be empty.
  static Result<std::unique_ptr<RefreshModule>> Make(const std::string& config_path, Alert alert);
  ~RefreshModule();

  Status Mount(httplib::Server& server);
  // Calls RunDueSchedules every `tick_ms` until destruction.
  void StartScheduler(int64_t tick_ms = 30000);
  odata::RefreshService& service() { return *service_; }

 private:
  RefreshModule() = default;

  RefreshServeConfig config_;
  std::unique_ptr<odata::MetadataStore> store_;
  std::unique_ptr<odata::HttpClient> http_;
  std::unique_ptr<odata::RefreshService> service_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace lakestream::refresh
