#include "collect/spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <mutex>

namespace lakestream::collect {
namespace {

// A SpoolDir over a local one that can lose everything not synced (a power
// cut) and fail the Nth sync: the crash paths of the spool without hooks.
class CrashableDir final : public SpoolDir {
 public:
  explicit CrashableDir(std::shared_ptr<SpoolDir> base) : base_(std::move(base)) {}

  class File final : public AppendFile {
   public:
    File(CrashableDir* dir, std::string name, std::unique_ptr<AppendFile> f)
        : dir_(dir), name_(std::move(name)), f_(std::move(f)) {}
    Status Append(std::string_view d) override { return f_->Append(d); }
    Status Sync() override {
      if (++dir_->syncs_ == dir_->fail_sync_at_) return Status::IOError("injected fsync failure");
      RETURN_IF_ERROR(f_->Sync());
      std::lock_guard<std::mutex> lock(dir_->mu_);
      dir_->synced_[name_] = *dir_->base_->Size(name_);
      return Status::OK();
    }

   private:
    CrashableDir* dir_;
    std::string name_;
    std::unique_ptr<AppendFile> f_;
  };

  Result<std::unique_ptr<AppendFile>> OpenAppend(const std::string& name) override {
    ASSIGN_OR_RETURN(auto f, base_->OpenAppend(name));
    std::lock_guard<std::mutex> lock(mu_);
    synced_.emplace(name, 0);
    return std::unique_ptr<AppendFile>(new File(this, name, std::move(f)));
  }
  Result<std::string> ReadAt(const std::string& n, uint64_t o, size_t len) override { return base_->ReadAt(n, o, len); }
  Result<uint64_t> Size(const std::string& n) override { return base_->Size(n); }
  Result<std::vector<std::string>> List() override { return base_->List(); }
  Status Remove(const std::string& n) override { return base_->Remove(n); }
  Status WriteAtomic(const std::string& n, std::string_view d) override { return base_->WriteAtomic(n, d); }
  Result<std::string> ReadWhole(const std::string& n) override { return base_->ReadWhole(n); }

  // Cuts every file back to its synced length, keeping `keep_torn` bytes of
  // the unsynced tail (a partly written record).
  void Crash(const std::string& dir, size_t keep_torn = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, len] : synced_) {
      auto p = std::filesystem::path(dir) / name;
      if (!std::filesystem::exists(p)) continue;
      auto size = std::filesystem::file_size(p);
      std::filesystem::resize_file(p, std::min<uint64_t>(size, len + keep_torn));
    }
  }

  int fail_sync_at_ = -1;

 private:
  std::shared_ptr<SpoolDir> base_;
  std::mutex mu_;
  std::map<std::string, uint64_t> synced_;
  int syncs_ = 0;
};

