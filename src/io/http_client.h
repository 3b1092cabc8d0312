// HttpClient: the one HTTP seam of lakestream. Every outbound HTTP call (the
// Azure Blob backend and its OAuth token endpoints, the OData client and its
// token endpoint, alert webhooks) goes through this interface, so tests can
// substitute a fake and there is one place for timeouts, TLS and pooling.
//
// MakeCurlHttpClient() is the implementation: blocking HTTP/1.1 over libcurl,
// one request per Send(), no retries (SendWithRetry adds them; callers that
// sign each attempt anew retry themselves). Finished curl handles go back to
// a pool and are reused, so connections (and TLS sessions) are kept alive.
// libcurl is initialised once per process (InitCurlOnce). TLS peers are
// verified with the system CA store; proxies come from the usual
// http_proxy/https_proxy/no_proxy environment variables (libcurl's default).
//
// Thread-safety: HttpClient implementations are safe for concurrent use;
// each Send() takes its own handle. Ownership: the client owns its pooled
// handles; requests borrow their body bytes and sink.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/retry.h"
#include "common/status.h"

namespace lakestream::io {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, PATCH, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // borrowed; sent as is (Content-Length is set from it)
  // The whole request's time limit; 0: HttpClientOptions::request_timeout_ms.
  int64_t timeout_ms = 0;
  // Offer gzip/deflate (Accept-Encoding) and decode the response body.
  bool accept_compressed = false;
  // When set, the response body is written here (at most `sink_capacity`
  // bytes; more is an error) instead of into HttpResponse::body.
  char* sink = nullptr;
  size_t sink_capacity = 0;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lowercased; last value wins
  std::string body;
  size_t sink_bytes = 0;  // bytes written to HttpRequest::sink

  // The header's value, or empty.
  std::string Header(const std::string& lowercase_name) const;
};

struct HttpClientOptions {
  int connect_timeout_ms = 10000;
  // A transfer slower than 1 byte/s over this long is aborted (a stalled
  // connection), as is any request taking longer than its timeout.
  int stall_timeout_ms = 30000;
  int request_timeout_ms = 300000;
  size_t max_pooled_handles = 32;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Performs the request. A response with any HTTP status is OK here;
  // Unavailable for connection failures, timeouts and dropped connections
  // (retryable), InvalidArgument for a malformed URL, IOError otherwise.
  // Messages name the method and `redacted_url` (never headers or secrets).
  virtual Result<HttpResponse> Send(const HttpRequest& request, std::string_view redacted_url) = 0;
};

// The pooled libcurl client.
std::unique_ptr<HttpClient> MakeCurlHttpClient(HttpClientOptions options = {});

// curl_global_init, exactly once per process and thread-safe; for the other
// libcurl users (SMTP in notify/). MakeCurlHttpClient calls it.
void InitCurlOnce();

// Sends `request` under `policy` (common/retry.h): transport failures that
// are Unavailable and responses with a retryable status are retried,
// honoring Retry-After. Returns the last response (which may still carry a
// retryable status when the attempts ran out) or the last transport error.
// Only for requests that need no fresh signature per attempt.
Result<HttpResponse> SendWithRetry(HttpClient& client, const HttpRequest& request,
                                   std::string_view redacted_url, const RetryPolicy& policy);

// 408, 429, 500, 502, 503 and 504: worth another attempt.
bool IsRetryableHttpStatus(long status);
// A Retry-After header value (delta-seconds or an IMF-fixdate such as
// "Sun, 06 Nov 1994 08:49:37 GMT") as a delay in ms from `now_ms`; -1 when
// empty or malformed.
int64_t ParseRetryAfter(const std::string& value, int64_t now_ms);
// The server's retry hint in ms: Azure's x-ms-retry-after-ms, else
// Retry-After; -1 when the response has none.
int64_t RetryAfterMs(const HttpResponse& response, int64_t now_ms);

// Percent-encodes `s` for a URL path (keeps unreserved characters and '/').
std::string UrlEncodePath(std::string_view s);
// Percent-encodes `s` for a query parameter value or form field.
std::string UrlEncodeComponent(std::string_view s);
// Decodes %XX escapes (and '+' as space when `plus_is_space`); malformed
// escapes are kept as is.
std::string UrlDecode(std::string_view s, bool plus_is_space = false);

}  // namespace lakestream::io
