#include "io/azure_blob_client.h"

#include <time.h>

#include <algorithm>
#include <cstdlib>

#include "common/retry.h"
#include "common/redact.h"
#include "common/uuid.h"
#include "io/azure_xml.h"

namespace lakestream::io {
namespace {

constexpr char kApiVersion[] = "2023-11-03";

Result<int64_t> EnvInt(const char* name, int64_t fallback, int64_t min, int64_t max) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (*end != '\0' || n < min || n > max) {
    return Status::InvalidArgument(std::string("azure: ") + name + "=" + v +
                                   ": expected an integer in [" + std::to_string(min) + ", " +
                                   std::to_string(max) + "]");
  }
  return static_cast<int64_t>(n);
}

}  // namespace

Result<AzureOptions> AzureOptionsFromEnvironment() {
  AzureOptions o;
  if (const char* e = std::getenv("LAKESTREAM_AZURE_ENDPOINT"); e != nullptr && *e != '\0') {
    o.endpoint = e;
    if (!o.endpoint.starts_with("http://") && !o.endpoint.starts_with("https://")) {
      return Status::InvalidArgument("azure: LAKESTREAM_AZURE_ENDPOINT=" + o.endpoint +
                                     ": expected an http:// or https:// URL");
    }
    while (o.endpoint.ends_with("/")) o.endpoint.pop_back();
  }
  ASSIGN_OR_RETURN(int64_t block, EnvInt("LAKESTREAM_AZURE_BLOCK_SIZE", o.block_size, 64 << 10,
                                         int64_t{4000} << 20));
  o.block_size = static_cast<uint64_t>(block);
  ASSIGN_OR_RETURN(int64_t attempts,
                   EnvInt("LAKESTREAM_AZURE_MAX_ATTEMPTS", o.max_attempts, 1, 50));
  o.max_attempts = static_cast<int>(attempts);
  ASSIGN_OR_RETURN(int64_t stall,
                   EnvInt("LAKESTREAM_AZURE_TIMEOUT_MS", o.http.stall_timeout_ms, 1000, 3600000));
  o.http.stall_timeout_ms = static_cast<int>(stall);
  return o;
}

std::string HttpDateNow() {
  time_t now = time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
           kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

int64_t ParseHttpDateMs(const std::string& date) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char wday[8] = {0}, mon[8] = {0};
  struct tm tm = {};
  int year = 0;
  if (sscanf(date.c_str(), "%3s, %d %3s %d %d:%d:%d", wday, &tm.tm_mday, mon, &year, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec) != 7) {
    return 0;
  }
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(mon) == kMonths[i]) tm.tm_mon = i;
  }
  if (tm.tm_mon < 0) return 0;
  tm.tm_year = year - 1900;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

AzureBlobClient::AzureBlobClient(AzureOptions options)
    : options_(std::move(options)), http_(MakeCurlHttpClient(options_.http)) {
  options_.clock = ClockOrReal(options_.clock);
}

Result<std::shared_ptr<AzureCredential>> AzureBlobClient::Credential(const std::string& account) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = credentials_.find(account);
  if (it != credentials_.end()) return it->second;
  Result<std::shared_ptr<AzureCredential>> c = options_.credential_for
                                                   ? options_.credential_for(account)
                                                   : ResolveAzureCredential(account, http_);
  if (!c.ok()) return c.status();
  credentials_[account] = *c;
  return *c;
}

std::string AzureBlobClient::BaseUrl(const std::string& account) const {
  if (options_.endpoint.empty()) return "https://" + account + ".blob.core.windows.net";
  std::string e = options_.endpoint;
  size_t p = e.find("{account}");
  if (p != std::string::npos) e.replace(p, 9, account);
  return e;
}

std::string AzureBlobClient::UrlPath(const std::string& account, const std::string& container,
                                     const std::string& blob) const {
  std::string path;
  bool path_style =
      !options_.endpoint.empty() && options_.endpoint.find("{account}") == std::string::npos;
  if (path_style) path = "/" + account;
  path += "/" + container;
  if (!blob.empty()) path += "/" + UrlEncodePath(blob);
  return path;
}

std::string AzureBlobClient::BlobUrl(const std::string& account, const std::string& container,
                                     const std::string& blob) const {
  return BaseUrl(account) + UrlPath(account, container, blob);
}

Result<std::string> AzureBlobClient::AuthorizedBlobUrl(const std::string& account,
                                                       const std::string& container,
                                                       const std::string& blob) {
  ASSIGN_OR_RETURN(auto cred, Credential(account));
  std::string url = BlobUrl(account, container, blob);
  AzureSignable probe;
  if (cred->kind() == "SAS token") {
    RETURN_IF_ERROR(cred->Authorize(&probe));
    url += "?" + probe.extra_query;
  }
  return url;
}

RetryPolicy AzureBlobClient::Policy() const {
  RetryPolicy p;
  p.max_attempts = options_.max_attempts;
  p.initial_backoff_ms = options_.base_backoff_ms;
  p.max_backoff_ms = options_.max_backoff_ms;
  p.clock = options_.clock;
  return p;
}

