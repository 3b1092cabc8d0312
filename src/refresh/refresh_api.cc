// Refresh API routes over RefreshService.
#include "refresh/refresh_api.h"

#include <nlohmann/json.hpp>

namespace lakestream::refresh {
namespace {

using server::HttpRequest;
using server::HttpResponse;

HttpResponse SendJson(int status, const nlohmann::json& body) {
  HttpResponse r = HttpResponse::Json(status, body.dump());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse SendError(const Status& s) {
  int code = 500;
  if (s.IsNotFound())
    code = 404;
  else if (s.IsConflict())
    code = 409;
  else if (s.IsInvalidArgument())
    code = 400;
  else if (s.IsUnavailable())
    code = 503;
  return SendJson(code, {{"error", s.ToString()}});
}

HttpResponse StartRefresh(odata::RefreshService& service, const HttpRequest& req) {
  std::vector<std::string> sources;
  bool force = false;
  if (!req.body.empty()) {
    nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return SendJson(400, {{"error", "body must be a JSON object"}});
    }
    if (j.contains("sources")) {
      if (!j["sources"].is_array()) {
        return SendJson(400, {{"error", "\"sources\" must be an array of source ids"}});
      }
      for (const auto& s : j["sources"]) {
        if (!s.is_string()) return SendJson(400, {{"error", "source ids are strings"}});
        sources.push_back(s.get<std::string>());
      }
    }
    if (j.contains("force")) force = j["force"].is_boolean() && j["force"].get<bool>();
  }
  auto id = service.Start(sources, force);
  // Conflict (409) for a running refresh and for fresh data without force.
  if (!id.ok()) return SendError(id.status());
  return SendJson(202, {{"id", *id}, {"status_url", "/api/runs/" + *id}});
}

}  // namespace

Status MountRefreshApi(server::HttpServer& server, odata::RefreshService& service) {
  if (!server.has_api_token()) {
    return Status::InvalidArgument("refresh api: an API token is required");
  }
  server.Get(
      "/dashboard",
      [](const HttpRequest&) {
        HttpResponse r = HttpResponse::Text(200, DashboardHtml());
        r.content_type = "text/html; charset=utf-8";
        return r;
      },
      server::Access::kPublic);
  server.Get(
      "/dashboard/app.js",
      [](const HttpRequest&) {
        HttpResponse r = HttpResponse::Text(200, DashboardJs());
        r.content_type = "application/javascript; charset=utf-8";
        return r;
      },
      server::Access::kPublic);
  server.Get("/api/status", [&service](const HttpRequest&) {
    auto s = service.Status();
    return s.ok() ? SendJson(200, *s) : SendError(s.status());
  });
  server.Get("/api/data", [&service](const HttpRequest&) {
    auto d = service.Data();
    return d.ok() ? SendJson(200, *d) : SendError(d.status());
  });
  server.Post("/api/refresh",
              [&service](const HttpRequest& req) { return StartRefresh(service, req); });
  server.Get("/api/runs/{id}", [&service](const HttpRequest& req) {
    auto r = service.Get(req.path_params.at("id"));
    return r.ok() ? SendJson(200, *r) : SendError(r.status());
  });
  return Status::OK();
}

}  // namespace lakestream::refresh
