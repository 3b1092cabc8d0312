// Refresh API routes over RefreshService.
#include "refresh/refresh_api.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace lakestream::refresh {
namespace {

bool TokenMatches(const std::string& given, const std::string& want) {
  // Constant time in the token's length.
  if (given.size() != want.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < want.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ want[i]);
  return diff == 0;
}

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& res, const Status& s) {
  int code = 500;
  if (s.IsNotFound())
    code = 404;
  else if (s.IsConflict())
    code = 409;
  else if (s.IsInvalidArgument())
    code = 400;
  else if (s.IsUnavailable())
    code = 503;
  SendJson(res, code, {{"error", s.ToString()}});
}

}  // namespace

Status MountRefreshApi(httplib::Server& server, odata::RefreshService& service,
                       const std::string& api_token) {
  if (api_token.empty()) {
    return Status::InvalidArgument("refresh api: an API token is required");
  }
  auto authorized = [api_token](const httplib::Request& req, httplib::Response& res) {
    std::string given = req.get_header_value("X-API-Token");
    std::string auth = req.get_header_value("Authorization");
    if (given.empty() && auth.rfind("Bearer ", 0) == 0) given = auth.substr(7);
    if (TokenMatches(given, api_token)) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    SendJson(res, 401, {{"error", "missing or wrong API token"}});
    return false;
  };
  server.Get("/dashboard", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(DashboardHtml(), "text/html; charset=utf-8");
  });
  server.Get("/dashboard/app.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(DashboardJs(), "application/javascript; charset=utf-8");
  });
  server.Get("/api/status",
             [&service, authorized](const httplib::Request& req, httplib::Response& res) {
               if (!authorized(req, res)) return;
               auto s = service.Status();
               if (!s.ok()) return SendError(res, s.status());
               SendJson(res, 200, *s);
             });
  server.Get("/api/data",
             [&service, authorized](const httplib::Request& req, httplib::Response& res) {
               if (!authorized(req, res)) return;
               auto d = service.Data();
               if (!d.ok()) return SendError(res, d.status());
               SendJson(res, 200, *d);
             });
  server.Post(
      "/api/refresh", [&service, authorized](const httplib::Request& req, httplib::Response& res) {
        if (!authorized(req, res)) return;
        std::vector<std::string> sources;
        bool force = false;
        if (!req.body.empty()) {
          nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
          if (j.is_discarded() || !j.is_object()) {
            return SendJson(res, 400, {{"error", "body must be a JSON object"}});
          }
          if (j.contains("sources")) {
            if (!j["sources"].is_array()) {
              return SendJson(res, 400, {{"error", "\"sources\" must be an array of source ids"}});
            }
            for (const auto& s : j["sources"]) {
              if (!s.is_string()) return SendJson(res, 400, {{"error", "source ids are strings"}});
              sources.push_back(s.get<std::string>());
            }
          }
          if (j.contains("force")) force = j["force"].is_boolean() && j["force"].get<bool>();
        }
        auto id = service.Start(sources, force);
        // Conflict (409) for a running refresh and for fresh data without force.
        if (!id.ok()) return SendError(res, id.status());
        SendJson(res, 202, {{"id", *id}, {"status_url", "/api/runs/" + *id}});
      });
  server.Get(R"(/api/runs/([A-Za-z0-9_-]+))",
             [&service, authorized](const httplib::Request& req, httplib::Response& res) {
               if (!authorized(req, res)) return;
               std::string id = req.matches[1];
               auto r = service.Get(id);
               if (!r.ok()) return SendError(res, r.status());
               SendJson(res, 200, *r);
             });
  return Status::OK();
}

}  // namespace lakestream::refresh
