// The operational endpoints every long-running command serves:
//   GET /metrics  the registry in the Prometheus text format (0.0.4)
//   GET /healthz  200 "ok" while the process serves requests (liveness)
//   GET /readyz   200 when every readiness check passes, else 503; the body
//                 is JSON: {"ready":false,"checks":{"stream":"no commit for ..."}}
// All three are Access::kPublic (no token) and answered on the server's
// health lane, also while every worker is busy.
// Also registers lakestream_process_start_time_seconds.
//
// Thread-safety: checks run on the server's worker threads, possibly
// concurrently; they must be thread-safe. Ownership: borrows the registry,
// which must outlive the server.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "metrics/registry.h"
#include "server/http_server.h"

namespace lakestream::server {

struct CheckResult {
  bool ok = false;
  std::string detail;  // "ok" or why not
};

struct ReadinessCheck {
  std::string name;
  std::function<CheckResult()> check;
};

void MountObservability(HttpServer* server, metrics::Registry* registry,
                        std::vector<ReadinessCheck> checks);

// Runs the checks: the /readyz status code and body.
HttpResponse ReadinessResponse(const std::vector<ReadinessCheck>& checks);

}  // namespace lakestream::server
