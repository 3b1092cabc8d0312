// The refresh API and dashboard, mounted through the server's route API
// (server/http_server.h) on `lakestream serve`'s HttpServer (or any other):
//   GET  /dashboard              the dashboard page (assets embedded in the binary; public)
//   GET  /dashboard/app.js       its script (public)
//   POST /api/refresh            {"sources": [...]?, "force": bool?} -> 202 {"id", "status_url"};
//                                409 while one runs, 409 when the data is fresh (no force)
//   GET  /api/runs/{id}          a refresh (r...) or one load run (numeric id)
//   GET  /api/status             freshness, running refresh, history, errors
//   GET  /api/data               the dashboard rows (gold table snapshot)
// Every /api route needs the server's API token (Authorization: Bearer T or
// X-API-Token: T); the page itself is public and asks for the token (taken
// from the URL fragment #token=T, kept in sessionStorage).
//
// Thread-safety: handlers run on the server's worker threads; RefreshService
// is thread-safe. Ownership: the server keeps references to `service`,
// which must outlive it (stop the server first).
#pragma once

#include <string>

#include "common/status.h"
#include "odata/refresh_service.h"
#include "server/http_server.h"

namespace lakestream::refresh {

// Before server.Start(). InvalidArgument when the server has no API token:
// the refresh API is never mounted without one.
Status MountRefreshApi(server::HttpServer& server, odata::RefreshService& service);

// The embedded assets (dashboard_assets.cc).
const std::string& DashboardHtml();
const std::string& DashboardJs();

}  // namespace lakestream::refresh
