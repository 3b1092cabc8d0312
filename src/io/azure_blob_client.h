// AzureBlobClient: sends Blob service REST requests for AzureFileSystem.
// It builds the URL (public endpoint, or an emulator endpoint such as
// Azurite's path-style http://127.0.0.1:10000/devstoreaccount1/...), signs
// every attempt anew with the account's credential, and retries transient
// failures (connection errors, timeouts, HTTP 408/429/500/502/503/504) with
// exponential backoff and jitter, honoring Retry-After, a bounded number of
// times. It turns error responses into Status values that name the blob, the
// HTTP status and the service's error code, with secrets redacted.
//
// Thread-safety: safe for concurrent use. Ownership: owns its HttpClient and
// the per-account credentials it resolves lazily.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/retry.h"
#include "common/status.h"
#include "io/azure_credentials.h"
#include "io/http_client.h"

namespace lakestream::io {

struct AzureOptions {
  // Empty: https://<account>.blob.core.windows.net. With "{account}" in it:
  // that host pattern. Otherwise an emulator base URL such as
  // http://127.0.0.1:10000, addressed path-style (/<account>/<container>/...).
  std::string endpoint;
  uint64_t block_size = 8u << 20;  // Put Block size for large uploads
  int max_attempts = 6;            // per request, first try included
  int list_page_size = 5000;       // List Blobs maxresults (pages follow NextMarker)
  int base_backoff_ms = 200;  // retries: common/retry.h, full jitter
  int max_backoff_ms = 15000;
  Clock* clock = RealClock();  // retry sleeps and Retry-After dates (borrowed)
  HttpClientOptions http;
  // Credentials for an account; default ResolveAzureCredential (the
  // environment, the secrets file, a managed identity: io/credentials.h).
  std::function<Result<std::shared_ptr<AzureCredential>>(const std::string& account)>
      credential_for;
};

// Options from LAKESTREAM_AZURE_ENDPOINT, LAKESTREAM_AZURE_BLOCK_SIZE (bytes),
// LAKESTREAM_AZURE_MAX_ATTEMPTS and LAKESTREAM_AZURE_TIMEOUT_MS (stall timeout).
// InvalidArgument naming the variable when one is malformed.
Result<AzureOptions> AzureOptionsFromEnvironment();

// One REST call, before signing.
struct AzureCall {
  std::string method;
  std::string account, container, blob;  // blob unencoded; empty for container calls
  std::vector<std::pair<std::string, std::string>> query;  // unencoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  char* sink = nullptr;  // see HttpRequest::sink
  size_t sink_capacity = 0;
};

struct AzureOutcome {
  HttpResponse response;
  // An earlier attempt failed in a way that may have taken effect on the
  // service (the connection dropped after sending, a 5xx); callers of
  // non-idempotent conditional operations check what is there.
  bool ambiguous = false;
  int attempts = 0;
};

class AzureBlobClient {
 public:
  explicit AzureBlobClient(AzureOptions options);

  // Sends `call`, retrying transient failures. Returns the final response
  // whatever its HTTP status; Unavailable if every attempt failed to get one
  // or kept getting a retryable status, auth errors from the credential.
  Result<AzureOutcome> Execute(const AzureCall& call);

  // The Status for an unsuccessful response to a call on `what` (a URI):
  // NotFound (no such blob; container missing, named as such), AlreadyExists
  // (409/412 on a conditional write), IOError for auth failures (403 with the
  // service's code, e.g. AuthenticationFailed) and other errors.
  Status ErrorFor(const std::string& what, const AzureCall& call, const AzureOutcome& out);

  // The URL of a blob without credentials (for x-ms-copy-source, messages).
  std::string BlobUrl(const std::string& account, const std::string& container,
                      const std::string& blob) const;
  // A SAS-authorized URL of the blob when the account uses a SAS token, else
  // the plain URL (Shared Key and OAuth authorize same-account copies).
  Result<std::string> AuthorizedBlobUrl(const std::string& account, const std::string& container,
                                        const std::string& blob);

  const AzureOptions& options() const { return options_; }
  Result<std::shared_ptr<AzureCredential>> Credential(const std::string& account);

 private:
  std::string BaseUrl(const std::string& account) const;
  std::string UrlPath(const std::string& account, const std::string& container,
                      const std::string& blob) const;
  RetryPolicy Policy() const;

  AzureOptions options_;
  std::shared_ptr<HttpClient> http_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<AzureCredential>> credentials_;
};

// "Tue, 24 Nov 2026 22:24:36 GMT" for now.
std::string HttpDateNow();
// Milliseconds since the epoch of an RFC 1123 date; 0 if malformed.
int64_t ParseHttpDateMs(const std::string& date);

}  // namespace lakestream::io
