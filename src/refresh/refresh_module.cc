// RefreshModule: config -> store -> service -> routes.
#include "refresh/refresh_module.h"

#include "refresh/refresh_api.h"

namespace lakestream::refresh {

Result<std::unique_ptr<RefreshModule>> RefreshModule::Make(const std::string& config_path,
                                                           const odata::RefreshConfig& hooks) {
  std::unique_ptr<RefreshModule> m(new RefreshModule());
  ASSIGN_OR_RETURN(m->config_, LoadRefreshServeConfig(config_path));
  ASSIGN_OR_RETURN(m->store_, odata::MetadataStore::Open(m->config_.metadata_store));
  m->http_ = odata::MakeCurlHttpClient();
  odata::RefreshConfig sc = m->config_.service;
  sc.on_failure = hooks.on_failure;
  sc.on_finish = hooks.on_finish;
  m->service_ = std::make_unique<odata::RefreshService>(*m->store_, *m->http_, sc);
  return m;
}

RefreshModule::~RefreshModule() {
  if (service_) service_->Wait();
}

Status RefreshModule::Mount(server::HttpServer& server) {
  return MountRefreshApi(server, *service_);
}

}  // namespace lakestream::refresh
