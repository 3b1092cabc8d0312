#include "delta/checkpoint_writer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "delta/checkpoint_reader.h"
#include "delta/snapshot.h"

namespace lakestream::delta {
namespace {

constexpr const char* kRoot = "/tables/t";

class CheckpointWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = io::NewMemoryFileSystem();
    store_ = std::make_shared<LogStore>(fs_, kRoot);
  }

  void Commit(int64_t version, const std::vector<Action>& actions) {
    ASSERT_TRUE(store_->WriteCommit(version, SerializeCommit(actions)).ok());
  }

  // Version 0 creates the table with `files` adds; version 1 removes the
  // first and records a txn, so the checkpoint holds every action kind.
  void TableWithFiles(int files) {
    Protocol p;
    p.min_reader_version = 1;
    p.min_writer_version = 2;
    Metadata m;
    m.id = "table-id";
    m.schema_string =
        R"j({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})j";
    std::vector<Action> v0 = {p, m};
    for (int i = 0; i < files; ++i) {
      AddFile a;
      a.path = "f" + std::to_string(i) + ".parquet";
      a.size = 100 + i;
      a.stats = R"j({"numRecords":1})j";
      v0.push_back(a);
    }
    Commit(0, v0);
    RemoveFile r;
    r.path = "f0.parquet";
    r.deletion_timestamp = 1000;
    Commit(1, {r, SetTransaction{"app", 7, {}}});
  }

  Result<std::shared_ptr<const Snapshot>> Load() { return Snapshot::Load(store_); }

  std::vector<std::string> LogFiles() {
    auto listing = fs_->List(store_->log_dir() + "/");
    std::vector<std::string> names;
    if (!listing.ok()) return names;
    for (const auto& f : *listing) {
      std::string name = f.path.substr(f.path.rfind('/') + 1);
      if (name.find(".checkpoint.") != std::string::npos) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::shared_ptr<io::FileSystem> fs_;
  std::shared_ptr<LogStore> store_;
};

std::vector<std::string> Paths(const Snapshot& s) {
  std::vector<std::string> out;
  for (const auto& f : s.files()) out.push_back(f.path);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(CheckpointWriterTest, PartSizeSplitsTheCheckpointIntoNumberedParts) {
  TableWithFiles(5);  // protocol, metaData, txn, 4 adds, 1 remove = 8 actions
  auto s = Load();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  CheckpointOptions opts;
  opts.part_size = 3;
  auto lc = WriteCheckpoint(**s, opts);
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  EXPECT_EQ(lc->version, 1);
  EXPECT_EQ(lc->size, 8);
  EXPECT_EQ(lc->parts, 3);
  EXPECT_EQ(lc->num_of_add_files, 4);
  EXPECT_EQ(LogFiles(), (std::vector<std::string>{
                            "00000000000000000001.checkpoint.0000000001.0000000003.parquet",
                            "00000000000000000001.checkpoint.0000000002.0000000003.parquet",
                            "00000000000000000001.checkpoint.0000000003.0000000003.parquet"}));

  // Parts of 3, 3 and 2 actions; their byte sizes add up to sizeInBytes.
  int64_t bytes = 0;
  std::vector<int> per_part;
  for (int part = 1; part <= 3; ++part) {
    std::string path = store_->LogPath(MultiPartCheckpointFileName(1, part, 3));
    int n = 0;
    ASSERT_TRUE(ReadCheckpointFile(*fs_, path, [&](Action&&) {
                  ++n;
                  return Status::OK();
                }).ok());
    per_part.push_back(n);
    auto info = fs_->Stat(path);
    ASSERT_TRUE(info.ok());
    bytes += static_cast<int64_t>(info->size);
  }
  EXPECT_EQ(per_part, (std::vector<int>{3, 3, 2}));
  EXPECT_EQ(lc->size_in_bytes, bytes);

  auto hint = store_->ReadLastCheckpoint();
  ASSERT_TRUE(hint.ok() && hint->has_value());
  EXPECT_EQ((*hint)->parts, 3);
  EXPECT_NE((*hint)->ToJson().find("\"parts\":3"), std::string::npos) << (*hint)->ToJson();
}

TEST_F(CheckpointWriterTest, MultiPartCheckpointAloneRebuildsTheSnapshot) {
  TableWithFiles(10);
  auto s = Load();
  ASSERT_TRUE(s.ok());
  CheckpointOptions opts;
  opts.part_size = 4;
  ASSERT_TRUE(WriteCheckpoint(**s, opts).ok());
  for (int v = 0; v <= 1; ++v) {
    ASSERT_TRUE(fs_->Delete(store_->LogPath(CommitFileName(v))).ok());
  }
  auto again = Load();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->checkpoint_version(), 1);
  EXPECT_EQ(Paths(**again), Paths(**s));
  EXPECT_EQ((*again)->protocol(), (*s)->protocol());
  EXPECT_EQ((*again)->metadata(), (*s)->metadata());
  EXPECT_EQ((*again)->TransactionVersion("app"), 7);
  EXPECT_EQ((*again)->tombstones().size(), 1u);
}

TEST_F(CheckpointWriterTest, APartSizeAboveTheActionCountWritesOnePart) {
  TableWithFiles(2);
  auto s = Load();
  ASSERT_TRUE(s.ok());
  CheckpointOptions opts;
  opts.part_size = 1000;
  auto lc = WriteCheckpoint(**s, opts);
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  EXPECT_EQ(lc->parts, 1);
  EXPECT_EQ(LogFiles(), (std::vector<std::string>{
                            "00000000000000000001.checkpoint.0000000001.0000000001.parquet"}));
  auto again = Load();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->checkpoint_version(), 1);
}

TEST_F(CheckpointWriterTest, ClassicCheckpointHasNoPartsInLastCheckpoint) {
  TableWithFiles(3);
  auto s = Load();
  ASSERT_TRUE(s.ok());
  auto lc = WriteCheckpoint(**s);
  ASSERT_TRUE(lc.ok());
  EXPECT_EQ(lc->parts, std::nullopt);
  EXPECT_EQ(LogFiles(), (std::vector<std::string>{"00000000000000000001.checkpoint.parquet"}));
  EXPECT_EQ(lc->ToJson().find("parts"), std::string::npos);
}

TEST_F(CheckpointWriterTest, NegativePartSizeIsRejected) {
  TableWithFiles(1);
  auto s = Load();
  ASSERT_TRUE(s.ok());
  CheckpointOptions opts;
  opts.part_size = -2;
  auto lc = WriteCheckpoint(**s, opts);
  ASSERT_TRUE(lc.status().IsInvalidArgument());
  EXPECT_NE(lc.status().message().find("part size"), std::string::npos);
  EXPECT_TRUE(LogFiles().empty());
}

}  // namespace
}  // namespace lakestream::delta
