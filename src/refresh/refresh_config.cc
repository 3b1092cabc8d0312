// Loading the refresh API's configuration file.
#include "refresh/refresh_config.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/redact.h"

namespace lakestream::refresh {

Result<RefreshServeConfig> LoadRefreshServeConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("refresh config: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("refresh config " + path + ": " + what);
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  auto str = [&](const char* k, std::string* out, bool required) -> Status {
    if (!j.contains(k)) return required ? bad(std::string(k) + " is required") : Status::OK();
    if (!j[k].is_string()) return bad(std::string(k) + " must be a string");
    *out = j[k].get<std::string>();
    return Status::OK();
  };
  RefreshServeConfig c;
  RETURN_IF_ERROR(str("metadata_store", &c.metadata_store, true));
  RETURN_IF_ERROR(str("dashboard_table", &c.service.dashboard_table, true));
  std::string flows, token_env = "LAKESTREAM_API_TOKEN";
  RETURN_IF_ERROR(str("dataflows", &flows, false));
  RETURN_IF_ERROR(str("api_token_env", &token_env, false));
  RETURN_IF_ERROR(str("runbook_url", &c.service.runbook_url, false));
  if (j.contains("sources")) {
    if (!j["sources"].is_array()) return bad("sources must be an array of source ids");
    for (const auto& s : j["sources"]) {
      if (!s.is_string()) return bad("sources must be an array of source ids");
      c.service.sources.push_back(s.get<std::string>());
    }
  }
  if (j.contains("stale_after_minutes")) {
    if (!j["stale_after_minutes"].is_number() || j["stale_after_minutes"].get<double>() <= 0) {
      return bad("stale_after_minutes must be a positive number");
    }
    c.service.stale_after_ms =
        static_cast<int64_t>(j["stale_after_minutes"].get<double>() * 60 * 1000);
  }
  const char* token = std::getenv(token_env.c_str());
  if (!token || !*token) return bad("the API token variable " + token_env + " is not set");
  c.api_token = token;
  RegisterSecret(c.api_token);  // never in a message (common/redact.h)
  if (!flows.empty()) {
    Result<std::vector<odata::Dataflow>> f = odata::LoadDataflows(flows);
    if (!f.ok()) return f.status().WithContext("refresh config " + path);
    c.service.dataflows = std::move(f).value();
  }
  return c;
}

}  // namespace lakestream::refresh
