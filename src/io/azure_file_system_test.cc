// AzureFileSystem against real peers: Azurite (auth, errors, SAS), the fault
// proxy in front of Azurite (503s, 429s, dropped connections mid-upload and
// after the write), and the OAuth token double (Entra ID and managed
// identity cannot run here). The conformance suite is file_system_test.cc.
#include "io/azure_file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <thread>

#include "io/azurite_test_util.h"

namespace lakestream::io {
namespace {

using testpeer::kAzuriteKey;
using testpeer::NodePeer;

NodePeer& Azurite() {
  static NodePeer peer;
  static std::string error = testpeer::StartAzurite(&peer);
  EXPECT_EQ(error, "");
  return peer;
}

std::string NodeScript(const char* name) { return testpeer::SourceDir() + "/tests/node/" + name; }

AzureOptions OptionsFor(
    const std::string& endpoint,
    std::function<Result<std::shared_ptr<AzureCredential>>(const std::string&)> cred) {
  AzureOptions o;
  o.endpoint = endpoint;
  o.credential_for = std::move(cred);
  o.base_backoff_ms = 5;
  o.max_backoff_ms = 100;
  o.block_size = 64 << 10;
  return o;
}

auto SharedKey(std::string key = kAzuriteKey) {
  return [key](const std::string& account) { return NewSharedKeyCredential(account, key); };
}

class AzureFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<AzureFileSystem>(OptionsFor(Azurite().url(), SharedKey()));
    static std::atomic<int> n{0};
    root_ = "az://devstoreaccount1/azfs-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
    Status s = fs_->CreateContainer(root_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::string P(const std::string& rel) { return root_ + "/" + rel; }
  std::shared_ptr<AzureFileSystem> fs_;
  std::string root_;
};

TEST_F(AzureFileSystemTest, WrongKeyIsAnAuthErrorWithTheServiceCodeAndNoSecret) {
  std::string wrong = "d3JvbmcgYnV0IHZhbGlkIGJhc2U2NCBrZXkgYnl0ZXM=";
  auto bad = std::make_shared<AzureFileSystem>(OptionsFor(Azurite().url(), SharedKey(wrong)));
  Status s = bad->WriteFile(P("x"), "data");
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.message().find("403"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("Authorization"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("shared key"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.message().find(wrong), std::string::npos);
}

TEST_F(AzureFileSystemTest, MissingContainerIsNamed) {
  Status s = fs_->WriteFile("az://devstoreaccount1/no-such-container/t/x", "data");
  ASSERT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find("container 'no-such-container' does not exist"), std::string::npos)
      << s.ToString();
  auto listing = fs_->List("az://devstoreaccount1/no-such-container/t/");
  EXPECT_TRUE(listing.status().IsNotFound());
}

TEST_F(AzureFileSystemTest, ContainerAndDirectoryPathsAreNotFiles) {
  EXPECT_TRUE(fs_->WriteFile(root_, "x").IsInvalidArgument());
  EXPECT_TRUE(fs_->Stat(P("dir/")).status().IsInvalidArgument());
}

TEST_F(AzureFileSystemTest, ReaderNoticesTheBlobWasReplaced) {
  ASSERT_TRUE(fs_->WriteFile(P("f"), "first version").ok());
  auto file = fs_->OpenForRead(P("f"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(fs_->WriteFile(P("f"), "second version").ok());
  char buf[5];
  auto n = (*file)->ReadAt(0, 5, buf);
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.status().IsUnavailable()) << n.status().ToString();
}

TEST_F(AzureFileSystemTest, AccountSasAuthorizesAndReadOnlySasCannotWrite) {
  ASSERT_TRUE(fs_->WriteFile(P("shared.json"), "{}").ok());
  auto rw = MakeAccountSas("devstoreaccount1", kAzuriteKey, "rwdlac", "2099-01-01T00:00:00Z");
  auto ro = MakeAccountSas("devstoreaccount1", kAzuriteKey, "rl", "2099-01-01T00:00:00Z");
  ASSERT_TRUE(rw.ok() && ro.ok());
  auto sas_fs = std::make_shared<AzureFileSystem>(OptionsFor(
      Azurite().url(), [&](const std::string&) { return Result(NewSasCredential(*rw)); }));
  EXPECT_EQ(*sas_fs->ReadFile(P("shared.json")), "{}");
  ASSERT_TRUE(sas_fs->PutIfAbsent(P("by-sas.json"), "sas").ok());
  ASSERT_TRUE(sas_fs->Copy(P("by-sas.json"), P("copied.json")).ok());
  EXPECT_EQ(*fs_->ReadFile(P("copied.json")), "sas");
  auto ro_fs = std::make_shared<AzureFileSystem>(OptionsFor(
      Azurite().url(), [&](const std::string&) { return Result(NewSasCredential(*ro)); }));
  EXPECT_EQ(ro_fs->List(P(""))->size(), 3u);
  Status s = ro_fs->WriteFile(P("denied.json"), "x");
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.message().find("403"), std::string::npos);
  EXPECT_NE(s.message().find("SAS token"), std::string::npos);
  EXPECT_EQ(s.message().find(ro->substr(ro->find("sig=") + 4)), std::string::npos) << s.ToString();
}

// The fault proxy between us and Azurite.
class AzureFaultTest : public AzureFileSystemTest {
 protected:
  void SetUp() override {
    AzureFileSystemTest::SetUp();
    std::string err = proxy_.Start(
        {"node", NodeScript("fault_proxy.mjs"), "--target", Azurite().url(), "--seed", "7"});
    ASSERT_EQ(err, "");
  }
  void SetFaults(const std::string& json) {
    auto http = MakeCurlHttpClient();
    HttpRequest req;
    req.method = "POST";
    req.url = proxy_.url() + "/__faults";
    req.body = json;
    auto r = http->Send(req, "fault proxy");
    ASSERT_TRUE(r.ok() && r->status == 200);
  }
  std::string Stats() {
    auto http = MakeCurlHttpClient();
    HttpRequest req;
    req.url = proxy_.url() + "/__faults";
    auto r = http->Send(req, "fault proxy");
    return r.ok() ? r->body : r.status().ToString();
  }
  std::shared_ptr<AzureFileSystem> Faulty(int max_attempts) {
    AzureOptions o = OptionsFor(proxy_.url(), SharedKey());
    o.max_attempts = max_attempts;
    return std::make_shared<AzureFileSystem>(o);
  }
  NodePeer proxy_;
};

TEST_F(AzureFaultTest, RetriesRideOut503s429sAndDroppedConnections) {
  SetFaults(R"({"p503":0.2,"p429":0.1,"pDropUpload":0.15,"pDropResponse":0.1})");
  auto fs = Faulty(30);
  std::string big(400000, 'x');
  for (size_t i = 0; i < big.size(); i += 97) big[i] = static_cast<char>('a' + i % 26);
  for (int i = 0; i < 6; ++i) {
    std::string name = P("data/part-" + std::to_string(i));
    Status s = fs->WriteFile(name, big + std::to_string(i));
    ASSERT_TRUE(s.ok()) << s.ToString();
    s = fs->PutIfAbsent(P("_delta_log/" + std::to_string(i) + ".json"),
                        "commit " + std::to_string(i));
    ASSERT_TRUE(s.ok()) << "a lost response must not turn our own commit into a conflict: "
                        << s.ToString();
  }
  SetFaults(R"({"p503":0,"p429":0,"pDropUpload":0,"pDropResponse":0})");
  auto listing = fs->List(P(""));
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->size(), 12u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(*fs->ReadFile(P("data/part-" + std::to_string(i))), big + std::to_string(i));
  }
  std::string stats = Stats();
  for (const char* counter :
       {"\"s503\":0", "\"s429\":0", "\"dropUpload\":0", "\"dropResponse\":0"}) {
    EXPECT_EQ(stats.find(counter), std::string::npos) << "fault never injected: " << stats;
  }
}

TEST_F(AzureFaultTest, FailedUploadsLeaveNothingVisible) {
  SetFaults(R"({"pDropUpload":0.5})");
  auto fs = Faulty(1);  // no retries: some uploads fail for good
  std::string big(300000, 'y');
  int failed = 0, succeeded = 0;
  for (int i = 0; i < 12; ++i) {
    std::string name = P("t/f" + std::to_string(i));
    Status s = fs->WriteFile(name, big);
    SetFaults(R"({"pDropUpload":0})");
    auto info = fs_->Stat(name);
    if (s.ok()) {
      ++succeeded;
      ASSERT_TRUE(info.ok());
      EXPECT_EQ(info->size, big.size());
    } else {
      ++failed;
      EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
      EXPECT_TRUE(info.status().IsNotFound()) << name << " is visible after a failed upload";
    }
    SetFaults(R"({"pDropUpload":0.5})");
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(succeeded, 0);
}

TEST_F(AzureFaultTest, CommitRaceUnderFaultsHasExactlyOneWinner) {
  SetFaults(R"({"p503":0.2,"pDropResponse":0.3})");
  auto fs = Faulty(30);
  for (int round = 0; round < 4; ++round) {
    std::atomic<int> winners{0}, losers{0};
    std::vector<std::thread> threads;
    std::string name = P("_delta_log/" + std::to_string(round) + ".json");
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        Status s = fs->PutIfAbsent(name, "writer " + std::to_string(t));
        if (s.ok()) ++winners;
        if (s.IsAlreadyExists()) ++losers;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(losers.load(), 3) << "round " << round;
  }
}

// OAuth against the token double; it also serves a blob HEAD that only
// answers to tokens it issued.
class AzureOAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err = double_.Start({"node", NodeScript("token_double.mjs"), "--client-id", "app-1",
                                     "--client-secret", "s3cret!", "--identity-header", "idh"});
    ASSERT_EQ(err, "");
  }
  int Tokens() {
    auto http = MakeCurlHttpClient();
    HttpRequest req;
    req.url = double_.url() + "/__stats";
    auto r = http->Send(req, "stats");
    return r.ok() ? std::atoi(r->body.c_str() + r->body.find(':') + 1) : -1;
  }
  void TearDown() override {
    for (const char* v :
         {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST",
          "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN",
          "LAKESTREAM_AZURE_CREDENTIALS_FILE"}) {
      ::unsetenv(v);
    }
  }
  NodePeer double_;
};

TEST_F(AzureOAuthTest, ClientSecretTokenIsFetchedOnceAndSentAsBearer) {
  TearDown();
  ::setenv("AZURE_TENANT_ID", "tenant-x", 1);
  ::setenv("AZURE_CLIENT_ID", "app-1", 1);
  ::setenv("AZURE_CLIENT_SECRET", "s3cret!", 1);
  ::setenv("AZURE_AUTHORITY_HOST", double_.url().c_str(), 1);
  AzureOptions o;
  o.endpoint = double_.url();
  AzureFileSystem fs(o);
  for (int i = 0; i < 3; ++i) {
    auto info = fs.Stat("az://acct/c/blob" + std::to_string(i));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->size, 5u);
  }
  EXPECT_EQ(Tokens(), 1);  // cached until five minutes before expiry
}

