// One conformance suite, run against every FileSystem backend.
#include "io/file_system.h"

#include "io/fault_injection_file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <filesystem>
#include <thread>

namespace lakestream::io {
namespace {

struct Backend {
  std::string name;
  std::function<std::shared_ptr<FileSystem>()> make;
  bool local;
};
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

class FileSystemTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    fs_ = GetParam().make();
    if (GetParam().local) {
      char tmpl[] = "/tmp/ls_fs_test_XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      root_ = tmpl;
    } else {
      root_ = "/mem";
    }
  }
  void TearDown() override {
    if (GetParam().local) std::filesystem::remove_all(root_);
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

INSTANTIATE_TEST_SUITE_P(Backends, FileSystemTest,
                         ::testing::Values(Backend{"Local", NewLocalFileSystem, true},
                                           Backend{"Memory", NewMemoryFileSystem, false},
                                           Backend{"FaultInjectionNoFaults",
                                                   [] {
                                                     return std::shared_ptr<FileSystem>(
                                                         new FaultInjectionFileSystem(
                                                             NewMemoryFileSystem()));
                                                   },
                                                   false}),
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
  EXPECT_FALSE(*fs_->Exists("/m/b"));
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

}  // namespace
}  // namespace lakestream::io
