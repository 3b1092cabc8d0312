// SendWithRetry for OData calls: io::SendWithRetry with the URL redacted.
#include "odata/http_client.h"

#include "common/redact.h"

namespace lakestream::odata {

Result<HttpResponse> SendWithRetry(HttpClient& client, const HttpRequest& request,
                                   const RetryPolicy& policy) {
  return io::SendWithRetry(client, request, Redact(request.url), policy);
}

}  // namespace lakestream::odata
