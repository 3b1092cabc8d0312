// RefreshModule: config -> store -> service -> routes + schedule ticks.
#include "refresh/refresh_module.h"

#include <chrono>
#include <cstdio>

#include "refresh/refresh_api.h"

namespace lakestream::refresh {

Result<std::unique_ptr<RefreshModule>> RefreshModule::Make(const std::string& config_path,
                                                           Alert alert) {
  std::unique_ptr<RefreshModule> m(new RefreshModule());
  ASSIGN_OR_RETURN(m->config_, LoadRefreshServeConfig(config_path));
  ASSIGN_OR_RETURN(m->store_, odata::MetadataStore::Open(m->config_.metadata_store));
  m->http_ = odata::MakeCurlHttpClient();
  odata::RefreshConfig sc = m->config_.service;
  sc.on_failure = std::move(alert);
  m->service_ = std::make_unique<odata::RefreshService>(*m->store_, *m->http_, sc);
  return m;
}

RefreshModule::~RefreshModule() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  if (service_) service_->Wait();
}

Status RefreshModule::Mount(httplib::Server& server) {
  return MountRefreshApi(server, *service_, config_.api_token);
}

void RefreshModule::StartScheduler(int64_t tick_ms) {
  ticker_ = std::thread([this, tick_ms] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      Result<std::string> id = service_->RunDueSchedules();
      if (!id.ok()) {
        std::fprintf(stderr, "refresh: schedule tick: %s\n", id.status().ToString().c_str());
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(tick_ms), [this] { return stop_; });
    }
  });
}

}  // namespace lakestream::refresh
