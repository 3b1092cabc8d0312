#include "common/redact.h"

#include <gtest/gtest.h>

#include "common/logger.h"
#include "common/status.h"

namespace lakestream {
namespace {

// One test per secret kind: the secret is gone, the context around it stays.

TEST(RedactTest, OAuthClientSecretEchoedInAFormBodyIsRemoved) {
  std::string out = Redact(
      "token endpoint: HTTP 400 invalid_client: bad request "
      "grant_type=client_credentials&client_id=app1&client_secret=S3cr3t-Value&scope=x");
  EXPECT_EQ(out.find("S3cr3t-Value"), std::string::npos) << out;
  EXPECT_NE(out.find("client_secret=REDACTED&scope=x"), std::string::npos) << out;
  EXPECT_NE(out.find("client_id=app1"), std::string::npos) << out;
}

TEST(RedactTest, SasSignatureIsRemoved) {
  std::string out = Redact("GET https://a.blob.core.windows.net/c/x?sv=2019&sig=abc%2Bdef%3D&se=1");
  EXPECT_NE(out.find("sig=REDACTED&se=1"), std::string::npos) << out;
  EXPECT_NE(out.find("sv=2019"), std::string::npos) << out;
}

TEST(RedactTest, PasswordAndTokenFieldsInEveryWrittenFormAreRemoved) {
  EXPECT_EQ(Redact("host=db password=hunter22 dbname=meta"),
            "host=db password=REDACTED dbname=meta");
  EXPECT_EQ(Redact("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;"
                   "SharedAccessKey=AbCdEf123=;EntityPath=t"),
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;"
            "SharedAccessKey=REDACTED;EntityPath=t");
  EXPECT_EQ(Redact("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9vYmFy==;"),
            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=REDACTED;");
  EXPECT_EQ(Redact("sasl.password=pw12345, sasl.username=$ConnectionString"),
            "sasl.password=REDACTED, sasl.username=$ConnectionString");
  EXPECT_EQ(Redact(R"({"error":"x","access_token": "eyJ0eXAi.abc","token_type":"Bearer"})"),
            R"({"error":"x","access_token": "REDACTED","token_type":"Bearer"})");
  EXPECT_EQ(Redact(R"({"client_secret":"a\"b","client_id":"app"})"),
            R"({"client_secret":"REDACTED","client_id":"app"})");
}

TEST(RedactTest, NamesThatOnlyPointAtCredentialsAreKept) {
  EXPECT_EQ(Redact("token_url=https://login/x api_token_env=LAKESTREAM_API_TOKEN client_id=7"),
            "token_url=https://login/x api_token_env=LAKESTREAM_API_TOKEN client_id=7");
  EXPECT_EQ(Redact("country = 'DE' AND key=5"), "country = 'DE' AND key=5");
  EXPECT_FALSE(IsCredentialName("credential"));
  EXPECT_TRUE(IsCredentialName("X-API-Token"));
  EXPECT_TRUE(IsCredentialName("sasl.jaas.config"));
}

TEST(RedactTest, UrlPasswordIsRemovedAndTheUserKept) {
  EXPECT_EQ(Redact("GET http://alice:PASSWORD1@sap.example:4004/odata/v4/Orders failed"),
            "GET http://alice:REDACTED@sap.example:4004/odata/v4/Orders failed");
  EXPECT_EQ(Redact("postgresql://postgres@127.0.0.1:5432/meta"),
            "postgresql://postgres@127.0.0.1:5432/meta");
  EXPECT_TRUE(UrlHasUserInfo("http://u:p@h/x"));
  EXPECT_TRUE(UrlHasUserInfo("https://u@h"));
  EXPECT_FALSE(UrlHasUserInfo("https://h/x@y"));
}

TEST(RedactTest, AuthorizationHeaderValuesAreRemoved) {
  EXPECT_EQ(Redact("Authorization: Bearer eyJhbGciOi.J9xyz"), "Authorization: Bearer REDACTED");
  EXPECT_EQ(Redact("Authorization: Basic dXNlcjpwYXNzd29yZA=="), "Authorization: Basic REDACTED");
  EXPECT_EQ(Redact("basic authentication failed"), "basic authentication failed");
}

TEST(RedactTest, WebhookUrlsKeepOnlySchemeAndHost) {
  EXPECT_EQ(RedactUrlPath("https://hooks.slack.com/services/T000/B000/XXXX?x=1"),
            "https://hooks.slack.com/REDACTED");
  EXPECT_EQ(RedactUrlPath("http://u:p@127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(RedactUrlPath("not a url"), "REDACTED");
}

TEST(RedactTest, RegisteredSecretsAreRemovedWhereverTheyAppearAlsoPercentEncoded) {
  RegisterSecret("p@ss word/42");
  std::string out = Redact("login with p@ss word/42 failed; body echoed p%40ss%20word%2F42");
  EXPECT_EQ(out, "login with REDACTED failed; body echoed REDACTED");
  RegisterSecret("abc");  // too short to register: would redact ordinary text
  EXPECT_EQ(Redact("abc"), "abc");
  EXPECT_EQ(Redact("the key is k3y-v4lue", {"k3y-v4lue"}), "the key is REDACTED");
}

TEST(RedactTest, EveryErrorMessageAndLogLineIsRedacted) {
  Status st = Status::InvalidArgument("oauth: HTTP 401 echo client_secret=TopSecret9");
  EXPECT_EQ(st.message().find("TopSecret9"), std::string::npos) << st.ToString();
  Status ctx = Status::IOError("x").WithContext("GET http://u:Hidden99@h/");
  EXPECT_EQ(ctx.ToString().find("Hidden99"), std::string::npos) << ctx.ToString();

  Logger log;
  std::string line;
  log.SetSink([&](std::string_view l) { line = std::string(l); });
  log.Error("notify", "webhook failed password=Leak123", {{"password", "Leak456"},
                                                          {"error", "sig=Leak789&x=1"}});
  EXPECT_EQ(line.find("Leak"), std::string::npos) << line;
  EXPECT_NE(line.find("x=1"), std::string::npos) << line;
}

}  // namespace
}  // namespace lakestream
