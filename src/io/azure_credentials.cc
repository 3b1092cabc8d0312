#include "io/azure_credentials.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/clock.h"
#include "common/retry.h"
#include "common/base64.h"
#include "common/redact.h"
#include "io/credentials.h"

namespace lakestream::io {
namespace {

constexpr char kStorageScope[] = "https://storage.azure.com/.default";
constexpr char kStorageResource[] = "https://storage.azure.com/";

int64_t NowMs() { return RealClock()->NowMillis(); }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

class SharedKeyCredential final : public AzureCredential {
 public:
  SharedKeyCredential(std::string account, std::string key, std::string base64_key)
      : account_(std::move(account)), key_(std::move(key)), base64_key_(std::move(base64_key)) {
    RegisterSecret(base64_key_);
  }
  std::string kind() const override { return "shared key"; }
  Status Authorize(AzureSignable* req) override {
    std::string sig = Base64Encode(HmacSha256(key_, SharedKeyStringToSign(*req)));
    req->headers.emplace_back("Authorization", "SharedKey " + account_ + ":" + sig);
    return Status::OK();
  }
  std::vector<std::string> Secrets() const override { return {base64_key_}; }

 private:
  std::string account_, key_, base64_key_;
};

class SasCredential final : public AzureCredential {
 public:
  explicit SasCredential(std::string token) : token_(std::move(token)) { RegisterSecret(token_); }
  std::string kind() const override { return "SAS token"; }
  Status Authorize(AzureSignable* req) override {
    req->extra_query = token_;
    return Status::OK();
  }
  std::vector<std::string> Secrets() const override { return {token_}; }

 private:
  std::string token_;
};

class BearerCredential final : public AzureCredential {
 public:
  BearerCredential(std::string kind, TokenFetcher fetch)
      : kind_(std::move(kind)), fetch_(std::move(fetch)) {}
  std::string kind() const override { return kind_; }
  Status Authorize(AzureSignable* req) override {
    std::string token;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (token_.token.empty() || token_.expires_at_ms - NowMs() < 5 * 60 * 1000) {
        Result<AccessToken> t = fetch_();
        if (!t.ok()) return t.status().WithContext("azure: " + kind_);
        token_ = std::move(*t);
      }
      token = token_.token;
    }
    req->headers.emplace_back("Authorization", "Bearer " + token);
    return Status::OK();
  }
  std::vector<std::string> Secrets() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return {token_.token};
  }

 private:
  std::string kind_;
  TokenFetcher fetch_;
  mutable std::mutex mu_;
  AccessToken token_;
};

// Sends a token request, retrying transient failures a few times.
Result<AccessToken> FetchToken(HttpClient* http, const HttpRequest& req, const std::string& what) {
  RetryPolicy policy;
  policy.initial_backoff_ms = 400;
  policy.max_backoff_ms = 3200;
  Result<HttpResponse> resp = SendWithRetry(*http, req, what, policy);
  if (!resp.ok()) return resp.status().WithContext("token endpoint");
  auto j = nlohmann::json::parse(resp->body, nullptr, /*allow_exceptions=*/false);
  if (resp->status != 200) {
    std::string err;
    if (j.is_object()) {
      if (j.contains("error") && j["error"].is_string()) err = j["error"].get<std::string>();
      if (j.contains("error_description") && j["error_description"].is_string()) {
        err += ": " + j["error_description"].get<std::string>();
      }
    }
    return Status::InvalidArgument("token endpoint " + what + ": HTTP " +
                                   std::to_string(resp->status) + (err.empty() ? "" : " " + err));
  }
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
    return Status::Corruption("token endpoint " + what + ": response has no access_token");
  }
  AccessToken t;
  t.token = j["access_token"].get<std::string>();
  RegisterSecret(t.token);
  // expires_in (seconds from now) from Entra ID; expires_on (epoch seconds,
  // often as a string) from managed identity endpoints.
  auto number = [&](const char* name) -> int64_t {
    if (!j.contains(name)) return -1;
    const auto& v = j[name];
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_string()) return std::strtoll(v.get<std::string>().c_str(), nullptr, 10);
    return -1;
  };
  int64_t in = number("expires_in"), on = number("expires_on");
  if (in > 0) {
    t.expires_at_ms = NowMs() + in * 1000;
  } else if (on > 0) {
    t.expires_at_ms = on * 1000;
  } else {
    t.expires_at_ms = NowMs() + 10 * 60 * 1000;
  }
  return t;
}

