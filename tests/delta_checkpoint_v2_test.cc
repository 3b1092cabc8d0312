// V2 checkpoints (PROTOCOL.md "V2 Spec", "UUID-named checkpoint", "Sidecar
// Files") on the delta-rs test table checkpoint-v2-table, which Spark wrote
// with delta.checkpointPolicy = v2: UUID-named JSON checkpoints at versions 6
// and 8, each with one Parquet sidecar, and commits 0..9. The expected
// versions, file counts and row counts are delta-rs's (deltalake 1.x lists the
// files; pyarrow counted their rows). Broken copies of the table check the
// V2 rules: each is Corruption naming the file, never a silent wrong snapshot.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>

#include "delta/checkpoint_writer.h"
#include "delta/log_store.h"
#include "delta/snapshot.h"
#include "delta/table_scan.h"

namespace lakestream::delta {
namespace {

namespace stdfs = std::filesystem;

const char* kTable = "checkpoint-v2-table";
const char* kCheckpoint8 =
    "_delta_log/00000000000000000008.checkpoint.e5ac4dc4-be27-4106-8a55-609707487f83.json";
const char* kSidecar8 =
    "_delta_log/_sidecars/"
    "00000000000000000008.checkpoint.0000000001.0000000001.d55fb2cb-b8d3-4362-8572-c52142a9da1f."
    "parquet";

std::string Source() { return std::string(LAKESTREAM_TESTDATA_DIR) + "/delta-rs/" + kTable; }

class CheckpointV2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/checkpoint_v2_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    stdfs::remove_all(dir_);
    stdfs::copy(Source(), dir_, stdfs::copy_options::recursive);
  }
  void TearDown() override {
    if (!HasFailure()) stdfs::remove_all(dir_);
  }

  Result<std::shared_ptr<const Snapshot>> Load(std::optional<int64_t> version = std::nullopt) {
    ASSIGN_OR_RETURN(auto store, LogStore::OpenLocal(dir_));
    SnapshotOptions o;
    o.version = version;
    return Snapshot::Load(store, o);
  }

  static std::set<std::string> Paths(const Snapshot& s) {
    std::set<std::string> out;
    for (const AddFile& f : s.files()) out.insert(f.path);
    return out;
  }

  std::string Read(const std::string& rel) {
    std::ifstream in(dir_ + "/" + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ + "/" + rel, std::ios::trunc) << text;
  }
  // Replaces the first occurrence of `from` in file `rel` (which must hold it).
  void Edit(const std::string& rel, const std::string& from, const std::string& to) {
    std::string text = Read(rel);
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << rel << " has no " << from;
    text.replace(at, from.size(), to);
    Write(rel, text);
  }

  std::string dir_;
};

TEST_F(CheckpointV2Test, ReadsFromTheUuidCheckpointAndItsSidecar) {
  auto snap = Load();
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->version(), 9);
  EXPECT_EQ((*snap)->checkpoint_version(), 8);
  EXPECT_EQ((*snap)->files().size(), 8u);
  std::string out;
  ScanStats stats;
  ASSERT_TRUE(ScanNdjson(
                  **snap, {},
                  [&](std::string_view chunk) {
                    out.append(chunk);
                    return Status::OK();
                  },
                  &stats)
                  .ok());
  EXPECT_EQ(stats.rows, 44);
  for (int id = 1; id <= 44; ++id) {
    EXPECT_NE(out.find("\"id\":" + std::to_string(id) + ","), std::string::npos) << id;
  }
  auto v6 = Load(6);
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ((*v6)->checkpoint_version(), 6);
  EXPECT_EQ((*v6)->files().size(), 5u);
}

