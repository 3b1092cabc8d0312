// OData credentials (through io/credentials.h); basic and OAuth headers.
#include "odata/credentials.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/base64.h"
#include "common/percent_encode.h"
#include "common/redact.h"

namespace lakestream::odata {
namespace {

int64_t NowMs() { return RealClock()->NowMillis(); }

}  // namespace

std::string UrlEncode(const std::string& s) { return PercentEncode(s); }

Result<Credential> LoadCredential(const std::string& name,
                                  const io::CredentialResolver* resolver) {
  Credential c;
  if (name.empty()) return c;
  io::CredentialResolver process_resolver;
  io::CredentialQuery q;
  q.name = name;
  q.kinds = {&io::BasicCredentialKind(), &io::OAuthCredentialKind()};
  ASSIGN_OR_RETURN(io::ResolvedCredential r,
                   (resolver != nullptr ? *resolver : process_resolver).Resolve(q));
  if (r.type == io::BasicCredentialKind().type) {
    c.kind = Credential::Kind::kBasic;
    c.user = r.Get("user");
    c.password = r.Get("password");
  } else {
    c.kind = Credential::Kind::kOAuthClientCredentials;
    c.token_url = r.Get("token_url");
    c.client_id = r.Get("client_id");
    c.client_secret = r.Get("client_secret");
    c.scope = r.Get("scope");
  }
  return c;
}

Status Authenticator::Apply(HttpRequest* request) {
  switch (cred_.kind) {
    case Credential::Kind::kNone:
      return Status::OK();
    case Credential::Kind::kBasic:
      request->headers.emplace_back("Authorization",
                                    "Basic " + Base64Encode(cred_.user + ":" + cred_.password));
      return Status::OK();
    case Credential::Kind::kOAuthClientCredentials: {
      std::lock_guard<std::mutex> lock(mu_);
      if (token_.empty() || NowMs() > token_expires_ms_ - 30000) RETURN_IF_ERROR(FetchToken());
      request->headers.emplace_back("Authorization", "Bearer " + token_);
      return Status::OK();
    }
  }
  return Status::OK();
}

bool Authenticator::Invalidate() {
  if (cred_.kind != Credential::Kind::kOAuthClientCredentials) return false;
  std::lock_guard<std::mutex> lock(mu_);
  token_.clear();
  return true;
}

Status Authenticator::FetchToken() {
  HttpRequest req;
  req.method = "POST";
  req.url = cred_.token_url;
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back(
      "Authorization",
      "Basic " + Base64Encode(UrlEncode(cred_.client_id) + ":" + UrlEncode(cred_.client_secret)));
  std::string form = "grant_type=client_credentials";
  if (!cred_.scope.empty()) form += "&scope=" + UrlEncode(cred_.scope);
  req.body = form;
  std::string where = "oauth: token URL " + Redact(cred_.token_url);
  ASSIGN_OR_RETURN(HttpResponse resp, SendWithRetry(*http_, req, retry_));
  if (resp.status == 400 || resp.status == 401 || resp.status == 403) {
    return Status::InvalidArgument(where + ": HTTP " + std::to_string(resp.status) +
                                   ": client credentials rejected");
  }
  if (resp.status != 200) {
    return Status::Unavailable(where + ": HTTP " + std::to_string(resp.status));
  }
  nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
  if (j.is_discarded() || !j.contains("access_token") || !j["access_token"].is_string()) {
    return Status::Corruption(where + ": response has no access_token");
  }
  token_ = j["access_token"].get<std::string>();
  RegisterSecret(token_);
  int64_t ttl = j.contains("expires_in") && j["expires_in"].is_number_integer()
                    ? j["expires_in"].get<int64_t>()
                    : 300;
  token_expires_ms_ = NowMs() + ttl * 1000;
  return Status::OK();
}

}  // namespace lakestream::odata
