#include "collect/collect_service.h"

#include <chrono>
#include <thread>

#include "common/logger.h"
#include "io/file_system.h"

namespace lakestream::collect {
namespace {

int64_t MtimeMs(const std::string& path) {
  auto info = io::NewLocalFileSystem()->Stat(path);
  return info.ok() ? info->mtime_ms : 0;
}

}  // namespace

Result<std::unique_ptr<CollectService>> CollectService::Start(const std::string& config_path,
                                                             metrics::Registry* registry) {
  auto s = std::unique_ptr<CollectService>(new CollectService());
  s->path_ = config_path;
  s->mtime_ms_ = MtimeMs(config_path);
  ASSIGN_OR_RETURN(CollectConfig cfg, LoadCollectConfig(nullptr, config_path));
  Collector::Options co;
  co.registry = registry;
  ASSIGN_OR_RETURN(s->collector_, Collector::Make(cfg, co));
  HttpListener::Options lo;
  lo.host = cfg.listen_host;
  lo.port = cfg.listen_port;
  lo.threads = cfg.threads;
  lo.max_connections = cfg.max_connections;
  lo.header_timeout_ms = cfg.header_timeout_ms;
  lo.body_timeout_ms = cfg.body_timeout_ms;
  lo.idle_timeout_ms = cfg.idle_timeout_ms;
  lo.max_body_bytes = cfg.max_batch_bytes;
  Collector* c = s->collector_.get();
  ASSIGN_OR_RETURN(s->listener_,
                   HttpListener::Start(lo, [c](HttpRequest r, Respond done) { c->Handle(std::move(r), std::move(done)); },
                                       &c->registry()));
  DefaultLogger().Info("collect", "listening",
                       {{"address", cfg.listen_host + ":" + std::to_string(s->listener_->port())},
                        {"collector_id", cfg.collector_id},
                        {"sources", std::to_string(cfg.sources.size())},
                        {"spool", cfg.spool_dir}});
  return s;
}

CollectService::~CollectService() { Stop(); }

Status CollectService::Reload() {
  ASSIGN_OR_RETURN(CollectConfig cfg, LoadCollectConfig(nullptr, path_));
  size_t n = cfg.sources.size();
  collector_->ReloadSources(std::move(cfg.sources));
  DefaultLogger().Info("collect", "write keys reloaded", {{"sources", std::to_string(n)}});
  return Status::OK();
}

Status CollectService::Run(const std::atomic<bool>* stop) {
  int ticks = 0;
  while (!stop->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (++ticks % 10 != 0) continue;
    int64_t m = MtimeMs(path_);
    if (m == mtime_ms_) continue;
    mtime_ms_ = m;
    Status st = Reload();
    if (!st.ok()) {
      DefaultLogger().Error("collect", "config changed but cannot be read; keeping the old keys",
                            {{"error", st.message()}});
    }
  }
  Stop();
  return Status::OK();
}

void CollectService::Stop() {
  if (listener_) listener_->Stop();
  if (collector_) collector_->Stop();
}

}  // namespace lakestream::collect
