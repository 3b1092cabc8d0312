// The refresh config file of `lakestream serve` (serve.yaml `refresh: FILE`
// or --refresh-config FILE). YAML, or JSON as before (JSON is YAML's flow
// style; both are read by the one config reader, io/config_yaml.h):
//   metadata_store: sqlite:/var/lib/lakestream/meta.db   # or postgresql://...
//   dataflows: /etc/lakestream/dataflows.json            # optional
//   dashboard_table: /lake/gold/revenue_by_customer
//   sources: [orders]                                    # optional; default: all active
//   stale_after: 30m              # or stale_after_minutes: 30 (the older key)
//   runbook_url: https://wiki/runbooks/odata             # optional, in failure alerts
//   api_token_env: LAKESTREAM_API_TOKEN                  # the token is never in the file
//   schedule_check: 30s           # how often serve's odata-refresh job looks for
//                                 # sources whose schedule is due
// Unknown keys are errors naming the key. Source schedules live with the
// sources (`lakestream sources add --schedule "daily 03:30"`), in the one
// schedule syntax (common/schedule.h).
//
// Thread-safety: plain values and a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "odata/refresh_service.h"

namespace lakestream::refresh {

struct RefreshServeConfig {
  std::string metadata_store;
  std::string api_token;  // read from the environment variable the file names
  int64_t schedule_check_ms = 30000;
  odata::RefreshConfig service;
};

// Reads `path` through `fs` (the local disk when null). NotFound when the
// file cannot be read; InvalidArgument naming the file and the field for
// missing/ill-typed/unknown fields, an unset token variable, or a dataflow
// file that does not parse.
Result<RefreshServeConfig> LoadRefreshServeConfig(const std::string& path,
                                                  io::FileSystem* fs = nullptr);

}  // namespace lakestream::refresh
