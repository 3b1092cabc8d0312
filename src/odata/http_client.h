// HttpClient: the HTTP seam of the OData client, a libcurl implementation,
// and SendWithRetry, which retries one call on 429, 5xx, timeouts and
// dropped connections with exponential backoff and full jitter, honoring
// Retry-After (seconds or an HTTP date), up to RetryPolicy::max_retries.
//
// Transport failures (connect refused, timeout, connection cut mid-body)
// are Unavailable; any HTTP status is a successful Send (the caller looks
// at the status). Request headers may carry credentials: they are never
// logged and never appear in error messages.
//
// Thread-safety: CurlHttpClient may be used from several threads (one curl
// easy handle per call). Ownership: plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace lakestream::odata {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t timeout_ms = 60000;
  int64_t connect_timeout_ms = 10000;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Unavailable for transport failures; the message names method and URL
  // (without userinfo), never headers.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpClient> MakeCurlHttpClient();

struct RetryPolicy {
  int max_retries = 3;               // retries after the first attempt
  int64_t initial_backoff_ms = 500;  // doubled each retry, full jitter
  int64_t max_backoff_ms = 20000;
  int64_t max_retry_after_ms = 60000;  // Retry-After above this is capped
  int64_t request_timeout_ms = 60000;  // per attempt (a timeout is retried)
  // Sleeps; tests record the delays instead of sleeping.
  std::function<void(int64_t ms)> sleep;
  // Called before each retry with the reason (for run progress notes).
  std::function<void(int attempt, const std::string& reason)> on_retry;
};

bool IsRetryableStatus(int status);  // 408, 429, 500, 502, 503, 504
// The Retry-After delay in ms (delta-seconds or an IMF-fixdate), or -1.
int64_t ParseRetryAfter(const std::string& value, int64_t now_ms);

// Sends with retries. Returns the last response (which may still be a
// retryable status when retries ran out) or the last transport error.
Result<HttpResponse> SendWithRetry(HttpClient& client, const HttpRequest& request,
                                   const RetryPolicy& policy);


}  // namespace lakestream::odata
