// One conformance suite, run against every FileSystem backend.
#include "io/file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "io/azure_file_system.h"
#include "io/azurite_test_util.h"
#include "io/fault_injection_file_system.h"

namespace lakestream::io {
namespace {

enum class Kind { kLocal, kMemory, kAzure };
struct Backend {
  std::string name;
  std::function<std::shared_ptr<FileSystem>()> make;
  Kind kind;
};
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

// One Azurite for the whole test binary, started on first use and stopped
// (by PID) when the process exits.
testpeer::NodePeer& Azurite() {
  static testpeer::NodePeer peer;
  static std::string error = testpeer::StartAzurite(&peer);
  EXPECT_EQ(error, "") << "Azurite did not start";
  return peer;
}

std::shared_ptr<AzureFileSystem> NewAzuriteFileSystem() {
  AzureOptions o;
  o.endpoint = Azurite().url();
  o.block_size = 64 << 10;  // so a few hundred KB take the Put Block path
  o.list_page_size = 3;     // so listings take several pages
  o.credential_for = [](const std::string& account) {
    return NewSharedKeyCredential(account, testpeer::kAzuriteKey);
  };
  return std::make_shared<AzureFileSystem>(o);
}

class FileSystemTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    fs_ = GetParam().make();
    switch (GetParam().kind) {
      case Kind::kLocal: {
        char tmpl[] = "/tmp/ls_fs_test_XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        break;
      }
      case Kind::kMemory:
        root_ = "/mem";
        break;
      case Kind::kAzure: {  // a fresh container per test
        static std::atomic<int> n{0};
        root_ = "az://devstoreaccount1/conformance-" + std::to_string(::getpid()) + "-" +
                std::to_string(n++);
        Status s = std::static_pointer_cast<AzureFileSystem>(fs_)->CreateContainer(root_);
        ASSERT_TRUE(s.ok()) << s.ToString();
        break;
      }
    }
  }
  void TearDown() override {
    if (GetParam().kind == Kind::kLocal) std::filesystem::remove_all(root_);
  }
  std::string P(const std::string& rel) { return root_ + "/" + rel; }

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

TEST_P(FileSystemTest, WriteThenReadBack) {
  ASSERT_TRUE(fs_->WriteFile(P("a/b/c.txt"), "hello world").ok());
  auto data = fs_->ReadFile(P("a/b/c.txt"));
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(*data, "hello world");
  auto info = fs_->Stat(P("a/b/c.txt"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, 11u);
}

TEST_P(FileSystemTest, PositionalReadsAndShortReadAtEnd) {
  ASSERT_TRUE(fs_->WriteFile(P("f"), "0123456789").ok());
  auto file = fs_->OpenForRead(P("f"));
  ASSERT_TRUE(file.ok());
  char buf[8];
  auto n = (*file)->ReadAt(3, 4, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "3456");
  n = (*file)->ReadAt(8, 8, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "89");
  EXPECT_TRUE((*file)->ReadExactly(8, 8, buf).IsCorruption());
  EXPECT_EQ(*(*file)->Size(), 10u);
}

TEST_P(FileSystemTest, UnclosedWriterLeavesNothingVisible) {
  {
    auto w = fs_->OpenForWrite(P("partial.parquet"));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("half a file").ok());
  }
  EXPECT_FALSE(*fs_->Exists(P("partial.parquet")));
  auto listing = fs_->List(root_ + "/");
  ASSERT_TRUE(listing.ok());
  EXPECT_TRUE(listing->empty()) << listing->front().path;
}

TEST_P(FileSystemTest, MissingFileIsNotFound) {
  EXPECT_TRUE(fs_->OpenForRead(P("nope")).status().IsNotFound());
  EXPECT_TRUE(fs_->Stat(P("nope")).status().IsNotFound());
  EXPECT_TRUE(fs_->Delete(P("nope")).IsNotFound());
  EXPECT_FALSE(*fs_->Exists(P("nope")));
}

TEST_P(FileSystemTest, PutIfAbsentRefusesToOverwrite) {
  ASSERT_TRUE(fs_->PutIfAbsent(P("_delta_log/00000.json"), "first").ok());
  Status s = fs_->PutIfAbsent(P("_delta_log/00000.json"), "second");
  EXPECT_TRUE(s.IsAlreadyExists()) << s.ToString();
  EXPECT_EQ(*fs_->ReadFile(P("_delta_log/00000.json")), "first");
}

TEST_P(FileSystemTest, PutIfAbsentHasExactlyOneWinnerUnderRace) {
  constexpr int kThreads = 8;
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      if (fs_->PutIfAbsent(P("race.json"), "writer " + std::to_string(i)).ok()) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  auto listing = fs_->List(root_ + "/");
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->size(), 1u);  // no temp files left behind
}

