// `lakestream collect --config FILE`: the HTTP event collector (src/collect,
// docs/collector.md): devices post events, the collector puts them into
// Kafka / Event Hubs and answers only when they are durable.
#include <atomic>
#include <csignal>

#include "cli/commands.h"
#include "collect/collect_service.h"

namespace lakestream::cli {
namespace {

std::atomic<bool> g_collect_stop{false};
void OnCollectSignal(int) { g_collect_stop.store(true); }

struct CollectArgs {
  std::string config;
  std::string port_file;
};

Status RunCollect(const CollectArgs& args) {
  ASSIGN_OR_RETURN(auto service, collect::CollectService::Start(args.config));
  if (!args.port_file.empty()) RETURN_IF_ERROR(WritePortFile(args.port_file, service->port()));
  std::signal(SIGINT, OnCollectSignal);
  std::signal(SIGTERM, OnCollectSignal);
  return service->Run(&g_collect_stop);
}

}  // namespace

void AddCollectCommands(CLI::App& app) {
  auto args = std::make_shared<CollectArgs>();
  auto* cmd = app.add_subcommand(
      "collect", "HTTP event collector: devices -> Kafka / Event Hubs, acknowledged when durable");
  cmd->add_option("--config", args->config, "Collector config (YAML, docs/collector.md)")->required();
  cmd->add_option("--port-file", args->port_file,
                  "Once listening, write the bound port here (listen on port 0 in tests)");
  cmd->callback([args] {
    Status st = RunCollect(*args);
    if (!st.ok()) Fail(st);
  });
}

}  // namespace lakestream::cli
