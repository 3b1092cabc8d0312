// The one credentials resolver: precedence, the secrets-file format and its
// errors, messages that name where without showing what.
#include "io/credentials.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "common/logger.h"
#include "io/file_system.h"

namespace lakestream::io {
namespace {

constexpr char kSecret[] = "Xq8~s3cr+t/Value=";

class CredentialResolverTest : public ::testing::Test {
 protected:
  CredentialResolver Resolver() {
    CredentialResolver::Options o;
    o.env = [this](const std::string& var) -> std::optional<std::string> {
      auto it = env_.find(var);
      if (it == env_.end() || it->second.empty()) return std::nullopt;
      return it->second;
    };
    o.fs = fs_.get();
    return CredentialResolver(o);
  }
  void SecretsFile(const std::string& text) {
    ASSERT_TRUE(fs_->WriteFile("/etc/secrets.yaml", text).ok());
    env_["LAKESTREAM_SECRETS_FILE"] = "/etc/secrets.yaml";
  }
  static CredentialQuery ODataQuery(const std::string& name) {
    CredentialQuery q;
    q.name = name;
    q.kinds = {&BasicCredentialKind(), &OAuthCredentialKind()};
    return q;
  }
  // The message of a failed resolution, checked to carry no secret.
  std::string ErrorOf(const Result<ResolvedCredential>& r) {
    EXPECT_FALSE(r.ok());
    std::string msg = r.status().ToString();
    EXPECT_EQ(msg.find("s3cr"), std::string::npos) << msg;
    return msg;
  }

