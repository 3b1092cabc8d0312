#include "io/http_client.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <optional>

#include "common/percent_encode.h"

namespace lakestream::io {

std::string HttpResponse::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? std::string() : it->second;
}

Result<HttpResponse> SendWithRetry(HttpClient& client, const HttpRequest& request,
                                   std::string_view redacted_url, const RetryPolicy& policy) {
  Clock* clock = ClockOrReal(policy.clock);
  std::optional<Result<HttpResponse>> last;
  Status st = Retry(policy, [&](RetryAttempt& a) -> Status {
    last.emplace(client.Send(request, redacted_url));
    if (!last->ok()) return last->status();  // Unavailable: retried
    if (!IsRetryableHttpStatus((*last)->status)) return Status::OK();
    a.retry_after_ms = RetryAfterMs(**last, clock->NowMillis());
    return Status::Unavailable("HTTP " + std::to_string((*last)->status) + " from " +
                               std::string(redacted_url));
  });
  (void)st;  // the last response or transport error says it all
  return std::move(*last);
}

bool IsRetryableHttpStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

int64_t ParseRetryAfter(const std::string& value, int64_t now_ms) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) return -1;
    return std::stoll(value) * 1000;
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr) return -1;
  const int64_t at = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::max<int64_t>(0, at - now_ms);
}

int64_t RetryAfterMs(const HttpResponse& response, int64_t now_ms) {
  const std::string ms = response.Header("x-ms-retry-after-ms");
  if (!ms.empty() && ms.size() <= 9 &&
      std::all_of(ms.begin(), ms.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::stoll(ms);
  }
  return ParseRetryAfter(response.Header("retry-after"), now_ms);
}

std::string UrlEncodePath(std::string_view s) { return PercentEncode(s, "/"); }
std::string UrlEncodeComponent(std::string_view s) { return PercentEncode(s); }

std::string UrlDecode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && i + 2 <= s.size() - 1 && hex(s[i + 1]) >= 0 &&
        hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace lakestream::io
