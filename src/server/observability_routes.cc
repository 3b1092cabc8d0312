#include "server/observability_routes.h"

#include <chrono>

#include "common/clock.h"
#include "common/json_escape.h"

namespace lakestream::server {

HttpResponse ReadinessResponse(const std::vector<ReadinessCheck>& checks) {
  bool all = true;
  std::string body = "{\"checks\":{";
  for (size_t i = 0; i < checks.size(); ++i) {
    CheckResult r = checks[i].check();
    all = all && r.ok;
    if (i > 0) body += ',';
    AppendJsonString(checks[i].name, &body);
    body += ':';
    AppendJsonString(r.ok ? "ok" : r.detail, &body);
  }
  body += "},\"ready\":";
  body += all ? "true" : "false";
  body += "}\n";
  return HttpResponse::Json(all ? 200 : 503, std::move(body));
}

void MountObservability(HttpServer* server, metrics::Registry* registry,
                        std::vector<ReadinessCheck> checks) {
  Result<metrics::GaugeFamily*> start =
      registry->AddGauge("lakestream_process_start_time_seconds", "Process start time");
  if (start.ok()) {
    (*start)->WithLabels({}).Set(
        static_cast<double>(RealClock()->NowMicros()) / 1e6);
  }
  server->Get("/metrics", [registry](const HttpRequest&) {
    HttpResponse r = HttpResponse::Text(200, registry->Expose());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  }, Access::kPublic);
  server->Get(
      "/healthz", [](const HttpRequest&) { return HttpResponse::Text(200, "ok\n"); },
      Access::kPublic);
  server->Get(
      "/readyz",
      [checks = std::move(checks)](const HttpRequest&) { return ReadinessResponse(checks); },
      Access::kPublic);
}

}  // namespace lakestream::server
