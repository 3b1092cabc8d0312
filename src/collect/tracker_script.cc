// GET /v1/tracker.js: the embedded tracker with caching, compression and CORS headers.
#include "collect/tracker_script.h"

#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <string>

#include "common/json_escape.h"

namespace lakestream::collect {
namespace {

// An hour in caches; after that a revalidation with If-None-Match costs a 304.
constexpr char kCacheControl[] = "public, max-age=3600";

// The script gzip'd once (level 9); empty if zlib failed, then it is served uncompressed.
const std::string& GzippedScript() {
  static const std::string gz = [] {
    std::string_view in = TrackerScript();
    z_stream zs{};
    if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
      return std::string();
    }
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? out : std::string();
  }();
  return gz;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// True when the Accept-Encoding header lists gzip without q=0.
bool AcceptsGzip(const std::string& accept_encoding) {
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string item = Lower(std::string(rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t start = item.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    item = item.substr(start);
    size_t semi = item.find(';');
    std::string coding = item.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.pop_back();
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string::npos) return true;
    // "gzip;q=0" (any zero q-value) means "not gzip".
    std::string params = item.substr(semi + 1);
    size_t q = params.find("q=");
    if (q != std::string::npos && std::strtod(params.c_str() + q + 2, nullptr) == 0.0) return false;
    return true;
  }
  return false;
}

// True when If-None-Match lists `etag` (weak comparison, RFC 9110 13.1.2) or is "*".
bool NoneMatchHits(const std::string& if_none_match, const std::string& etag) {
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*") return true;
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == etag) return true;
  }
  return false;
}

}  // namespace

HttpResponse TrackerScriptResponse(const HttpRequest& request, bool origin_allowed) {
  HttpResponse r;
  std::string origin = request.Header("origin");
  std::string vary = "Accept-Encoding";
  if (origin_allowed && !origin.empty()) {
    r.headers.push_back({"Access-Control-Allow-Origin", origin});
    vary = "Origin, Accept-Encoding";
  }
  if (request.method != "GET") {
    r.status = 405;
    r.body = "{\"error\":";
    AppendJsonString("/v1/tracker.js takes GET", &r.body);
    r.body += "}";
    r.headers.push_back({"Allow", "GET"});
    return r;
  }
  const std::string& gz = GzippedScript();
  bool gzip = !gz.empty() && AcceptsGzip(request.Header("accept-encoding"));
  // A strong ETag names one representation: the script's hash, and the encoding.
  std::string etag = "\"" + std::string(TrackerScriptSha256().substr(0, 32)) + (gzip ? "-gz\"" : "\"");
  r.headers.push_back({"Vary", vary});
  r.headers.push_back({"ETag", etag});
  r.headers.push_back({"Cache-Control", kCacheControl});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  // Pages that isolate themselves (COEP: require-corp) may still load it.
  r.headers.push_back({"Cross-Origin-Resource-Policy", "cross-origin"});
  r.content_type = "text/javascript; charset=utf-8";
  if (NoneMatchHits(request.Header("if-none-match"), etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  if (gzip) {
    r.headers.push_back({"Content-Encoding", "gzip"});
    r.body = gz;
  } else {
    r.body = std::string(TrackerScript());
  }
  return r;
}

}  // namespace lakestream::collect
