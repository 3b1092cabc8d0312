// Credentials for OData services and the Authenticator that turns them into
// request headers: HTTP basic auth (SAP BTP user/password) or OAuth 2.0
// client credentials (a token fetched from the token URL, cached until
// shortly before it expires, fetched again after a 401).
//
// A source names a credential; the one resolver (io/credentials.h) finds it:
// first the environment
//   LAKESTREAM_CRED_<NAME>_USER / _PASSWORD               (basic)
//   LAKESTREAM_CRED_<NAME>_TOKEN_URL / _CLIENT_ID / _CLIENT_SECRET [/ _SCOPE]  (oauth)
// (NAME upper-cased, non-alphanumerics as '_'), then the secrets file named by
// LAKESTREAM_SECRETS_FILE (YAML; a JSON object is read too):
//   NAME:  {type: basic, user: ..., password: ...}
//   OTHER: {type: oauth, token_url: ..., client_id: ..., client_secret: ..., scope: ...}
// Secrets never appear in messages or logs.
//
// Thread-safety: Authenticator serializes token refreshes with a mutex.
// Ownership: Authenticator borrows the HttpClient (which must outlive it).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "io/credentials.h"
#include "odata/http_client.h"

namespace lakestream::odata {

struct Credential {
  enum class Kind { kNone, kBasic, kOAuthClientCredentials };
  Kind kind = Kind::kNone;
  std::string user, password;
  std::string token_url, client_id, client_secret, scope;
};

// The credential `name` (empty name: kNone) through `resolver` (null: the
// process environment and disk). NotFound when neither the environment nor
// the secrets file has it; InvalidArgument for an incomplete or malformed
// entry (naming the field and where, never its value).
Result<Credential> LoadCredential(const std::string& name,
                                  const io::CredentialResolver* resolver = nullptr);

class Authenticator {
 public:
  Authenticator(Credential credential, HttpClient* http, RetryPolicy retry)
      : cred_(std::move(credential)), http_(http), retry_(std::move(retry)) {}

  // Adds the Authorization header. For OAuth, fetches a token when none is
  // cached or it expires within 30 s. Unauthenticated / errors name the token URL.
  Status Apply(HttpRequest* request);
  // After a 401: drops the cached token; true when a retry may help
  // (OAuth: a new token will be fetched; basic: never).
  bool Invalidate();

 private:
  Status FetchToken();

  Credential cred_;
  HttpClient* http_;
  RetryPolicy retry_;
  std::mutex mu_;
  std::string token_;
  int64_t token_expires_ms_ = 0;
};

// "a b&c" -> "a%20b%26c" (RFC 3986 unreserved characters kept).
std::string UrlEncode(const std::string& s);

}  // namespace lakestream::odata
