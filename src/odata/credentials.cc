// Credentials from the environment or a secrets file; basic and OAuth headers.
#include "odata/credentials.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/clock.h"
#include "common/base64.h"
#include "common/percent_encode.h"
#include "common/redact.h"

namespace lakestream::odata {
namespace {

int64_t NowMs() { return RealClock()->NowMillis(); }

std::string EnvName(const std::string& name, const char* suffix) {
  std::string out = "LAKESTREAM_CRED_";
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : '_';
  }
  return out + "_" + suffix;
}

std::string Env(const std::string& var) {
  const char* v = std::getenv(var.c_str());
  return v ? v : "";
}

Status Check(const Credential& c, const std::string& name, const std::string& where) {
  auto missing = [&](const char* field) {
    return Status::InvalidArgument("credentials: " + name + " (" + where + "): " + field +
                                   " is missing");
  };
  if (c.kind == Credential::Kind::kBasic) {
    if (c.user.empty()) return missing("user");
    if (c.password.empty()) return missing("password");
  } else if (c.kind == Credential::Kind::kOAuthClientCredentials) {
    if (c.token_url.empty()) return missing("token_url");
    if (c.client_id.empty()) return missing("client_id");
    if (c.client_secret.empty()) return missing("client_secret");
  }
  // Loaded secrets never reach a message (common/redact.h).
  RegisterSecret(c.password);
  RegisterSecret(c.client_secret);
  return Status::OK();
}

}  // namespace

std::string UrlEncode(const std::string& s) { return PercentEncode(s); }

Result<Credential> LoadCredential(const std::string& name) {
  Credential c;
  if (name.empty()) return c;
  if (!Env(EnvName(name, "USER")).empty() || !Env(EnvName(name, "PASSWORD")).empty()) {
    c.kind = Credential::Kind::kBasic;
    c.user = Env(EnvName(name, "USER"));
    c.password = Env(EnvName(name, "PASSWORD"));
    RETURN_IF_ERROR(Check(c, name, "environment"));
    return c;
  }
  if (!Env(EnvName(name, "TOKEN_URL")).empty() || !Env(EnvName(name, "CLIENT_ID")).empty()) {
    c.kind = Credential::Kind::kOAuthClientCredentials;
    c.token_url = Env(EnvName(name, "TOKEN_URL"));
    c.client_id = Env(EnvName(name, "CLIENT_ID"));
    c.client_secret = Env(EnvName(name, "CLIENT_SECRET"));
    c.scope = Env(EnvName(name, "SCOPE"));
    RETURN_IF_ERROR(Check(c, name, "environment"));
    return c;
  }
  std::string file = Env("LAKESTREAM_SECRETS_FILE");
  if (file.empty()) {
    return Status::NotFound("credentials: " + name + ": not in the environment (" +
                            EnvName(name, "USER") + "...) and LAKESTREAM_SECRETS_FILE is unset");
  }
  std::ifstream in(file);
  if (!in) return Status::NotFound("credentials: cannot read secrets file " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("credentials: secrets file " + file + " is not a JSON object");
  }
  if (!j.contains(name)) {
    return Status::NotFound("credentials: " + name + " is not in secrets file " + file);
  }
  const auto& e = j[name];
  auto str = [&](const char* k) {
    return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string();
  };
  std::string type = str("type");
  if (type == "basic") {
    c.kind = Credential::Kind::kBasic;
    c.user = str("user");
    c.password = str("password");
  } else if (type == "oauth") {
    c.kind = Credential::Kind::kOAuthClientCredentials;
    c.token_url = str("token_url");
    c.client_id = str("client_id");
    c.client_secret = str("client_secret");
    c.scope = str("scope");
  } else {
    return Status::InvalidArgument("credentials: " + name + " (" + file +
                                   "): type must be \"basic\" or \"oauth\"");
  }
  RETURN_IF_ERROR(Check(c, name, file));
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
