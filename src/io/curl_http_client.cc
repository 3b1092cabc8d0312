// The pooled libcurl HttpClient (see io/http_client.h).
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <vector>

#include "io/http_client.h"

namespace lakestream::io {
namespace {

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  size_t upload_offset = 0;
  bool sink_overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  const HttpRequest& req = *t->request;
  if (req.sink != nullptr && t->response->status >= 200 && t->response->status < 300) {
    if (t->response->sink_bytes + n > req.sink_capacity) {
      t->sink_overflow = true;
      return 0;  // aborts the transfer
    }
    std::memcpy(req.sink + t->response->sink_bytes, data, n);
    t->response->sink_bytes += n;
    return n;
  }
  if (t->response->body.size() + n > (64u << 20)) return 0;  // a runaway error body
  t->response->body.append(data, n);
  return n;
}

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view body = t->request->body;
  size_t n = std::min(size * nitems, body.size() - t->upload_offset);
  std::memcpy(buffer, body.data() + t->upload_offset, n);
  t->upload_offset += n;
  return n;
}

// curl rewinds the upload when it resends on a fresh connection (the pooled
// one was closed by the server, or auth negotiation).
int SeekBody(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > t->request->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  t->upload_offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t Header(char* data, size_t size, size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nitems;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100-continue)
    long code = 0;
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) code = std::strtol(line.data() + sp + 1, nullptr, 10);
    t->response->status = code;
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->response->headers[name] = std::string(value);
  return n;
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpClientOptions options) : options_(options) { InitCurlOnce(); }
  ~CurlHttpClient() override;
  Result<HttpResponse> Send(const HttpRequest& request, std::string_view redacted_url) override;

 private:
  CURL* Acquire();
  void Release(CURL* handle);

  HttpClientOptions options_;
  std::mutex mu_;
  std::vector<CURL*> pool_;
};

CurlHttpClient::~CurlHttpClient() {
  for (CURL* h : pool_) curl_easy_cleanup(h);
}

CURL* CurlHttpClient::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pool_.empty()) {
      CURL* h = pool_.back();
      pool_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlHttpClient::Release(CURL* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pool_.size() < options_.max_pooled_handles) {
    pool_.push_back(handle);
  } else {
    curl_easy_cleanup(handle);
  }
}

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request,
                                          std::string_view redacted_url) {
  CURL* curl = Acquire();
  if (curl == nullptr) return Status::Internal("http: curl_easy_init failed");
  curl_easy_reset(curl);
  HttpResponse response;
  Transfer transfer{&request, &response};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  const int64_t timeout_ms =
      request.timeout_ms > 0 ? request.timeout_ms : int64_t{options_.request_timeout_ms};
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  if (request.accept_compressed) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(std::max(1, options_.stall_timeout_ms / 1000)));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");

  struct curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    headers = curl_slist_append(headers, line.c_str());
  }
  // curl adds "Expect: 100-continue" for large bodies; one round trip less without it.
  headers = curl_slist_append(headers, "Expect:");
  bool has_content_type = false;
  for (const auto& h : request.headers) has_content_type |= (h.first == "Content-Type");
  if (!has_content_type) headers = curl_slist_append(headers, "Content-Type:");

  const std::string& m = request.method;
  if (m == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (m == "PUT" || m == "POST" || m == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, SeekBody);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (m != "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m.c_str());
  } else if (m != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    curl_easy_cleanup(curl);  // the connection may be in any state
    std::string what = "http: " + m + " " + std::string(redacted_url) + ": ";
    if (transfer.sink_overflow) {
      return Status::Corruption(what + "response body longer than the " +
                                std::to_string(request.sink_capacity) + " bytes asked for");
    }
    what += curl_easy_strerror(rc);
    switch (rc) {
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
        return Status::InvalidArgument(what);
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_CONNECT:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_SEND_FAIL_REWIND:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_WRITE_ERROR:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
        return Status::Unavailable(what);
      default:
        return Status::IOError(what);
    }
  }
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  response.status = code;
  Release(curl);
  return response;
}

}  // namespace

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::unique_ptr<HttpClient> MakeCurlHttpClient(HttpClientOptions options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace lakestream::io
