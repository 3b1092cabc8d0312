// The refresh API's configuration file for `lakestream serve` (JSON):
//   {"metadata_store": "sqlite:/var/lib/lakestream/meta.db",   // or postgresql://...
//    "dataflows": "/etc/lakestream/dataflows.json",            // optional
//    "dashboard_table": "/lake/gold/revenue_by_customer",
//    "sources": ["orders"],                                    // optional; default: all active
//    "stale_after_minutes": 30,
//    "runbook_url": "https://wiki/runbooks/odata",              // optional, in failure alerts
//    "api_token_env": "LAKESTREAM_API_TOKEN"}                   // the token is never in the file
//
// Thread-safety: plain values and a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "odata/refresh_service.h"

namespace lakestream::refresh {

struct RefreshServeConfig {
  std::string metadata_store;
  std::string api_token;  // read from the environment variable the file names
  odata::RefreshConfig service;
};

// InvalidArgument naming the field for missing/ill-typed fields, an unset
// token variable, or a dataflow file that does not parse.
Result<RefreshServeConfig> LoadRefreshServeConfig(const std::string& path);

}  // namespace lakestream::refresh
