// OData's HTTP seam is io::HttpClient (io/http_client.h): the same pooled
// libcurl client, timeouts and TLS as the storage backends. This header
// brings those names into odata and adds SendWithRetry for OData calls,
// which retries 408, 429, 5xx, timeouts and dropped connections under a
// common RetryPolicy (common/retry.h: backoff, full jitter, Retry-After as
// seconds or an HTTP date, attempts, deadline).
//
// Request headers may carry credentials: they are never logged and never
// appear in error messages; URLs in messages are redacted (no userinfo).
//
// Thread-safety and ownership: as io::HttpClient.
#pragma once

#include <cstdint>
#include <string>

#include "common/retry.h"
#include "common/status.h"
#include "io/http_client.h"

namespace lakestream::odata {

using io::HttpClient;
using io::HttpRequest;
using io::HttpResponse;
using io::MakeCurlHttpClient;

// 408, 429, 500, 502, 503, 504.
inline bool IsRetryableStatus(long status) { return io::IsRetryableHttpStatus(status); }
// The Retry-After delay in ms (delta-seconds or an IMF-fixdate), or -1.
inline int64_t ParseRetryAfter(const std::string& value, int64_t now_ms) {
  return io::ParseRetryAfter(value, now_ms);
}

// Sends with retries (policy.max_attempts in all; its on_retry hears each
// retry's reason, e.g. "HTTP 503 from <url>"). Returns the last response
// (which may still be a retryable status when the attempts ran out) or the
// last transport error; messages carry the URL without userinfo.
Result<HttpResponse> SendWithRetry(HttpClient& client, const HttpRequest& request,
                                   const RetryPolicy& policy);

}  // namespace lakestream::odata
