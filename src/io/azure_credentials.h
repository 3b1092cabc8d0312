// Azure Storage credentials: how a request to one storage account is
// authorized (Shared Key signing, a SAS token, or an OAuth bearer token from
// Microsoft Entra ID client credentials or a managed identity endpoint), and
// where lakestream finds them (io/credentials.h: the environment, the
// secrets file, a managed identity; never the command line).
//
// Thread-safety: credentials are safe for concurrent use (the bearer token
// cache is guarded by a mutex). Ownership: a bearer credential shares the
// HttpClient it fetches tokens with.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "io/credentials.h"
#include "io/http_client.h"

namespace lakestream::io {

// What a credential signs: one Blob service request, before it is sent.
struct AzureSignable {
  std::string method;
  std::string account;
  std::string url_path;  // the encoded URL path as sent ("/acct/cont/blob" path-style)
  std::vector<std::pair<std::string, std::string>> query;    // decoded name/value
  std::vector<std::pair<std::string, std::string>> headers;  // what will be sent
  uint64_t content_length = 0;
  // Set by Authorize: extra raw query text (a SAS token) to append to the URL.
  std::string extra_query;
};

class AzureCredential {
 public:
  virtual ~AzureCredential() = default;
  // "shared key", "SAS token", "client secret (OAuth)", "managed identity (OAuth)".
  virtual std::string kind() const = 0;
  // Adds the Authorization header or the SAS query to `req`. Unavailable or
  // an auth error when a token cannot be obtained.
  virtual Status Authorize(AzureSignable* req) = 0;
  // Secret substrings to blank out of any message before it is shown.
  virtual std::vector<std::string> Secrets() const = 0;
};

// The Shared Key "string to sign" for a Blob service request (version
// 2015-02-21 and later: Content-Length empty when zero). Exposed for tests.
std::string SharedKeyStringToSign(const AzureSignable& req);
// HMAC-SHA256 of `data` with `key` (raw bytes).
std::string HmacSha256(std::string_view key, std::string_view data);

// Credential factories. InvalidArgument for a key that is not base64.
Result<std::shared_ptr<AzureCredential>> NewSharedKeyCredential(std::string account,
                                                                std::string base64_key);
std::shared_ptr<AzureCredential> NewSasCredential(std::string sas_token);

// An OAuth token and when it stops being valid.
struct AccessToken {
  std::string token;
  int64_t expires_at_ms = 0;
};
using TokenFetcher = std::function<Result<AccessToken>()>;
// A bearer credential that caches the fetched token and fetches a new one
// five minutes before it expires.
std::shared_ptr<AzureCredential> NewBearerCredential(std::string kind, TokenFetcher fetch);

// Token fetchers for the storage scope (https://storage.azure.com/).
// Client credentials: POST {authority}/{tenant}/oauth2/v2.0/token.
TokenFetcher ClientSecretTokenFetcher(std::shared_ptr<HttpClient> http, std::string authority,
                                      std::string tenant, std::string client_id,
                                      std::string client_secret);
// Managed identity: App Service / Container Apps (IDENTITY_ENDPOINT with
// X-IDENTITY-HEADER) or the older MSI_ENDPOINT with a `secret` header.
// `client_id` selects a user-assigned identity when not empty.
TokenFetcher ManagedIdentityTokenFetcher(std::shared_ptr<HttpClient> http, std::string endpoint,
                                         std::string header_name, std::string header_value,
                                         std::string api_version, std::string client_id);

// The credential for storage account A, through the one resolver
// (io/credentials.h; `resolver` null: the process environment and disk):
//  1. the environment: AZURE_STORAGE_KEY (or AZURE_STORAGE_ACCOUNT_KEY),
//     AZURE_STORAGE_SAS_TOKEN, AZURE_TENANT_ID + AZURE_CLIENT_ID +
//     AZURE_CLIENT_SECRET (AZURE_AUTHORITY_HOST overrides
//     https://login.microsoftonline.com), for every account;
//  2. the secrets file: entry `azure.A`, else entry `azure` (type azure;
//     fields account_key, sas_token, tenant_id, client_id, client_secret,
//     authority_host);
//  3. a managed identity: IDENTITY_ENDPOINT + IDENTITY_HEADER, or
//     MSI_ENDPOINT (+ MSI_SECRET); the client_id of step 1 or 2, or
//     AZURE_CLIENT_ID, selects a user-assigned identity.
// Within the source found, an account key wins over a SAS token, which wins
// over a client secret. InvalidArgument naming the setting and where it was
// found (never its value) when one is malformed; NotFound naming every place
// looked when nothing is configured.
Result<std::shared_ptr<AzureCredential>> ResolveAzureCredential(
    const std::string& account, std::shared_ptr<HttpClient> http,
    const CredentialResolver* resolver = nullptr);

// An account SAS (signed version 2019-12-12, blob service, all resource
// types) signed with the account key, as a query string without '?'.
// `permissions` such as "rwdlac"; times ISO-8601 UTC ("2030-01-01T00:00:00Z").
Result<std::string> MakeAccountSas(const std::string& account, const std::string& base64_key,
                                   const std::string& permissions, const std::string& expiry);

}  // namespace lakestream::io