Result<AzureOutcome> AzureBlobClient::Execute(const AzureCall& call) {
  ASSIGN_OR_RETURN(auto cred, Credential(call.account));
  AzureOutcome out;
  std::string url_path = UrlPath(call.account, call.container, call.blob);
  std::string base = BaseUrl(call.account) + url_path;
  std::string query;
  for (const auto& [n, v] : call.query) {
    query += (query.empty() ? "?" : "&") + UrlEncodeComponent(n) + "=" + UrlEncodeComponent(v);
  }
  std::string redacted = base + query;
  Status st = Retry(Policy(), [&](RetryAttempt& a) -> Status {
    AzureSignable sig;
    sig.method = call.method;
    sig.account = call.account;
    sig.url_path = url_path;
    sig.query = call.query;
    sig.headers = call.headers;
    sig.headers.emplace_back("x-ms-date", HttpDateNow());
    sig.headers.emplace_back("x-ms-version", kApiVersion);
    sig.headers.emplace_back("x-ms-client-request-id", NewUuid());
    sig.content_length = call.body.size();
    if (call.method == "PUT" || call.method == "POST") {
      sig.headers.emplace_back("Content-Length", std::to_string(call.body.size()));
    }
    if (Status auth = cred->Authorize(&sig); !auth.ok()) {
      a.retry = false;  // the credential retries its own token endpoint
      return auth;
    }
    HttpRequest req;
    req.method = call.method;
    req.url = base + query;
    if (!sig.extra_query.empty()) req.url += (query.empty() ? "?" : "&") + sig.extra_query;
    req.body = call.body;
    req.sink = call.sink;
    req.sink_capacity = call.sink_capacity;
    for (auto& h : sig.headers) {
      if (h.first != "Content-Length") req.headers.push_back(h);
    }
    ++out.attempts;
    Result<HttpResponse> resp = http_->Send(req, redacted);
    if (!resp.ok()) {
      a.retry = resp.status().IsUnavailable();
      if (a.retry && call.method != "GET" && call.method != "HEAD") out.ambiguous = true;
      return Status(resp.status().code(), Redact(resp.status().message(), cred->Secrets()));
    }
    if (IsRetryableHttpStatus(resp->status)) {
      if (call.method != "GET" && call.method != "HEAD" && resp->status != 429) {
        out.ambiguous = true;
      }
      std::string code = resp->Header("x-ms-error-code");
      a.retry_after_ms = RetryAfterMs(*resp, options_.clock->NowMillis());
      return Status::Unavailable("azure: " + call.method + " " + redacted + ": HTTP " +
                                 std::to_string(resp->status) + (code.empty() ? "" : " " + code));
    }
    out.response = std::move(*resp);
    return Status::OK();
  });
  if (st.ok()) return out;
  if (!st.IsUnavailable()) return st;
  return Status::Unavailable(st.message() + " (gave up after " + std::to_string(out.attempts) +
                             " attempts)");
}

Status AzureBlobClient::ErrorFor(const std::string& what, const AzureCall& call,
                                 const AzureOutcome& out) {
  const HttpResponse& r = out.response;
  std::string code = r.Header("x-ms-error-code");
  if (code.empty()) code = XmlText(r.body, "Code");
  std::string message = XmlText(r.body, "Message");
  std::string::size_type nl = message.find('\n');
  if (nl != std::string::npos) message.resize(nl);  // drop "RequestId:..." lines
  while (!message.empty() && (message.back() == '\r' || message.back() == ' ')) message.pop_back();
  std::string detail = XmlText(r.body, "AuthenticationErrorDetail");
  std::vector<std::string> secrets;
  if (auto cred = Credential(call.account); cred.ok()) secrets = (*cred)->Secrets();
  auto text = [&](const std::string& head) {
    std::string s = "azure: " + what + ": " + head + " (HTTP " + std::to_string(r.status) +
                    (code.empty() ? "" : " " + code) + ")";
    if (!message.empty()) s += ": " + message;
    if (!detail.empty()) s += " [" + detail + "]";
    return Redact(s, secrets);
  };
  if (code == "ContainerNotFound") {
    return Status::NotFound(text("container '" + call.container +
                                 "' does not exist in storage account '" + call.account + "'"));
  }
  if (r.status == 404) return Status::NotFound(text("no such file"));
  if (r.status == 403 || r.status == 401) {
    std::string kind = "?";
    if (auto cred = Credential(call.account); cred.ok()) kind = (*cred)->kind();
    return Status::IOError(text("access denied with the " + kind + " credential"));
  }
  if (code == "BlobArchived") {
    return Status::IOError(text("the blob is in the Archive tier; rehydrate it before reading"));
  }
  if (r.status == 409 || r.status == 412) return Status::AlreadyExists(text("already exists"));
  if (r.status == 416) return Status::InvalidArgument(text("range not satisfiable"));
  return Status::IOError(text(call.method + " failed"));
}

}  // namespace lakestream::io
