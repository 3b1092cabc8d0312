// Pure pieces of the Azure backend: URIs, Shared Key strings to sign, XML,
// redaction, credential resolution from the environment and a file.
#include "io/azure_uri.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "common/base64.h"
#include "common/redact.h"
#include "io/azure_blob_client.h"
#include "io/azure_credentials.h"
#include "io/azure_xml.h"
#include "io/file_system_resolver.h"

namespace lakestream::io {
namespace {

TEST(AzureUriTest, AllFormsNameTheSameBlob) {
  for (const char* uri : {"az://acct/tables/events/_delta_log/0.json",
                          "abfss://tables@acct.dfs.core.windows.net/events/_delta_log/0.json",
                          "abfs://tables@acct.dfs.core.windows.net/events/_delta_log/0.json",
                          "wasbs://tables@acct.blob.core.windows.net/events/_delta_log/0.json"}) {
    auto loc = ParseAzureUri(uri);
    ASSERT_TRUE(loc.ok()) << uri << ": " << loc.status().ToString();
    EXPECT_EQ(loc->account, "acct");
    EXPECT_EQ(loc->container, "tables");
    EXPECT_EQ(loc->blob, "events/_delta_log/0.json");
    EXPECT_EQ(CanonicalAzureUri(*loc), "az://acct/tables/events/_delta_log/0.json");
  }
  EXPECT_EQ(*CanonicalLocation("abfss://c1@acct.dfs.core.windows.net/t/"), "az://acct/c1/t");
  EXPECT_EQ(*CanonicalLocation("/local/t/"), "/local/t/");
}

TEST(AzureUriTest, MalformedUrisSayWhatIsWrong) {
  struct Case {
    const char* uri;
    const char* says;
  } cases[] = {
      {"az://acct", "no container"},
      {"abfss://acct.dfs.core.windows.net/x", "no container"},
      {"abfss://c@acct.example.com/x", "core.windows.net"},
      {"az://acct/Upper/x", "bad container name"},
      {"az://ac-ct/c/x", "bad storage account name"},
      {"az://acct/c/x?sig=abc", "query strings"},
      {"s3://bucket/x", "not an Azure URI"},
  };
  for (const auto& c : cases) {
    auto loc = ParseAzureUri(c.uri);
    ASSERT_FALSE(loc.ok()) << c.uri;
    EXPECT_TRUE(loc.status().IsInvalidArgument());
    EXPECT_NE(loc.status().message().find(c.says), std::string::npos) << loc.status().ToString();
  }
  EXPECT_TRUE(FileSystemForUri("s3://bucket/t").status().IsNotSupported());
}

// The layout of the Shared Key string to sign (learn.microsoft.com "Authorize
// with Shared Key", Blob service, version 2015-02-21 and later).
TEST(AzureSharedKeyTest, StringToSignHasEveryFieldInOrder) {
  AzureSignable r;
  r.method = "PUT";
  r.account = "myaccount";
  r.url_path = "/mycontainer/dir/a%20b.json";
  r.query = {{"comp", "block"}, {"blockid", "QUJD"}, {"Timeout", "30"}};
  r.headers = {{"x-ms-version", "2023-11-03"},
               {"X-MS-Date", "Tue, 24 Nov 2026 22:00:00 GMT"},
               {"If-None-Match", "*"},
               {"Content-Type", "application/xml"},
               {"x-ms-blob-type", " BlockBlob "}};
  r.content_length = 11;
  EXPECT_EQ(SharedKeyStringToSign(r),
            "PUT\n\n\n11\n\napplication/xml\n\n\n\n*\n\n\n"
            "x-ms-blob-type:BlockBlob\nx-ms-date:Tue, 24 Nov 2026 22:00:00 GMT\n"
            "x-ms-version:2023-11-03\n"
            "/myaccount/mycontainer/dir/a%20b.json\nblockid:QUJD\ncomp:block\ntimeout:30");
  r.method = "GET";
  r.content_length = 0;  // empty, not "0"
  r.headers = {{"x-ms-range", "bytes=0-9"}};
  r.query = {{"prefix", "a"}, {"include", "metadata"}, {"include", "deleted"}};
  EXPECT_EQ(SharedKeyStringToSign(r),
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-range:bytes=0-9\n"
            "/myaccount/mycontainer/dir/a%20b.json\ninclude:deleted,metadata\nprefix:a");
}

// RFC 4231 test case 2.
TEST(AzureSharedKeyTest, HmacSha256MatchesRfc4231) {
  std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : mac) hex += std::string{kHex[c >> 4], kHex[c & 15]};
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AzureXmlTest, FindsBlobsAndDecodesNames) {
  std::string xml =
      "<?xml version=\"1.0\"?><EnumerationResults><Blobs>"
      "<Blob><Name>a&amp;b/c&#x20;d.json</Name><Properties><Content-Length>12</Content-Length>"
      "</Properties></Blob><Blob><Name Encoded=\"true\">x%0Ay</Name></Blob>"
      "</Blobs><NextMarker/></EnumerationResults>";
  auto blobs = XmlFindAll(xml, "Blob");
  ASSERT_EQ(blobs.size(), 2u);  // <Blobs> is not <Blob>
  EXPECT_EQ(XmlText(blobs[0].inner, "Name"), "a&b/c d.json");
  EXPECT_EQ(XmlText(blobs[0].inner, "Content-Length"), "12");
  EXPECT_EQ(XmlText(blobs[1].inner, "Name"), "x\ny");
  EXPECT_EQ(XmlText(xml, "NextMarker"), "");
  // Truncated documents find nothing rather than reading past the end.
  EXPECT_TRUE(XmlFindAll("<Blob><Name>x</Na", "Name").empty());
  EXPECT_EQ(XmlUnescape("&#99999999;&bogus;&"), "&#99999999;&bogus;&");
}

TEST(AzureRedactTest, SecretsAndSasSignaturesNeverSurvive) {
  std::string key = "c2VjcmV0LWtleS1ieXRlcw==";
  std::string msg = "GET http://h/a?sv=2019&sig=abc%2Fdef&se=x failed; key " + key;
  std::string out = Redact(msg, {key});  // common/redact.h, THE redaction
  EXPECT_EQ(out.find("abc%2Fdef"), std::string::npos) << out;
  EXPECT_EQ(out.find(key), std::string::npos) << out;
  EXPECT_NE(out.find("sig=REDACTED&se=x"), std::string::npos) << out;
}

TEST(AzureRedactTest, AccountSasIsSignedWithTheKey) {
  std::string key = Base64Encode("0123456789abcdef0123456789abcdef");
  auto sas = MakeAccountSas("acct", key, "rl", "2030-01-01T00:00:00Z");
  ASSERT_TRUE(sas.ok());
  std::string to_sign = "acct\nrl\nb\nsco\n\n2030-01-01T00:00:00Z\n\nhttps,http\n2019-12-12\n";
  std::string sig =
      UrlEncodeComponent(Base64Encode(HmacSha256("0123456789abcdef0123456789abcdef", to_sign)));
  EXPECT_NE(sas->find("&sig=" + sig), std::string::npos) << *sas;
  EXPECT_TRUE(MakeAccountSas("acct", "not base64!", "r", "x").status().IsInvalidArgument());
}

class AzureCredentialEnvTest : public ::testing::Test {
 protected:
  void SetUp() override { Clear(); }
  void TearDown() override { Clear(); }
  static void Clear() {
    for (const char* v :
         {"AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN",
          "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT",
          "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "LAKESTREAM_AZURE_CREDENTIALS_FILE",
          "LAKESTREAM_AZURE_ENDPOINT", "LAKESTREAM_AZURE_BLOCK_SIZE"}) {
      ::unsetenv(v);
    }
  }
  std::shared_ptr<HttpClient> http_ = MakeCurlHttpClient();
};

TEST_F(AzureCredentialEnvTest, NothingConfiguredIsNotFoundAndNamesTheSettings) {
  auto c = ResolveAzureCredential("acct", http_);
  ASSERT_TRUE(c.status().IsNotFound());
  EXPECT_NE(c.status().message().find("AZURE_STORAGE_KEY"), std::string::npos);
}

TEST_F(AzureCredentialEnvTest, PrecedenceKeyThenSasThenClientSecret) {
  ::setenv("AZURE_TENANT_ID", "t", 1);
  ::setenv("AZURE_CLIENT_ID", "c", 1);
  ::setenv("AZURE_CLIENT_SECRET", "s", 1);
  EXPECT_EQ((*ResolveAzureCredential("acct", http_))->kind(), "client secret (OAuth)");
  ::setenv("AZURE_STORAGE_SAS_TOKEN", "?sv=1&sig=x", 1);
  EXPECT_EQ((*ResolveAzureCredential("acct", http_))->kind(), "SAS token");
  ::setenv("AZURE_STORAGE_KEY", Base64Encode("k").c_str(), 1);
  EXPECT_EQ((*ResolveAzureCredential("acct", http_))->kind(), "shared key");
  ::setenv("AZURE_STORAGE_KEY", "%%%", 1);
  auto bad = ResolveAzureCredential("acct", http_);
  ASSERT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_EQ(bad.status().message().find("%%%"), std::string::npos);  // never echo a secret
}

TEST_F(AzureCredentialEnvTest, FileEntriesForTheAccountWinOverGeneralOnes) {
  std::string path = ::testing::TempDir() + "/azure_creds_test.txt";
  {
    std::ofstream f(path);
    f << "# lakestream credentials\n"
      << "sas_token = sv=general&sig=g\n"
      << "other.account_key = " << Base64Encode("other") << "\n"
      << "acct.sas_token = ?sv=specific&sig=s\n";
  }
  ::setenv("LAKESTREAM_AZURE_CREDENTIALS_FILE", path.c_str(), 1);
  AzureSignable r;
  auto acct = ResolveAzureCredential("acct", http_);
  ASSERT_TRUE(acct.ok()) << acct.status().ToString();
  ASSERT_TRUE((*acct)->Authorize(&r).ok());
  EXPECT_EQ(r.extra_query, "sv=specific&sig=s");
  EXPECT_EQ((*ResolveAzureCredential("other", http_))->kind(), "shared key");
  EXPECT_EQ((*ResolveAzureCredential("third", http_))->kind(), "SAS token");
  {
    std::ofstream f(path);
    f << "no equals sign here\n";
  }
  auto bad = ResolveAzureCredential("acct", http_);
  ASSERT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("line 1"), std::string::npos);
}

