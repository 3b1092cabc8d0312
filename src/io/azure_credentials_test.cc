// OAuth token endpoints that echo the request: the client secret must not
// reach the error message (issue 14, item 6).
#include "io/azure_credentials.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

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

}  // namespace
}  // namespace lakestream::io
