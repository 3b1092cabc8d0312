// ODataClient: URLs, paging and the V4/V2 response formats.
#include "odata/odata_client.h"

#include <algorithm>

#include "common/redact.h"

namespace lakestream::odata {
namespace {

// Percent-encodes a query option value (keeps characters OData servers
// expect literally readable: ',' '(' ')' ':' and '\'' stay encoded safely).
std::string QueryEncode(const std::string& s) { return UrlEncode(s); }

std::string Origin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

std::string ODataError(const HttpResponse& r) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    if (e.contains("message")) {
      const auto& m = e["message"];
      if (m.is_string()) return m.get<std::string>();
      if (m.is_object() && m.contains("value") && m["value"].is_string()) {
        return m["value"].get<std::string>();  // V2
      }
    }
  }
  return r.body.substr(0, 200);
}

}  // namespace

ODataClient::ODataClient(SourceConfig source, HttpClient* http, Authenticator* auth,
                         RetryPolicy retry, int64_t request_timeout_ms)
    : source_(std::move(source)),
      http_(http),
      auth_(auth),
      retry_(std::move(retry)),
      request_timeout_ms_(request_timeout_ms) {
  while (!source_.service_url.empty() && source_.service_url.back() == '/') {
    source_.service_url.pop_back();
  }
}

Result<HttpResponse> ODataClient::Get(const std::string& url, const std::string& accept,
                                      ReadStats* stats) {
  for (int auth_attempt = 0;; ++auth_attempt) {
    HttpRequest req;
    req.url = url;
    req.timeout_ms = request_timeout_ms_;
    req.accept_compressed = true;  // gzip/deflate when the service offers it
    req.headers.emplace_back("Accept", accept);
    if (source_.version == ODataVersion::kV4) {
      req.headers.emplace_back("OData-Version", "4.0");
      if (source_.paging == PagingMode::kServer && source_.page_size > 0) {
        req.headers.emplace_back("Prefer",
                                 "odata.maxpagesize=" + std::to_string(source_.page_size));
      }
    } else {
      req.headers.emplace_back("DataServiceVersion", "2.0");
      req.headers.emplace_back("MaxDataServiceVersion", "2.0");
    }
    RETURN_IF_ERROR(auth_->Apply(&req));
    RetryPolicy policy = retry_;
    auto outer = retry_.on_retry;
    policy.on_retry = [&](int retry, const Status& why, int64_t delay_ms) {
      if (stats) ++stats->retries;
      if (outer) outer(retry, why, delay_ms);
    };
    if (stats) ++stats->requests;
    ASSIGN_OR_RETURN(HttpResponse r, SendWithRetry(*http_, req, policy));
    std::string where = "odata: " + source_.id + ": GET " + Redact(url);
    if (r.status == 401) {
      if (auth_attempt == 0 && auth_->Invalidate()) continue;
      return Status::InvalidArgument(where + ": HTTP 401: credentials rejected");
    }
    if (r.status == 403) {
      return Status::InvalidArgument(where + ": HTTP 403: access denied");
    }
    if (IsRetryableStatus(r.status)) {
      return Status::Unavailable(where + ": HTTP " + std::to_string(r.status) + " after " +
                                 std::to_string(std::max(0, retry_.max_attempts - 1)) +
                                 " retries");
    }
    if (r.status < 200 || r.status >= 300) {
      return Status::InvalidArgument(where + ": HTTP " + std::to_string(r.status) + ": " +
                                     ODataError(r));
    }
    return r;
  }
}

Result<EntitySchema> ODataClient::FetchSchema() {
  ASSIGN_OR_RETURN(HttpResponse r,
                   Get(source_.service_url + "/$metadata", "application/xml", nullptr));
  Result<EntitySchema> s = ParseEdmx(r.body, source_.entity_set);
  if (!s.ok()) return s.status().WithContext("odata: " + source_.id + ": $metadata");
  return s;
}

std::string ODataClient::FirstPageUrl(const std::string& extra_filter, const std::string& orderby,
                                      int64_t skip, int64_t top) const {
  std::string url = source_.service_url + "/" + source_.entity_set;
  std::vector<std::string> q;
  std::string filter = source_.filter;
  if (!extra_filter.empty()) {
    filter = filter.empty() ? extra_filter : "(" + filter + ") and (" + extra_filter + ")";
  }
  if (!filter.empty()) q.push_back("$filter=" + QueryEncode(filter));
  if (!source_.select.empty()) {
    std::string sel;
    for (size_t i = 0; i < source_.select.size(); ++i) sel += (i ? "," : "") + source_.select[i];
    q.push_back("$select=" + QueryEncode(sel));
  }
  std::string order = orderby;
  if (order.empty()) {
    for (size_t i = 0; i < source_.key_columns.size(); ++i) {
      order += (i ? "," : "") + source_.key_columns[i];
    }
  }
  if (!order.empty()) q.push_back("$orderby=" + QueryEncode(order));
  if (skip > 0) q.push_back("$skip=" + std::to_string(skip));
  if (top >= 0) q.push_back("$top=" + std::to_string(top));
  if (source_.version == ODataVersion::kV4) {
    q.push_back("$count=true");
  } else {
    q.push_back("$inlinecount=allpages");
    q.push_back("$format=json");
  }
  for (size_t i = 0; i < q.size(); ++i) url += (i ? "&" : "?") + q[i];
  return url;
}