// The AZURE_* variables of each field of an azure credential.
std::vector<std::string> AzureEnvNames(const std::string& field) {
  static const std::map<std::string, std::vector<std::string>> names = {
      {"account_key", {"AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY"}},
      {"sas_token", {"AZURE_STORAGE_SAS_TOKEN"}},
      {"tenant_id", {"AZURE_TENANT_ID"}},
      {"client_id", {"AZURE_CLIENT_ID"}},
      {"client_secret", {"AZURE_CLIENT_SECRET"}},
      {"authority_host", {"AZURE_AUTHORITY_HOST"}}};
  auto it = names.find(field);
  return it == names.end() ? std::vector<std::string>{} : it->second;
}

// Step 3: a managed identity endpoint; null when the platform sets none.
std::shared_ptr<AzureCredential> ManagedIdentity(const CredentialResolver& r,
                                                 std::shared_ptr<HttpClient> http,
                                                 const std::string& client_id) {
  if (std::optional<std::string> ep = r.Env("IDENTITY_ENDPOINT")) {
    return NewBearerCredential(
        "managed identity (OAuth)",
        ManagedIdentityTokenFetcher(http, *ep, "X-IDENTITY-HEADER",
                                    r.Env("IDENTITY_HEADER").value_or(""), "2019-08-01",
                                    client_id));
  }
  if (std::optional<std::string> ep = r.Env("MSI_ENDPOINT")) {
    std::string secret_hdr = r.Env("MSI_SECRET").value_or("");
    return NewBearerCredential(
        "managed identity (OAuth)",
        ManagedIdentityTokenFetcher(http, *ep, secret_hdr.empty() ? "" : "secret", secret_hdr,
                                    "2017-09-01", client_id));
  }
  return nullptr;
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string SharedKeyStringToSign(const AzureSignable& req) {
  std::map<std::string, std::string> std_headers;  // lowercased standard headers
  std::map<std::string, std::string> ms_headers;   // x-ms-*, sorted
  for (const auto& [name, value] : req.headers) {
    std::string n = Lower(name);
    if (n.starts_with("x-ms-")) {
      ms_headers[n] = Trim(value);
    } else {
      std_headers[n] = value;
    }
  }
  auto h = [&](const char* n) {
    auto it = std_headers.find(n);
    return it == std_headers.end() ? std::string() : it->second;
  };
  std::string s = req.method + "\n";
  s += h("content-encoding") + "\n";
  s += h("content-language") + "\n";
  s += (req.content_length == 0 ? std::string() : std::to_string(req.content_length)) + "\n";
  s += h("content-md5") + "\n";
  s += h("content-type") + "\n";
  s += "\n";  // Date: we send x-ms-date instead
  s += h("if-modified-since") + "\n";
  s += h("if-match") + "\n";
  s += h("if-none-match") + "\n";
  s += h("if-unmodified-since") + "\n";
  s += h("range") + "\n";
  for (const auto& [n, v] : ms_headers) s += n + ":" + v + "\n";
  s += "/" + req.account + req.url_path;
  std::map<std::string, std::vector<std::string>> params;
  for (const auto& [n, v] : req.query) params[Lower(n)].push_back(v);
  for (auto& [n, vs] : params) {
    std::sort(vs.begin(), vs.end());
    s += "\n" + n + ":";
    for (size_t i = 0; i < vs.size(); ++i) s += (i ? "," : "") + vs[i];
  }
  return s;
}

Result<std::shared_ptr<AzureCredential>> NewSharedKeyCredential(std::string account,
                                                                std::string base64_key) {
  std::optional<std::string> key = Base64Decode(base64_key);
  if (!key || key->empty()) {
    return Status::InvalidArgument("azure: account key for " + account + " is not valid base64");
  }
  return std::shared_ptr<AzureCredential>(
      new SharedKeyCredential(std::move(account), std::move(*key), std::move(base64_key)));
}

std::shared_ptr<AzureCredential> NewSasCredential(std::string sas_token) {
  if (!sas_token.empty() && sas_token[0] == '?') sas_token.erase(0, 1);
  return std::make_shared<SasCredential>(std::move(sas_token));
}

std::shared_ptr<AzureCredential> NewBearerCredential(std::string kind, TokenFetcher fetch) {
  return std::make_shared<BearerCredential>(std::move(kind), std::move(fetch));
}

TokenFetcher ClientSecretTokenFetcher(std::shared_ptr<HttpClient> http, std::string authority,
                                      std::string tenant, std::string client_id,
                                      std::string client_secret) {
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  RegisterSecret(client_secret);
  return [=]() -> Result<AccessToken> {
    HttpRequest req;
    req.method = "POST";
    req.url = authority + "/" + UrlEncodeComponent(tenant) + "/oauth2/v2.0/token";
    std::string form = "grant_type=client_credentials&client_id=" + UrlEncodeComponent(client_id) +
                       "&client_secret=" + UrlEncodeComponent(client_secret) +
                       "&scope=" + UrlEncodeComponent(kStorageScope);
    req.body = form;
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace_back("Accept", "application/json");
    return FetchToken(http.get(), req, req.url);
  };
}

TokenFetcher ManagedIdentityTokenFetcher(std::shared_ptr<HttpClient> http, std::string endpoint,
                                         std::string header_name, std::string header_value,
                                         std::string api_version, std::string client_id) {
  RegisterSecret(header_value);
  return [=]() -> Result<AccessToken> {
    HttpRequest req;
    req.method = "GET";
    req.url = endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") +
              "api-version=" + api_version + "&resource=" + UrlEncodeComponent(kStorageResource);
    if (!client_id.empty()) req.url += "&client_id=" + UrlEncodeComponent(client_id);
    if (!header_name.empty()) req.headers.emplace_back(header_name, header_value);
    req.headers.emplace_back("Metadata", "true");
    return FetchToken(http.get(), req, endpoint);
  };
}

Result<std::shared_ptr<AzureCredential>> ResolveAzureCredential(
    const std::string& account, std::shared_ptr<HttpClient> http,
    const CredentialResolver* resolver) {
  CredentialResolver process_resolver;
  const CredentialResolver& r = resolver != nullptr ? *resolver : process_resolver;
  CredentialQuery q;
  q.name = "azure." + account;
  q.kinds = {&AzureStorageCredentialKind()};
  q.env_names = AzureEnvNames;
  q.env_description =
      "AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN, AZURE_TENANT_ID + AZURE_CLIENT_ID + "
      "AZURE_CLIENT_SECRET";
  q.entries = {"azure." + account, "azure"};
  Result<ResolvedCredential> found = r.Resolve(q);
  if (!found.ok() && !found.status().IsNotFound()) return found.status();
  std::string client_id;  // selects a user-assigned managed identity when nothing else is set
  if (found.ok()) {
    const ResolvedCredential& c = *found;
    if (std::string key = c.Get("account_key"); !key.empty()) {
      Result<std::shared_ptr<AzureCredential>> k = NewSharedKeyCredential(account, key);
      if (!k.ok()) return k.status().WithContext("credentials: " + c.name + " (" + c.where + ")");
      return k;
    }
    if (std::string sas = c.Get("sas_token"); !sas.empty()) return NewSasCredential(sas);
    client_id = c.Get("client_id");
    if (std::string secret = c.Get("client_secret"); !secret.empty()) {
      if (c.Get("tenant_id").empty() || client_id.empty()) {
        return Status::InvalidArgument("credentials: " + c.name + " (" + c.where +
                                       "): a client_secret needs tenant_id and client_id");
      }
      std::string authority = c.Get("authority_host");
      if (authority.empty()) authority = "https://login.microsoftonline.com";
      return NewBearerCredential(
          "client secret (OAuth)",
          ClientSecretTokenFetcher(http, authority, c.Get("tenant_id"), client_id, secret));
    }
  } else {
    client_id = r.Env("AZURE_CLIENT_ID").value_or("");
  }
  if (auto mi = ManagedIdentity(r, http, client_id)) return mi;
  std::string looked = found.ok() ? found->where + " has no key, SAS token or client secret"
                                  : found.status().message();
  return Status::NotFound("azure: no credentials for storage account " + account + ": " +
                          looked + "; no managed identity endpoint (IDENTITY_ENDPOINT, "
                          "MSI_ENDPOINT) either (docs/credentials.md)");
}

Result<std::string> MakeAccountSas(const std::string& account, const std::string& base64_key,
                                   const std::string& permissions, const std::string& expiry) {
  std::optional<std::string> key = Base64Decode(base64_key);
  if (!key || key->empty()) {
    return Status::InvalidArgument("azure: account key for " + account + " is not valid base64");
  }
  const std::string sv = "2019-12-12", ss = "b", srt = "sco", spr = "https,http";
  std::string to_sign = account + "\n" + permissions + "\n" + ss + "\n" + srt + "\n" + "\n" +
                        expiry + "\n" + "\n" + spr + "\n" + sv + "\n";
  std::string sig = Base64Encode(HmacSha256(*key, to_sign));
  return "sv=" + sv + "&ss=" + ss + "&srt=" + srt + "&sp=" + permissions +
         "&se=" + UrlEncodeComponent(expiry) + "&spr=" + UrlEncodeComponent(spr) +
         "&sig=" + UrlEncodeComponent(sig);
}


}  // namespace lakestream::io
