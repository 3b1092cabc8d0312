// Loading the refresh config file.
#include "refresh/refresh_config.h"


#include "io/config_yaml.h"
#include "io/credentials.h"

namespace lakestream::refresh {
namespace {

Status Parse(const YAML::Node& root, RefreshServeConfig* c, std::string* flows) {
  const io::ConfigReader r("refresh config");
  RETURN_IF_ERROR(r.CheckKeys(root, "",
                              {"metadata_store", "dataflows", "dashboard_table", "sources",
                               "stale_after", "stale_after_minutes", "runbook_url",
                               "api_token_env", "schedule_check"}));
  for (const char* k : {"metadata_store", "dashboard_table"}) {
    if (!root[k]) return Status::InvalidArgument(std::string("refresh config: ") + k + " is required");
  }
  ASSIGN_OR_RETURN(c->metadata_store, r.String(root["metadata_store"], "metadata_store"));
  ASSIGN_OR_RETURN(c->service.dashboard_table, r.String(root["dashboard_table"], "dashboard_table"));
  if (root["dataflows"]) {
    ASSIGN_OR_RETURN(*flows, r.String(root["dataflows"], "dataflows"));
  }
  if (root["runbook_url"]) {
    ASSIGN_OR_RETURN(c->service.runbook_url, r.String(root["runbook_url"], "runbook_url"));
  }
  if (root["sources"]) {
    ASSIGN_OR_RETURN(c->service.sources, r.StringList(root["sources"], "sources"));
  }
  if (root["stale_after"] && root["stale_after_minutes"]) {
    return r.Bad("stale_after", "give stale_after or stale_after_minutes, not both");
  }
  if (root["stale_after"]) {
    ASSIGN_OR_RETURN(c->service.stale_after_ms, r.DurationMs(root["stale_after"], "stale_after"));
    if (c->service.stale_after_ms <= 0) return r.Bad("stale_after", "must be positive");
  }
  if (root["stale_after_minutes"]) {
    Result<double> m = r.Double(root["stale_after_minutes"], "stale_after_minutes");
    if (!m.ok() || *m <= 0) {
      return r.Bad("stale_after_minutes", "stale_after_minutes must be a positive number");
    }
    c->service.stale_after_ms = static_cast<int64_t>(*m * 60 * 1000);
  }
  if (root["schedule_check"]) {
    ASSIGN_OR_RETURN(c->schedule_check_ms,
                     r.DurationMs(root["schedule_check"], "schedule_check"));
    if (c->schedule_check_ms <= 0) return r.Bad("schedule_check", "must be positive");
  }
  std::string token_env = "LAKESTREAM_API_TOKEN";
  if (root["api_token_env"]) {
    ASSIGN_OR_RETURN(token_env, r.String(root["api_token_env"], "api_token_env"));
  }
  // The resolver registers the token, so it never reaches a message (common/redact.h).
  Result<std::string> token = io::CredentialResolver().Secret("the API token", token_env);
  if (!token.ok()) return r.Bad("api_token_env", token.status().message());
  c->api_token = std::move(*token);
  return Status::OK();
}

}  // namespace

Result<RefreshServeConfig> LoadRefreshServeConfig(const std::string& path, io::FileSystem* fs) {
  ASSIGN_OR_RETURN(std::string text, io::ReadConfigFile(fs, path));
  RefreshServeConfig c;
  std::string flows;
  Status st;
  Result<YAML::Node> root = io::LoadYaml(text, "refresh config");
  st = root.ok() ? Parse(*root, &c, &flows) : root.status();
  if (!st.ok()) return st.WithContext(path);
  if (!flows.empty()) {
    Result<std::vector<odata::Dataflow>> f = odata::LoadDataflows(flows, fs);
    if (!f.ok()) return f.status().WithContext("refresh config " + path);
    c.service.dataflows = std::move(f).value();
  }
  return c;
}

}  // namespace lakestream::refresh