std::string ODataClient::ResolveNext(const std::string& link) const {
  if (link.find("://") != std::string::npos) {
    std::string origin = Origin(link);
    return Origin(source_.service_url) + link.substr(origin.size());
  }
  if (!link.empty() && link[0] == '/') return Origin(source_.service_url) + link;
  return source_.service_url + "/" + link;
}

Status ODataClient::ReadAll(const std::string& extra_filter, const std::string& orderby,
                            const PageSink& sink, ReadStats* stats) {
  ReadStats local;
  if (!stats) stats = &local;
  bool v2 = source_.version == ODataVersion::kV2;
  bool client_paging = source_.paging == PagingMode::kClient;
  int64_t remaining = source_.top;  // -1: unbounded
  int64_t skip = source_.skip;
  std::string url;
  if (client_paging) {
    int64_t n = remaining >= 0 ? std::min(remaining, source_.page_size) : source_.page_size;
    url = FirstPageUrl(extra_filter, orderby, skip, n);
  } else {
    url = FirstPageUrl(extra_filter, orderby, skip, remaining);
  }
  for (int64_t page = 0; !url.empty(); ++page) {
    ASSIGN_OR_RETURN(HttpResponse r, Get(url, "application/json", stats));
    std::string where =
        "odata: " + source_.id + ": page " + std::to_string(page) + " (" + Redact(url) + ")";
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::Corruption(where + ": body is not a JSON object (" +
                                std::to_string(r.body.size()) + " bytes)");
    }
    const nlohmann::json* rows = nullptr;
    std::string next;
    if (v2) {
      if (!j.contains("d")) return Status::Corruption(where + ": V2 body has no \"d\"");
      const auto& d = j["d"];
      if (d.is_array()) {
        rows = &d;
      } else if (d.is_object() && d.contains("results") && d["results"].is_array()) {
        rows = &d["results"];
        if (d.contains("__next") && d["__next"].is_string()) next = d["__next"];
        if (d.contains("__count") && d["__count"].is_string() && page == 0) {
          const std::string& c = d["__count"].get_ref<const std::string&>();
          if (c.empty() || c.size() > 18 ||
              c.find_first_not_of("0123456789") != std::string::npos) {
            return Status::Corruption(where + ": __count is not a count: " + c.substr(0, 40));
          }
          stats->server_count = std::stoll(c);
        }
      } else {
        return Status::Corruption(where + ": V2 body has no d.results array");
      }
    } else {
      if (!j.contains("value") || !j["value"].is_array()) {
        return Status::Corruption(where + ": V4 body has no \"value\" array");
      }
      rows = &j["value"];
      if (j.contains("@odata.nextLink") && j["@odata.nextLink"].is_string()) {
        next = j["@odata.nextLink"];
      }
      if (page == 0 && j.contains("@odata.count") && j["@odata.count"].is_number_integer()) {
        stats->server_count = j["@odata.count"].get<int64_t>();
      }
    }
    std::vector<nlohmann::json> out;
    out.reserve(rows->size());
    for (const auto& row : *rows) {
      if (!row.is_object()) return Status::Corruption(where + ": a row is not a JSON object");
      out.push_back(row);
    }
    int64_t got = static_cast<int64_t>(out.size());
    if (remaining >= 0 && got > remaining) {
      out.resize(static_cast<size_t>(remaining));
      got = remaining;
    }
    stats->pages++;
    stats->rows += got;
    RETURN_IF_ERROR(sink(std::move(out), page));
    if (remaining >= 0) {
      remaining -= got;
      if (remaining <= 0) break;
    }
    if (client_paging) {
      // A short page ends the read, unless the server capped the page below
      // $top and says so with a next link (then the next window follows).
      if (got == 0 || (got < source_.page_size && next.empty())) break;
      skip += got;
      int64_t n = remaining >= 0 ? std::min(remaining, source_.page_size) : source_.page_size;
      url = FirstPageUrl(extra_filter, orderby, skip, n);
    } else {
      std::string following = next.empty() ? std::string() : ResolveNext(next);
      if (!following.empty() && following == url) {
        return Status::Corruption(where + ": the next link points to the same page");
      }
      url = following;
    }
  }
  // Without top/skip the rows read must match the count the server gave.
  if (stats->server_count >= 0 && source_.top < 0 && source_.skip == 0 &&
      stats->rows != stats->server_count) {
    return Status::Corruption("odata: " + source_.id + ": read " + std::to_string(stats->rows) +
                              " rows but the server counted " +
                              std::to_string(stats->server_count) +
                              " (incomplete paging or rows changed during the read)");
  }
  return Status::OK();
}

}  // namespace lakestream::odata
