// ODataClient: reads one entity set of an OData V4 or V2 service page by
// page. Paging is server-driven (V4 @odata.nextLink, V2 __next; V4 asks for
// Prefer: odata.maxpagesize=page_size) or client-driven ($top/$skip with a
// stable $orderby on the keys). $filter, $select and $orderby come from the
// source and the load (the incremental watermark filter is ANDed to the
// source's filter). Every HTTP call goes through SendWithRetry; a 401 is
// Unauthenticated-style InvalidArgument ("HTTP 401: credentials rejected")
// after one token refresh for OAuth.
//
// Next links: relative links resolve against the service root; absolute
// links keep their path and query but are sent to the configured service's
// scheme, host and port (gateways in front of SAP often return internal
// host names in next links).
//
// Thread-safety: one load at a time per client. Ownership: borrows the
// HttpClient and Authenticator, which must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "odata/credentials.h"
#include "odata/edm.h"
#include "odata/http_client.h"
#include "odata/metadata_store.h"

namespace lakestream::odata {

struct ReadStats {
  int64_t pages = 0;
  int64_t rows = 0;
  int64_t requests = 0;
  int64_t retries = 0;
  int64_t server_count = -1;  // $count / __count when the service returned it
};

class ODataClient {
 public:
  // `request_timeout_ms` bounds each HTTP attempt (a timeout is retried).
  ODataClient(SourceConfig source, HttpClient* http, Authenticator* auth, RetryPolicy retry,
              int64_t request_timeout_ms = 60000);

  // GET $metadata and the schema of the source's entity set.
  Result<EntitySchema> FetchSchema();

  // One page of rows (JSON objects) and its number (0-based).
  using PageSink = std::function<Status(std::vector<nlohmann::json>&& rows, int64_t page)>;
  // Reads every page matching the source's filter AND `extra_filter`,
  // ordered by `orderby` (empty: the keys). Unavailable after retries ran
  // out; InvalidArgument for 4xx answers (the OData error message quoted);
  // Corruption for a body that is not the expected JSON.
  Status ReadAll(const std::string& extra_filter, const std::string& orderby, const PageSink& sink,
                 ReadStats* stats);

  // The URL of the first page (for logs and tests).
  std::string FirstPageUrl(const std::string& extra_filter, const std::string& orderby,
                           int64_t skip, int64_t top) const;

 private:
  Result<HttpResponse> Get(const std::string& url, const std::string& accept, ReadStats* stats);
  std::string ResolveNext(const std::string& link) const;

  SourceConfig source_;
  HttpClient* http_;
  Authenticator* auth_;
  RetryPolicy retry_;
  int64_t request_timeout_ms_;
};

}  // namespace lakestream::odata