TEST_P(FileSystemTest, ListByPrefixIsRecursiveAndSorted) {
  for (const char* f : {"t/_delta_log/2.json", "t/_delta_log/1.json", "t/d=1/x.parquet",
                        "t/d=2/y.parquet", "other/z"}) {
    ASSERT_TRUE(fs_->WriteFile(P(f), "x").ok());
  }
  auto all = fs_->List(P("t/"));
  ASSERT_TRUE(all.ok());
  std::vector<std::string> names;
  for (auto& f : *all) names.push_back(f.path.substr(root_.size() + 1));
  EXPECT_EQ(names, (std::vector<std::string>{"t/_delta_log/1.json", "t/_delta_log/2.json",
                                             "t/d=1/x.parquet", "t/d=2/y.parquet"}));
  auto log = fs_->List(P("t/_delta_log/1"));
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_TRUE(fs_->List(P("missing/")).value().empty());
}

TEST_P(FileSystemTest, DeleteRemovesFile) {
  ASSERT_TRUE(fs_->WriteFile(P("gone"), "x").ok());
  ASSERT_TRUE(fs_->Delete(P("gone")).ok());
  EXPECT_FALSE(*fs_->Exists(P("gone")));
}

TEST_P(FileSystemTest, OverwriteReplacesContent) {
  ASSERT_TRUE(fs_->WriteFile(P("f"), "long first content").ok());
  ASSERT_TRUE(fs_->WriteFile(P("f"), "short").ok());
  EXPECT_EQ(*fs_->ReadFile(P("f")), "short");
}

// A file of many blocks written in odd-sized appends reads back byte for
// byte, by ranges that straddle block boundaries too.
TEST_P(FileSystemTest, LargeFileInOddAppendsReadsBackByRanges) {
  std::string data;
  for (int i = 0; data.size() < 300000; ++i) data += std::to_string(i * 7919) + ",";
  {
    auto w = fs_->OpenForWrite(P("big/part-0.parquet"));
    ASSERT_TRUE(w.ok());
    for (size_t off = 0; off < data.size(); off += 9973) {
      ASSERT_TRUE((*w)->Append(std::string_view(data).substr(off, 9973)).ok());
    }
    EXPECT_EQ((*w)->BytesWritten(), data.size());
    Status s = (*w)->Close();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(fs_->Stat(P("big/part-0.parquet"))->size, data.size());
  auto file = fs_->OpenForRead(P("big/part-0.parquet"));
  ASSERT_TRUE(file.ok());
  for (uint64_t off : {uint64_t{0}, uint64_t{65530}, uint64_t{131072}, data.size() - 8}) {
    char buf[100];
    auto n = (*file)->ReadAt(off, sizeof buf, buf);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(std::string(buf, *n), data.substr(off, sizeof buf));
  }
  EXPECT_EQ(*fs_->ReadFile(P("big/part-0.parquet")), data);
}

TEST_P(FileSystemTest, EmptyFileExists) {
  ASSERT_TRUE(fs_->WriteFile(P("empty"), "").ok());
  EXPECT_EQ(fs_->Stat(P("empty"))->size, 0u);
  EXPECT_EQ(*fs_->ReadFile(P("empty")), "");
}

TEST_P(FileSystemTest, ListingManyFilesSpansPages) {
  std::vector<std::string> want;
  for (int i = 0; i < 11; ++i) {
    std::string name = "t/_delta_log/" + std::to_string(1000 + i) + ".json";
    ASSERT_TRUE(fs_->PutIfAbsent(P(name), "{}").ok());
    want.push_back(P(name));
  }
  auto all = fs_->List(P("t/_delta_log/"));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> got;
  for (auto& f : *all) got.push_back(f.path);
  EXPECT_EQ(got, want);
  EXPECT_GT(all->front().mtime_ms, 0);
}

TEST_P(FileSystemTest, NamesWithSpacesAndEscapesRoundTrip) {
  std::string name = "t/country=C%C3%B4te d'Ivoire/a+b=c&d.parquet";
  ASSERT_TRUE(fs_->WriteFile(P(name), "x").ok());
  EXPECT_EQ(*fs_->ReadFile(P(name)), "x");
  auto listing = fs_->List(P("t/"));
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->size(), 1u);
  EXPECT_EQ(listing->front().path, P(name));
}