TEST_F(AzureOAuthTest, WrongClientSecretSaysSoWithoutTheSecret) {
  TearDown();
  ::setenv("AZURE_TENANT_ID", "tenant-x", 1);
  ::setenv("AZURE_CLIENT_ID", "app-1", 1);
  ::setenv("AZURE_CLIENT_SECRET", "wrong-secret", 1);
  ::setenv("AZURE_AUTHORITY_HOST", double_.url().c_str(), 1);
  AzureOptions o;
  o.endpoint = double_.url();
  AzureFileSystem fs(o);
  auto info = fs.Stat("az://acct/c/blob");
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("invalid_client"), std::string::npos)
      << info.status().ToString();
  EXPECT_EQ(info.status().message().find("wrong-secret"), std::string::npos);
}

TEST_F(AzureOAuthTest, ManagedIdentityEndpointIsUsedWhenPresent) {
  TearDown();
  ::setenv("IDENTITY_ENDPOINT", (double_.url() + "/msi/token").c_str(), 1);
  ::setenv("IDENTITY_HEADER", "idh", 1);
  AzureOptions o;
  o.endpoint = double_.url();
  AzureFileSystem fs(o);
  auto info = fs.Stat("az://acct/c/blob");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(Tokens(), 1);
  ::setenv("IDENTITY_HEADER", "wrong", 1);
  AzureFileSystem fs2(o);
  EXPECT_FALSE(fs2.Stat("az://acct/c/blob").ok());
}

}  // namespace
}  // namespace lakestream::io
