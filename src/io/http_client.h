// HttpClient: a small blocking HTTP/1.1 client over libcurl, for the object
// store backends (Azure Blob) and the OAuth token endpoints they call.
//
// One request per Send(); there are no retries here (callers retry, since
// each attempt must be signed anew). Connections are kept alive: finished
// curl handles go back to a pool and are reused by later requests.
//
// Thread-safety: safe for concurrent use; each Send() takes its own handle.
// Ownership: owns its pooled handles; requests borrow their body bytes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace lakestream::io {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // sent as is (Content-Length is set from it)
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
  // connection), as is any request taking longer than request_timeout_ms.
  int stall_timeout_ms = 30000;
  int request_timeout_ms = 300000;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs the request. A response with any HTTP status is OK here;
  // Unavailable for connection failures, timeouts and dropped connections
  // (retryable), InvalidArgument for a malformed URL, IOError otherwise.
  // Messages name the method and `redacted_url` (never secrets).
  Result<HttpResponse> Send(const HttpRequest& request, std::string_view redacted_url);

 private:
  void* Acquire();
  void Release(void* handle);

  HttpClientOptions options_;
  std::mutex mu_;
  std::vector<void*> pool_;
};

// Percent-encodes `s` for a URL path (keeps unreserved characters and '/').
std::string UrlEncodePath(std::string_view s);
// Percent-encodes `s` for a query parameter value or form field.
std::string UrlEncodeComponent(std::string_view s);
// Decodes %XX escapes (and '+' as space when `plus_is_space`); malformed
// escapes are kept as is.
std::string UrlDecode(std::string_view s, bool plus_is_space = false);

}  // namespace lakestream::io
