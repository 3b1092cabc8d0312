// RefreshModule: the OData refresh as `lakestream serve` runs it. Owns the
// metadata store, the HTTP client and the RefreshService built from the
// refresh config file (refresh_config.h) and mounts the API and dashboard
// on serve's server. It has no thread of its own: serve's scheduler runs
// the source schedules as the odata-refresh job (serve/odata_refresh_job.h).
//
// Thread-safety: Make and Mount from one thread; the service is thread-safe;
// the destructor waits for a running refresh. Ownership: owns everything it
// builds; the server must stop before the module is destroyed (its routes
// reference the service).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "odata/metadata_store.h"
#include "odata/refresh_service.h"
#include "refresh/refresh_config.h"
#include "server/http_server.h"

namespace lakestream::refresh {

class RefreshModule {
 public:
  // Reads the config, opens the metadata store. `hooks` supplies on_failure
  // and on_finish (serve's notifier, run log and metrics); its other fields
  // are ignored.
  static Result<std::unique_ptr<RefreshModule>> Make(const std::string& config_path,
                                                     const odata::RefreshConfig& hooks);
  ~RefreshModule();

  // Mounts the API and dashboard (refresh_api.h). InvalidArgument when the
  // server has no API token.
  Status Mount(server::HttpServer& server);
  const RefreshServeConfig& config() const { return config_; }
  odata::RefreshService& service() { return *service_; }

 private:
  RefreshModule() = default;

  RefreshServeConfig config_;
  std::unique_ptr<odata::MetadataStore> store_;
  std::unique_ptr<odata::HttpClient> http_;
  std::unique_ptr<odata::RefreshService> service_;
};

}  // namespace lakestream::refresh
