// The refresh API and dashboard, mountable on any cpp-httplib server (the
// `lakestream serve` HttpServer mounts it through raw()):
//   GET  /dashboard              the dashboard page (assets embedded in the binary)
//   GET  /dashboard/app.js       its script
//   POST /api/refresh            {"sources": [...]?, "force": bool?} -> 202 {"id", "status_url"};
//                                409 while one runs, 409 when the data is fresh (no force)
//   GET  /api/runs/{id}          a refresh (r...) or one load run (numeric id)
//   GET  /api/status             freshness, running refresh, history, errors
//   GET  /api/data               the dashboard rows (gold table snapshot)
// Every /api route needs the API token (Authorization: Bearer T or
// X-API-Token: T); the page itself is public and asks for the token
// (taken from the URL fragment #token=T, kept in sessionStorage).
//
// Thread-safety: handlers run on httplib's worker threads; RefreshService
// is thread-safe. Ownership: the server keeps references to `service`,
// which must outlive it.
#pragma once

#include <string>

#include "common/status.h"
#include "odata/refresh_service.h"

namespace httplib {
class Server;
}

namespace lakestream::refresh {

// InvalidArgument for an empty token.
Status MountRefreshApi(httplib::Server& server, odata::RefreshService& service,
                       const std::string& api_token);

// The embedded assets (dashboard_assets.cc).
const std::string& DashboardHtml();
const std::string& DashboardJs();

}  // namespace lakestream::refresh