// Every version from the checkpoints is the version replayed from the commits alone.
TEST_F(CheckpointV2Test, EveryVersionMatchesTheReplayOfTheCommits) {
  std::map<int64_t, std::set<std::string>> with;
  for (int64_t v = 0; v <= 9; ++v) {
    auto s = Load(v);
    ASSERT_TRUE(s.ok()) << v << ": " << s.status().ToString();
    with[v] = Paths(**s);
  }
  for (const auto& e : stdfs::directory_iterator(dir_ + "/_delta_log")) {
    if (e.path().filename().string().find(".checkpoint.") != std::string::npos) {
      stdfs::remove(e.path());
    }
  }
  stdfs::remove_all(dir_ + "/_delta_log/_sidecars");
  stdfs::remove(dir_ + "/_delta_log/_last_checkpoint");
  for (int64_t v = 0; v <= 9; ++v) {
    auto s = Load(v);
    ASSERT_TRUE(s.ok()) << v << ": " << s.status().ToString();
    EXPECT_FALSE((*s)->checkpoint_version().has_value());
    EXPECT_EQ(Paths(**s), with[v]) << "version " << v;
  }
}

TEST_F(CheckpointV2Test, CheckpointMetadataOfAnotherVersionIsCorruption) {
  Edit(kCheckpoint8, R"("checkpointMetadata":{"version":8)", R"("checkpointMetadata":{"version":7)");
  auto snap = Load();
  ASSERT_TRUE(snap.status().IsCorruption()) << snap.status().ToString();
  EXPECT_NE(snap.status().message().find("checkpointMetadata says version 7"), std::string::npos)
      << snap.status().ToString();
}

TEST_F(CheckpointV2Test, UuidCheckpointWithoutCheckpointMetadataIsCorruption) {
  std::string text = Read(kCheckpoint8);
  std::stringstream in(text);
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line.find("\"checkpointMetadata\"") == std::string::npos) kept += line + "\n";
  }
  ASSERT_NE(kept, text);
  Write(kCheckpoint8, kept);
  auto snap = Load();
  ASSERT_TRUE(snap.status().IsCorruption()) << snap.status().ToString();
  EXPECT_NE(snap.status().message().find("exactly one checkpointMetadata"), std::string::npos)
      << snap.status().ToString();
}

TEST_F(CheckpointV2Test, SidecarOutsideTheSidecarsDirectoryIsCorruption) {
  Edit(kCheckpoint8, R"("sidecar":{"path":")", R"("sidecar":{"path":"/etc/)");
  auto snap = Load();
  ASSERT_TRUE(snap.status().IsCorruption()) << snap.status().ToString();
  EXPECT_NE(snap.status().message().find("_delta_log/_sidecars"), std::string::npos)
      << snap.status().ToString();
}

// A sidecar that vanished (a half-finished cleanup) makes its checkpoint unusable: the
// snapshot comes from the older checkpoint and the commits, and is the same.
TEST_F(CheckpointV2Test, MissingSidecarFallsBackToTheOlderCheckpoint) {
  auto before = Load();
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  stdfs::remove(dir_ + "/" + kSidecar8);
  auto snap = Load();
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->checkpoint_version(), 6);
  EXPECT_EQ(Paths(**snap), Paths(**before));
}

// We write classic V1 checkpoints to such a table (PROTOCOL.md always allows them), never
// multi-part ones (forbidden with v2Checkpoint); what we write reads back the same.
TEST_F(CheckpointV2Test, WritesAClassicCheckpointAndRefusesMultiPart) {
  auto snap = Load();
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  CheckpointOptions multi;
  multi.part_size = 3;
  Result<LastCheckpoint> refused = WriteCheckpoint(**snap, multi);
  ASSERT_TRUE(refused.status().IsInvalidArgument()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("v2Checkpoint"), std::string::npos);
  Result<LastCheckpoint> written = WriteCheckpoint(**snap);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->version, 9);
  auto again = Load();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->checkpoint_version(), 9);
  EXPECT_EQ(Paths(**again), Paths(**snap));
  EXPECT_EQ((*again)->protocol(), (*snap)->protocol());
}

}  // namespace
}  // namespace lakestream::delta