  std::map<std::string, std::string> env_;
  std::shared_ptr<FileSystem> fs_ = NewMemoryFileSystem();
};

TEST_F(CredentialResolverTest, TheEnvironmentWinsOverTheSecretsFile) {
  SecretsFile("sap: {type: basic, user: file-user, password: file-pass}\n");
  env_["LAKESTREAM_CRED_SAP_USER"] = "env-user";
  env_["LAKESTREAM_CRED_SAP_PASSWORD"] = "env-pass";
  Result<ResolvedCredential> c = Resolver().Resolve(ODataQuery("sap"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->Get("user"), "env-user");
  EXPECT_NE(c->where.find("environment"), std::string::npos);

  env_.erase("LAKESTREAM_CRED_SAP_USER");
  env_.erase("LAKESTREAM_CRED_SAP_PASSWORD");
  c = Resolver().Resolve(ODataQuery("sap"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->type, "basic");
  EXPECT_EQ(c->Get("password"), "file-pass");
  EXPECT_EQ(c->where, "secrets file /etc/secrets.yaml: entry sap (line 1)");
}

TEST_F(CredentialResolverTest, SourcesAreNeverMixedFieldByField) {
  SecretsFile("sap: {type: basic, user: file-user, password: file-pass}\n");
  env_["LAKESTREAM_CRED_SAP_USER"] = "env-user";
  std::string msg = ErrorOf(Resolver().Resolve(ODataQuery("sap")));
  EXPECT_NE(msg.find("InvalidArgument"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sap (environment: LAKESTREAM_CRED_SAP_*): password is missing"),
            std::string::npos)
      << msg;
}

TEST_F(CredentialResolverTest, EntriesAreTriedInOrderAndTheKindComesFromTheType) {
  SecretsFile(R"(# one file for every secret
azure: {type: azure, sas_token: sv=general}
azure.acct:
  type: azure
  account_key: a2V5
btp: {type: oauth, token_url: "https://login/t", client_id: app, client_secret: x1234}
)");
  CredentialQuery q;
  q.name = "azure.acct";
  q.kinds = {&AzureStorageCredentialKind()};
  q.env_names = [](const std::string&) { return std::vector<std::string>{}; };
  q.entries = {"azure.acct", "azure"};
  Result<ResolvedCredential> c = Resolver().Resolve(q);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->Get("account_key"), "a2V5");
  EXPECT_EQ(c->Get("sas_token"), "");  // the general entry is not merged in
  q.entries = {"azure.other", "azure"};
  EXPECT_EQ(Resolver().Resolve(q)->Get("sas_token"), "sv=general");

  c = Resolver().Resolve(ODataQuery("btp"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->type, "oauth");
  EXPECT_EQ(c->Get("scope"), "");
  std::string msg = ErrorOf(Resolver().Resolve(ODataQuery("azure")));
  EXPECT_NE(msg.find("type azure does not fit here; expected basic or oauth"), std::string::npos)
      << msg;
}

TEST_F(CredentialResolverTest, AMissingCredentialNamesEveryPlaceLooked) {
  std::string msg = ErrorOf(Resolver().Resolve(ODataQuery("sap")));
  EXPECT_NE(msg.find("NotFound"), std::string::npos) << msg;
  EXPECT_NE(msg.find("credentials: sap: not found (looked in the environment: "
                     "LAKESTREAM_CRED_SAP_*; LAKESTREAM_SECRETS_FILE is unset)"),
            std::string::npos)
      << msg;
  SecretsFile("other: {type: basic, user: u, password: p}\n");
  msg = ErrorOf(Resolver().Resolve(ODataQuery("sap")));
  EXPECT_NE(msg.find("secrets file /etc/secrets.yaml (no entry 'sap')"), std::string::npos) << msg;
  env_["LAKESTREAM_SECRETS_FILE"] = "/etc/absent.yaml";
  Result<ResolvedCredential> absent = Resolver().Resolve(ODataQuery("sap"));
  EXPECT_TRUE(absent.status().IsNotFound());
  EXPECT_NE(absent.status().message().find("/etc/absent.yaml (LAKESTREAM_SECRETS_FILE)"),
            std::string::npos)
      << absent.status().ToString();
}

TEST_F(CredentialResolverTest, FormatErrorsNameTheFileAndLineButNeverAValue) {
  const std::string s = kSecret;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a: {type: basic, user: u, password: p}\nsap:\n  type: basic\n  pasword: \"" + s + "\"\n",
       "line 4: sap: unknown field 'pasword' (basic credentials have user, password)"},
      {"sap: {user: u, password: \"" + s + "\"}\n", "line 1: sap: no type (basic, oauth or azure)"},
      {"\n\nsap: {type: ldap, password: \"" + s + "\"}\n",
       "line 3: sap.type: 'ldap' is not basic, oauth or azure"},
      {"sap: [\"" + s + "\"]\n", "line 1: sap: expected a mapping with a type, or a string"},
      {"sap:\n  type: basic\n  password: [\"" + s + "\"]\n",
       "line 3: sap.password: expected a string"},
      {"- \"" + s + "\"\n", "line 1: expected a mapping of credential names"},
      {"sap: {type: basic, user: u, password: p}\nsap: x\n", "line 2: duplicate key 'sap'"},
      {"sap: {type: basic, password: \"" + s + "\"\n", "line 2"},
  };
  for (const auto& [text, expected] : cases) {
    SecretsFile(text);
    std::string msg = ErrorOf(Resolver().Resolve(ODataQuery("sap")));
    EXPECT_NE(msg.find("InvalidArgument: credentials: secrets file /etc/secrets.yaml"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find(expected), std::string::npos) << text << " -> " << msg;
  }
}

TEST_F(CredentialResolverTest, AJsonSecretsFileIsReadAsYaml) {
  SecretsFile(R"({"sap": {"type": "basic", "user": "lake", "password": "lake-secret"},
 "btp": {"type": "oauth", "token_url": "https://l/t", "client_id": "a", "client_secret": "b"}})");
  Result<ResolvedCredential> c = Resolver().Resolve(ODataQuery("sap"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->Get("password"), "lake-secret");
  EXPECT_EQ(Resolver().Resolve(ODataQuery("btp"))->Get("client_secret"), "b");
}

TEST_F(CredentialResolverTest, AResolvedSecretNeverReachesALaterMessage) {
  SecretsFile("sap: {type: basic, user: u, password: \"" + std::string(kSecret) + "\"}\n");
  ASSERT_TRUE(Resolver().Resolve(ODataQuery("sap")).ok());
  Status later = Status::IOError(std::string("upstream said: bad password ") + kSecret);
  EXPECT_EQ(later.ToString().find("s3cr"), std::string::npos) << later.ToString();
}

TEST_F(CredentialResolverTest, ASingleSecretComesFromTheVariableThenTheFileThenItsOwnFile) {
  env_["LS_TEST_SECRET"] = "s3cret";
  EXPECT_EQ(*Resolver().Secret("kafka", "LS_TEST_SECRET"), "s3cret");
  env_.erase("LS_TEST_SECRET");
  Result<std::string> missing = Resolver().Secret("kafka", "LS_TEST_SECRET");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find(
                "kafka: environment variable LS_TEST_SECRET is not set "
                "(LAKESTREAM_SECRETS_FILE is unset)"),
            std::string::npos)
      << missing.status().ToString();
  ASSERT_TRUE(fs_->WriteFile("/run/secrets/ls", "from-file\n").ok());
  EXPECT_EQ(*Resolver().Secret("kafka", "LS_TEST_SECRET", "/run/secrets/ls"), "from-file");
  SecretsFile("LS_TEST_SECRET: from-secrets-file\nsap: {type: basic, user: u, password: p}\n");
  EXPECT_EQ(*Resolver().Secret("kafka", "LS_TEST_SECRET", "/run/secrets/ls"), "from-secrets-file");
  Result<std::string> wrong = Resolver().Secret("smtp", "sap");
  EXPECT_TRUE(wrong.status().IsInvalidArgument());
  EXPECT_NE(wrong.status().message().find("entry sap (line 2) is a basic credential"),
            std::string::npos)
      << wrong.status().ToString();
  ASSERT_TRUE(fs_->WriteFile("/run/secrets/empty", "\n").ok());
  EXPECT_TRUE(Resolver().Secret("kafka", "", "/run/secrets/empty").status().IsNotFound());
}

TEST_F(CredentialResolverTest, TheOldAzureFileIsReadWithADeprecationWarning) {
  std::vector<std::string> lines;
  DefaultLogger().SetSink([&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_TRUE(fs_->WriteFile("/etc/azure.conf", "# old\nsas_token = sv=g\nacct.account_key = a2V5\n")
                  .ok());
  env_["LAKESTREAM_AZURE_CREDENTIALS_FILE"] = "/etc/azure.conf";
  CredentialQuery q;
  q.name = "azure.acct";
  q.kinds = {&AzureStorageCredentialKind()};
  q.entries = {"azure.acct", "azure"};
  Result<ResolvedCredential> c = Resolver().Resolve(q);
  DefaultLogger().SetSink([](std::string_view l) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(l.size()), l.data());
  });
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->Get("account_key"), "a2V5");
  EXPECT_EQ(c->Get("sas_token"), "sv=g");  // this format merges the plain names in
  bool warned = false;
  for (const std::string& l : lines) {
    warned |= l.find("LAKESTREAM_AZURE_CREDENTIALS_FILE (/etc/azure.conf, name = value lines) "
                     "is deprecated") != std::string::npos;
  }
  EXPECT_TRUE(warned);
  ASSERT_TRUE(fs_->WriteFile("/etc/azure.conf", "\nacct.acount_key = " + std::string(kSecret))
                  .ok());
  std::string msg = ErrorOf(Resolver().Resolve(q));
  EXPECT_NE(msg.find("secrets file /etc/azure.conf: line 2: unknown name 'acount_key'"),
            std::string::npos)
      << msg;
}

}  // namespace
}  // namespace lakestream::io