TEST_F(AzureCredentialEnvTest, EnvironmentOptionsAreValidated) {
  ::setenv("LAKESTREAM_AZURE_ENDPOINT", "127.0.0.1:10000", 1);
  EXPECT_TRUE(AzureOptionsFromEnvironment().status().IsInvalidArgument());
  ::setenv("LAKESTREAM_AZURE_ENDPOINT", "http://127.0.0.1:10000/", 1);
  ::setenv("LAKESTREAM_AZURE_BLOCK_SIZE", "12", 1);
  auto o = AzureOptionsFromEnvironment();
  ASSERT_TRUE(o.status().IsInvalidArgument());
  EXPECT_NE(o.status().message().find("LAKESTREAM_AZURE_BLOCK_SIZE"), std::string::npos);
  ::setenv("LAKESTREAM_AZURE_BLOCK_SIZE", "1048576", 1);
  o = AzureOptionsFromEnvironment();
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->endpoint, "http://127.0.0.1:10000");
  EXPECT_EQ(o->block_size, 1048576u);
}

TEST(AzureHttpDateTest, ParsesRfc1123) {
  EXPECT_EQ(ParseHttpDateMs("Thu, 01 Jan 1970 00:00:10 GMT"), 10000);
  EXPECT_EQ(ParseHttpDateMs("Tue, 24 Nov 2026 22:24:36 GMT"), 1795559076000);
  EXPECT_EQ(ParseHttpDateMs("garbage"), 0);
  EXPECT_GT(ParseHttpDateMs(HttpDateNow()), 1700000000000);
}

}  // namespace
}  // namespace lakestream::io