TEST_P(FileSystemTest, CopyMakesAnIndependentFile) {
  ASSERT_TRUE(fs_->WriteFile(P("src"), "original").ok());
  Status s = fs_->Copy(P("src"), P("dir/dst"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(fs_->WriteFile(P("src"), "changed").ok());
  EXPECT_EQ(*fs_->ReadFile(P("dir/dst")), "original");
  EXPECT_TRUE(fs_->Copy(P("nope"), P("x")).IsNotFound());
}

TEST_P(FileSystemTest, TiersAreSetWhereSupportedAndRefusedElsewhere) {
  ASSERT_TRUE(fs_->WriteFile(P("cold.parquet"), "data").ok());
  Status s = fs_->SetTier(P("cold.parquet"), StorageTier::kCool);
  if (!fs_->SupportsTiers()) {
    EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
    EXPECT_TRUE(fs_->OpenForWriteTiered(P("a"), StorageTier::kArchive).status().IsNotSupported());
    return;
  }
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*fs_->ReadFile(P("cold.parquet")), "data");  // Cool is still readable
  EXPECT_TRUE(fs_->SetTier(P("nope"), StorageTier::kHot).IsNotFound());
  auto w = fs_->OpenForWriteTiered(P("archived.parquet"), StorageTier::kArchive);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("cold bytes").ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(fs_->Stat(P("archived.parquet"))->size, 10u);
  // Archived blobs cannot be read until rehydrated; the error says so.
  Result<std::string> r = fs_->ReadFile(P("archived.parquet"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Archive"), std::string::npos) << r.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Backends, FileSystemTest,
    ::testing::Values(Backend{"Local", NewLocalFileSystem, Kind::kLocal},
                      Backend{"Memory", NewMemoryFileSystem, Kind::kMemory},
                      Backend{"FaultInjectionNoFaults",
                              [] {
                                return std::shared_ptr<FileSystem>(
                                    new FaultInjectionFileSystem(NewMemoryFileSystem()));
                              },
                              Kind::kMemory},
                      Backend{"Azurite",
                              [] { return std::shared_ptr<FileSystem>(NewAzuriteFileSystem()); },
                              Kind::kAzure}),
    [](const auto& info) { return info.param.name; });

class FaultInjectionFileSystemTest : public ::testing::Test {
 protected:
  std::shared_ptr<FaultInjectionFileSystem> fs_ =
      std::make_shared<FaultInjectionFileSystem>(NewMemoryFileSystem());
};

TEST_F(FaultInjectionFileSystemTest, FailsOnlyTheNthCallAndCountsAll) {
  fs_->FailNth(FsOp::kPutIfAbsent, 2, FaultInjectionFileSystem::Fault::kUnavailable);
  EXPECT_TRUE(fs_->PutIfAbsent("/m/a", "1").ok());
  Status s = fs_->PutIfAbsent("/m/b", "2");
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_FALSE(*fs_->Exists("/m/t/b"));  // two calls failed: the rule is spent
  EXPECT_TRUE(fs_->PutIfAbsent("/m/c", "3").ok());
  EXPECT_EQ(fs_->Count(FsOp::kPutIfAbsent), 3);
  EXPECT_EQ(fs_->InjectedFailures(), 1);
}

TEST_F(FaultInjectionFileSystemTest, FailedCloseLeavesNothingVisible) {
  fs_->FailNth(FsOp::kClose, 1);
  EXPECT_TRUE(fs_->WriteFile("/m/data.parquet", "bytes").IsIOError());
  EXPECT_FALSE(*fs_->Exists("/m/data.parquet"));
  EXPECT_TRUE(fs_->WriteFile("/m/data.parquet", "bytes").ok());
}

TEST_F(FaultInjectionFileSystemTest, AmbiguousPutCreatesTheFileButReportsFailure) {
  fs_->FailNth(FsOp::kPutIfAbsent, 1, FaultInjectionFileSystem::Fault::kAfterEffect);
  EXPECT_TRUE(fs_->PutIfAbsent("/m/_delta_log/0.json", "x").IsIOError());
  EXPECT_EQ(*fs_->ReadFile("/m/_delta_log/0.json"), "x");
}

TEST_F(FaultInjectionFileSystemTest, PathFilterAndForeverRules) {
  fs_->FailNth(FsOp::kOpenForWrite, 1, FaultInjectionFileSystem::Fault::kIOError, -1, ".parquet");
  EXPECT_TRUE(fs_->WriteFile("/m/x.json", "a").ok());
  EXPECT_FALSE(fs_->WriteFile("/m/x.parquet", "a").ok());
  EXPECT_FALSE(fs_->WriteFile("/m/y.parquet", "a").ok());
  fs_->ClearFaults();
  EXPECT_TRUE(fs_->WriteFile("/m/y.parquet", "a").ok());
}

TEST_F(FaultInjectionFileSystemTest, AfterNthRunsOnceTheCallSucceededAndKeepsItsResult) {
  std::vector<std::string> seen;
  fs_->AfterNth(FsOp::kPutIfAbsent, 2, [&] { seen.push_back(*fs_->ReadFile("/m/log/1")); },
                "/log/", 2);
  EXPECT_TRUE(fs_->PutIfAbsent("/m/data", "d").ok());    // filtered out
  EXPECT_TRUE(fs_->PutIfAbsent("/m/log/0", "a").ok());   // 1st matching: before nth
  EXPECT_TRUE(seen.empty());
  EXPECT_TRUE(fs_->PutIfAbsent("/m/log/1", "b").ok());   // 2nd: the action sees it landed
  EXPECT_EQ(seen, std::vector<std::string>{"b"});
  // A failed call consumes its turn without running the action.
  EXPECT_TRUE(fs_->PutIfAbsent("/m/log/1", "c").IsAlreadyExists());
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_TRUE(fs_->PutIfAbsent("/m/log/2", "d").ok());  // past nth + count - 1
  EXPECT_EQ(seen.size(), 1u);
}

TEST_F(FaultInjectionFileSystemTest, FailPathsFailsEveryOperationUnderThePathWithTheStatus) {
  ASSERT_TRUE(fs_->WriteFile("/m/t/a", "x").ok());
  fs_->FailPaths("/m/t/", Status::Unavailable("table gone"), 2);
  Result<std::string> r = fs_->ReadFile("/m/t/a");
  EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "table gone");
  EXPECT_TRUE(fs_->WriteFile("/m/other", "y").ok());  // another path
  EXPECT_TRUE(fs_->PutIfAbsent("/m/t/b", "y").IsUnavailable());
  EXPECT_FALSE(*fs_->Exists("/m/t/b"));  // two calls failed: the rule is spent
  EXPECT_EQ(*fs_->ReadFile("/m/t/a"), "x");
  EXPECT_EQ(fs_->InjectedFailures(), 2);
  fs_->FailPaths("/m/t/", Status::IOError("crashed"));  // every call from now on
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(fs_->List("/m/t/").status().IsIOError());
  fs_->ClearFaults();
  EXPECT_TRUE(fs_->List("/m/t/").ok());
}

}  // namespace
}  // namespace lakestream::io
