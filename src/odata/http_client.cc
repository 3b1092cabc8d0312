// CurlHttpClient and the retry loop.
#include "odata/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

#include "common/redact.h"

namespace lakestream::odata {
namespace {

std::once_flag g_curl_init;

size_t WriteBody(char* ptr, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * n);
  return size * n;
}

size_t WriteHeader(char* ptr, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(ptr, size * n);
  size_t colon = line.find(':');
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100/redirect)
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  std::string value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.pop_back();
  }
  (*headers)[name] = value;
  return size * n;
}

class CurlHttpClient : public HttpClient {
 public:
  CurlHttpClient() {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Result<HttpResponse> Send(const HttpRequest& req) override {
    CURL* curl = curl_easy_init();
    if (!curl) return Status::Internal("http: curl_easy_init failed");
    HttpResponse resp;
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : req.headers) {
      headers = curl_slist_append(headers, (k + ": " + v).c_str());
    }
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &resp.headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate if offered
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    if (req.method == "GET") {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
    }
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      return Status::Unavailable("http: " + req.method + " " + Redact(req.url) + ": " +
                                 curl_easy_strerror(rc));
    }
    resp.status = static_cast<int>(status);
    return resp;
  }
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::unique_ptr<HttpClient> MakeCurlHttpClient() { return std::make_unique<CurlHttpClient>(); }

bool IsRetryableStatus(int status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

int64_t ParseRetryAfter(const std::string& value, int64_t now_ms) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), ::isdigit)) {
    if (value.size() > 9) return -1;
    return std::stoll(value) * 1000;
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end) return -1;
  int64_t at = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::max<int64_t>(0, at - now_ms);
}

Result<HttpResponse> SendWithRetry(HttpClient& client, const HttpRequest& request,
                                   const RetryPolicy& policy) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t backoff = policy.initial_backoff_ms;
  for (int attempt = 0;; ++attempt) {
    Result<HttpResponse> r = client.Send(request);
    std::string reason;
    int64_t delay = -1;
    if (!r.ok()) {
      if (!r.status().IsUnavailable()) return r;
      reason = r.status().message();
    } else if (IsRetryableStatus(r->status)) {
      reason = "HTTP " + std::to_string(r->status) + " from " + Redact(request.url);
      delay = ParseRetryAfter(r->Header("retry-after"), NowMs());
      if (delay > policy.max_retry_after_ms) delay = policy.max_retry_after_ms;
    } else {
      return r;
    }
    if (attempt >= policy.max_retries) return r;
    if (delay < 0) {
      // Full jitter: uniform in [0, backoff], at least 1 ms.
      std::uniform_int_distribution<int64_t> dist(1, std::max<int64_t>(1, backoff));
      delay = dist(rng);
      backoff = std::min(backoff * 2, policy.max_backoff_ms);
    }
    if (policy.on_retry) {
      policy.on_retry(attempt + 1, reason + "; retry " + std::to_string(attempt + 1) + " in " +
                                       std::to_string(delay) + " ms");
    }
    if (policy.sleep) {
      policy.sleep(delay);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
  }
}

}  // namespace lakestream::odata