SpoolRequest Req(const std::string& id, int n = 2) {
  SpoolRequest r;
  r.topic = "events";
  for (int i = 0; i < n; ++i) r.records.push_back({"dev-" + id, "{\"event_id\":\"" + id + "-" + std::to_string(i) + "\"}"});
  return r;
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("spool_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name())).string();
    std::filesystem::remove_all(dir_);
    crash_ = std::make_shared<CrashableDir>(*NewLocalSpoolDir(dir_));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Spool> Open(Spool::Options o = {}) {
    auto s = Spool::Open(crash_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::vector<std::string> DrainIds(Spool* s) {
    std::vector<std::string> ids;
    while (true) {
      auto batch = s->Peek(3);
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || batch->empty()) break;
      for (auto& r : *batch) ids.push_back(r.request.records[0].value);
      EXPECT_TRUE(s->Commit(batch->back()).ok());
    }
    return ids;
  }

  std::string dir_;
  std::shared_ptr<CrashableDir> crash_;
};

TEST_F(SpoolTest, PayloadRoundTripsAndRejectsTruncation) {
  std::string p = EncodeSpoolPayload(Req("a", 3));
  auto r = DecodeSpoolPayload(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->topic, "events");
  ASSERT_EQ(r->records.size(), 3u);
  EXPECT_EQ(r->records[2].value, "{\"event_id\":\"a-2\"}");
  for (size_t cut = 0; cut < p.size(); cut += 7) {
    EXPECT_TRUE(DecodeSpoolPayload(p.substr(0, cut)).status().IsCorruption()) << cut;
  }
}

TEST_F(SpoolTest, OnlySyncedRequestsAreVisibleAndReplayInOrder) {
  auto s = Open();
  ASSERT_TRUE(s->Append(Req("a")).ok());
  EXPECT_TRUE(s->Peek(10)->empty());
  EXPECT_FALSE(s->empty());
  ASSERT_TRUE(s->Sync().ok());
  ASSERT_TRUE(s->Append(Req("b")).ok());
  ASSERT_TRUE(s->Append(Req("c")).ok());
  ASSERT_TRUE(s->Sync().ok());
  EXPECT_EQ(DrainIds(s.get()), (std::vector<std::string>{"{\"event_id\":\"a-0\"}", "{\"event_id\":\"b-0\"}",
                                                         "{\"event_id\":\"c-0\"}"}));
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(s->bytes(), 0);
}

TEST_F(SpoolTest, ACrashLosesOnlyUnsyncedRequestsAndATornTailIsDropped) {
  {
    auto s = Open();
    ASSERT_TRUE(s->Append(Req("a")).ok());
    ASSERT_TRUE(s->Sync().ok());
    ASSERT_TRUE(s->Append(Req("b")).ok());  // never synced: never acknowledged
  }
  crash_->Crash(dir_, /*keep_torn=*/11);
  auto s = Open();
  EXPECT_EQ(DrainIds(s.get()), (std::vector<std::string>{"{\"event_id\":\"a-0\"}"}));
  EXPECT_EQ(s->dropped_bytes(), 11);
  EXPECT_TRUE(s->empty());
  // New requests after recovery replay normally.
  ASSERT_TRUE(s->Append(Req("c")).ok());
  ASSERT_TRUE(s->Sync().ok());
  EXPECT_EQ(DrainIds(s.get()), (std::vector<std::string>{"{\"event_id\":\"c-0\"}"}));
}

TEST_F(SpoolTest, ACorruptRecordEndsItsSegment) {
  {
    auto s = Open();
    ASSERT_TRUE(s->Append(Req("a")).ok());
    ASSERT_TRUE(s->Append(Req("b")).ok());
    ASSERT_TRUE(s->Sync().ok());
  }
  std::string seg;
  for (auto& e : std::filesystem::directory_iterator(dir_)) {
    if (e.path().extension() == ".seg" && std::filesystem::file_size(e.path()) > 0) seg = e.path();
  }
  ASSERT_FALSE(seg.empty());
  auto size = std::filesystem::file_size(seg);
  {
    // Flip a byte inside the second record's payload: its CRC no longer matches.
    std::FILE* f = std::fopen(seg.c_str(), "r+b");
    std::fseek(f, static_cast<long>(size - 3), SEEK_SET);
    std::fputc('X', f);
    std::fclose(f);
  }
  auto s = Open();
  EXPECT_EQ(DrainIds(s.get()), (std::vector<std::string>{"{\"event_id\":\"a-0\"}"}));
  EXPECT_GT(s->dropped_bytes(), 0);
}

TEST_F(SpoolTest, TheCursorSurvivesARestartAndFinishedSegmentsAreRemoved) {
  {
    auto s = Open({1 << 20, 64});  // tiny segments: one request each
    for (const char* id : {"a", "b", "c", "d"}) {
      ASSERT_TRUE(s->Append(Req(id)).ok());
      ASSERT_TRUE(s->Sync().ok());
    }
    for (int i = 0; i < 2; ++i) {  // a Peek ends at its segment's end
      auto batch = s->Peek(2);
      ASSERT_EQ(batch->size(), 1u);
      ASSERT_TRUE(s->Commit(batch->back()).ok());
    }
  }
  auto s = Open({1 << 20, 64});
  EXPECT_EQ(DrainIds(s.get()), (std::vector<std::string>{"{\"event_id\":\"c-0\"}", "{\"event_id\":\"d-0\"}"}));
  size_t segs = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_)) segs += e.path().extension() == ".seg";
  EXPECT_LE(segs, 2u);
}

TEST_F(SpoolTest, AFullSpoolRefusesWithUnavailable) {
  auto s = Open({300, 1 << 20});
  Status st;
  int accepted = 0;
  while ((st = s->Append(Req("x", 3))).ok()) ++accepted;
  EXPECT_TRUE(st.IsUnavailable()) << st.ToString();
  EXPECT_NE(st.message().find("full"), std::string::npos);
  EXPECT_GT(accepted, 0);
  ASSERT_TRUE(s->Sync().ok());
  DrainIds(s.get());
  EXPECT_TRUE(s->Append(Req("y")).ok());  // room again after replay
}

TEST_F(SpoolTest, AFailedSyncMovesLaterRequestsToANewSegment) {
  crash_->fail_sync_at_ = 2;
  auto s = Open();
  ASSERT_TRUE(s->Append(Req("a")).ok());
  ASSERT_TRUE(s->Sync().ok());
  ASSERT_TRUE(s->Append(Req("b")).ok());
  EXPECT_TRUE(s->Sync().IsIOError());
  ASSERT_TRUE(s->Append(Req("c")).ok());
  ASSERT_TRUE(s->Sync().ok());
  // b reached the file (the failure was injected after the write): it is
  // replayed too, a duplicate the device's resend shares an event_id with.
  auto ids = DrainIds(s.get());
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids.back(), "{\"event_id\":\"c-0\"}");
}

TEST_F(SpoolTest, ABadCursorFileIsCorruptionNamingIt) {
  ASSERT_TRUE(crash_->WriteAtomic("cursor", "garbage").ok());
  auto s = Spool::Open(crash_, {});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsCorruption());
  EXPECT_NE(s.status().message().find("cursor"), std::string::npos);
}

}  // namespace
}  // namespace lakestream::collect
