// OAuth token endpoints that echo the request: the client secret must not
// reach the error message (issue 14, item 6).
#include "io/azure_credentials.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <map>
#include <thread>

#include "common/base64.h"
#include "io/credentials.h"
#include "io/file_system.h"
#include "io/http_client.h"

namespace lakestream::io {
namespace {

// A local token endpoint that rejects every request and echoes it back, as
// some identity providers and proxies do in error_description.
class EchoingTokenEndpoint {
 public:
  EchoingTokenEndpoint() {
    server_.Post(R"(/.*)", [](const httplib::Request& req, httplib::Response& res) {
      std::string echoed = req.body;
      std::string raw_secret;
      auto p = echoed.find("client_secret=");
      if (p != std::string::npos) {
        raw_secret = httplib::detail::decode_url(
            echoed.substr(p + 14, echoed.find('&', p) - p - 14), false);
      }
      nlohmann::json j = {{"error", "invalid_client"},
                          {"error_description", "AADSTS7000215: Invalid client secret '" +
                                                    raw_secret + "'. Request: " + echoed}};
      res.status = 401;
      res.set_content(j.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~EchoingTokenEndpoint() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

TEST(AzureCredentialsTest, AnEchoedClientSecretNeverReachesTheError) {
  EchoingTokenEndpoint endpoint;
  const std::string secret = "Xq8~s3cr+t/Value=";
  auto http = std::shared_ptr<HttpClient>(MakeCurlHttpClient());
  TokenFetcher fetch = ClientSecretTokenFetcher(http, endpoint.url(), "tenant1", "app-id", secret);
  Result<AccessToken> t = fetch();
  ASSERT_FALSE(t.ok());
  std::string msg = t.status().ToString();
  EXPECT_NE(msg.find("invalid_client"), std::string::npos) << msg;
  EXPECT_NE(msg.find("client_secret=REDACTED"), std::string::npos) << msg;
  EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
  EXPECT_EQ(msg.find("s3cr%2Bt%2FValue%3D"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("s3cr"), std::string::npos) << msg;
}

// The one precedence (io/credentials.h): the environment, then the secrets
// file, then a managed identity.
TEST(AzureCredentialsTest, TheEnvironmentComesFirstThenTheSecretsFileThenTheManagedIdentity) {
  std::map<std::string, std::string> env = {{"IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi"},
                                            {"LAKESTREAM_SECRETS_FILE", "/s.yaml"}};
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("/s.yaml", "azure.acct: {type: azure, sas_token: sv=1&sig=x}\n"
                                       "azure.half:\n  type: azure\n  client_secret: s3cr3t-v\n")
                  .ok());
  CredentialResolver::Options o;
  o.env = [&env](const std::string& v) -> std::optional<std::string> {
    return env.count(v) ? std::optional<std::string>(env[v]) : std::nullopt;
  };
  o.fs = fs.get();
  CredentialResolver r(o);
  auto http = std::shared_ptr<HttpClient>(MakeCurlHttpClient());
  auto kind = [&](const std::string& account) {
    auto c = ResolveAzureCredential(account, http, &r);
    return c.ok() ? (*c)->kind() : c.status().ToString();
  };
  EXPECT_EQ(kind("acct"), "SAS token");
  EXPECT_EQ(kind("other"), "managed identity (OAuth)");
  env["AZURE_STORAGE_KEY"] = Base64Encode("k");
  EXPECT_EQ(kind("acct"), "shared key");
  env.erase("AZURE_STORAGE_KEY");
  std::string half = kind("half");
  EXPECT_NE(half.find("InvalidArgument: credentials: azure.half (secrets file /s.yaml: entry "
                      "azure.half (line 2)): a client_secret needs tenant_id and client_id"),
            std::string::npos)
      << half;
  EXPECT_EQ(half.find("s3cr3t"), std::string::npos) << half;
  env.erase("IDENTITY_ENDPOINT");
  std::string none = kind("other");
  for (const char* where : {"NotFound", "AZURE_STORAGE_KEY", "secrets file /s.yaml (no entry "
                            "'azure.other' or 'azure')", "IDENTITY_ENDPOINT"}) {
    EXPECT_NE(none.find(where), std::string::npos) << none;
  }
}

}  // namespace
}  // namespace lakestream::io
