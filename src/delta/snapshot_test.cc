#include "delta/snapshot.h"

#include <gtest/gtest.h>

#include "delta/checkpoint_reader.h"
#include "delta/checkpoint_writer.h"
#include "delta/table_scan.h"

namespace lakestream::delta {
namespace {

constexpr const char* kRoot = "/tables/t";

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = io::NewMemoryFileSystem();
    store_ = std::make_shared<LogStore>(fs_, kRoot);
  }

  void Commit(int64_t version, const std::vector<Action>& actions) {
    ASSERT_TRUE(store_->WriteCommit(version, SerializeCommit(actions)).ok());
  }

  static Protocol P(int reader = 1, int writer = 2) {
    Protocol p;
    p.min_reader_version = reader;
    p.min_writer_version = writer;
    return p;
  }
  static Metadata
  M(std::string schema =
        R"j({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"p","type":"string","nullable":true,"metadata":{}}]})j") {
    Metadata m;
    m.id = "table-id";
    m.schema_string = std::move(schema);
    m.partition_columns = {"p"};
    return m;
  }
  static AddFile Add(const std::string& path, int64_t size = 10) {
    AddFile a;
    a.path = path;
    a.size = size;
    a.partition_values = {{"p", "x"}};
    a.stats = R"j({"numRecords":1})j";
    return a;
  }
  static RemoveFile Remove(const std::string& path, int64_t ts = 100) {
    RemoveFile r;
    r.path = path;
    r.deletion_timestamp = ts;
    return r;
  }

  Result<std::shared_ptr<const Snapshot>> Load(SnapshotOptions opts = {}) {
    return Snapshot::Load(store_, opts);
  }

  // Three commits: create + add a; add b, c; remove a, txn; plus domains.
  void ThreeCommits() {
    CommitInfo ci;
    ci.operation = "CREATE TABLE";
    Commit(0, {ci, P(), M(), Add("p=x/a.parquet")});
    Commit(1, {Add("p=x/b.parquet"), Add("p=x/c.parquet"), SetTransaction{"app", 1, {}},
               DomainMetadata{"d1", "{\"k\":1}", false}, DomainMetadata{"d2", "{}", false}});
    CommitInfo ci2;
    ci2.operation = "DELETE";
    Commit(2, {ci2, Remove("p=x/a.parquet"), SetTransaction{"app", 2, {}},
               DomainMetadata{"d2", "{}", true}, Add("p=x/c.parquet", 99)});
  }

  std::shared_ptr<io::FileSystem> fs_;
  std::shared_ptr<LogStore> store_;
};

std::vector<std::string> Paths(const Snapshot& s) {
  std::vector<std::string> out;
  for (const auto& f : s.files()) out.push_back(f.path);
  return out;
}

TEST_F(SnapshotTest, ReplayReconcilesFilesTxnsAndDomains) {
  ThreeCommits();
  auto s = Load();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->version(), 2);
  EXPECT_EQ(Paths(**s), (std::vector<std::string>{"p=x/b.parquet", "p=x/c.parquet"}));
  EXPECT_EQ((*s)->files()[1].size, 99) << "the newest add of a path wins";
  ASSERT_EQ((*s)->tombstones().size(), 1u);
  EXPECT_EQ((*s)->tombstones()[0].path, "p=x/a.parquet");
  EXPECT_EQ((*s)->TransactionVersion("app"), 2);
  EXPECT_EQ((*s)->TransactionVersion("other"), std::nullopt);
  ASSERT_EQ((*s)->domain_metadata().size(), 1u);
  EXPECT_EQ((*s)->domain_metadata().begin()->first, "d1");
  ASSERT_TRUE((*s)->commit_info().has_value());
  EXPECT_EQ((*s)->commit_info()->operation, "DELETE");
  EXPECT_EQ((*s)->total_bytes(), 109);
  EXPECT_EQ((*s)->total_records(), 2);
  EXPECT_EQ((*s)->schema().fields.size(), 2u);
}

TEST_F(SnapshotTest, ReAddingARemovedFileClearsItsTombstone) {
  Commit(0, {P(), M(), Add("a")});
  Commit(1, {Remove("a")});
  Commit(2, {Add("a")});
  auto s = Load();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Paths(**s), std::vector<std::string>{"a"});
  EXPECT_TRUE((*s)->tombstones().empty());
}

TEST_F(SnapshotTest, TimeTravelByVersionAndTimestamp) {
  ThreeCommits();
  SnapshotOptions opts;
  opts.version = 0;
  auto s0 = Load(opts);
  ASSERT_TRUE(s0.ok()) << s0.status().ToString();
  EXPECT_EQ(Paths(**s0), std::vector<std::string>{"p=x/a.parquet"});
  EXPECT_EQ((*s0)->commit_info()->operation, "CREATE TABLE");
  // The memory filesystem's clock ticks once per write.
  auto listing = store_->List();
  ASSERT_TRUE(listing.ok());
  int64_t t1 = listing->commits.at(1).mtime_ms;
  SnapshotOptions at;
  at.timestamp_ms = t1;
  auto s1 = Load(at);
  ASSERT_TRUE(s1.ok()) << s1.status().ToString();
  EXPECT_EQ((*s1)->version(), 1);
  at.timestamp_ms = listing->commits.at(0).mtime_ms - 1;
  EXPECT_TRUE(Load(at).status().IsNotFound());
  opts.version = 3;
  auto s3 = Load(opts);
  ASSERT_TRUE(s3.status().IsNotFound());
  EXPECT_NE(s3.status().message().find("version 3 does not exist (latest is 2)"),
            std::string::npos);
}

TEST_F(SnapshotTest, InCommitTimestampsDriveTimeTravel) {
  Metadata m = M();
  m.configuration = {{"delta.enableInCommitTimestamps", "true"}};
  CommitInfo c0, c1;
  c0.in_commit_timestamp = 1000;
  c1.in_commit_timestamp = 2000;
  Commit(0, {c0, P(1, 7), m, Add("a")});
  Commit(1, {c1, Add("b")});
  SnapshotOptions at;
  at.timestamp_ms = 1999;
  auto s = Load(at);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->version(), 0);
  EXPECT_EQ((*s)->timestamp_ms(), 1000);
  at.timestamp_ms = 2000;
  EXPECT_EQ((*Load(at))->version(), 1);
}

TEST_F(SnapshotTest, GapInVersionsIsCorruptionNamingTheMissingCommit) {
  Commit(0, {P(), M()});
  Commit(1, {Add("a")});
  Commit(3, {Add("b")});
  auto s = Load();
  ASSERT_TRUE(s.status().IsCorruption()) << s.status().ToString();
  EXPECT_NE(s.status().message().find("/tables/t/_delta_log/00000000000000000002.json: missing"),
            std::string::npos)
      << s.status().message();
  SnapshotOptions opts;
  opts.version = 1;
  EXPECT_TRUE(Load(opts).ok()) << "versions before the gap still load";
}

TEST_F(SnapshotTest, MalformedCommitLineIsCorruptionNamingFileAndLine) {
  Commit(0, {P(), M()});
  ASSERT_TRUE(store_->WriteCommit(1, "{\"add\":{\"path\":\"a\",\"size\":1}}\n{oops\n").ok());
  auto s = Load();
  ASSERT_TRUE(s.status().IsCorruption());
  EXPECT_EQ(s.status().message(),
            "delta: /tables/t/_delta_log/00000000000000000001.json: line 2: malformed JSON");
}

TEST_F(SnapshotTest, NoLogIsNotFoundAndNoMetadataIsCorruption) {
  EXPECT_TRUE(Load().status().IsNotFound());
  Commit(0, {P(), Add("a")});
  auto s = Load();
  ASSERT_TRUE(s.status().IsCorruption());
  EXPECT_NE(s.status().message().find("no metaData action"), std::string::npos);
}

TEST_F(SnapshotTest, UnsupportedReaderFeaturesAreNamed) {
  Protocol p = P(3, 7);
  p.reader_features =
      std::vector<std::string>{"timestampNtz", "deletionVectors", "variantType", "noSuchFeature"};
  p.writer_features = p.reader_features;
  Commit(0, {p, M()});
  auto s = Load();
  ASSERT_TRUE(s.status().IsNotSupported());
  // Supported ones (timestampNtz, deletionVectors) are not named.
  EXPECT_NE(
      s.status().message().find("reader features not supported: variantType, noSuchFeature"),
      std::string::npos)
      << s.status().message();
  SnapshotOptions inspect;
  inspect.check_reader_features = false;
  EXPECT_TRUE(Load(inspect).ok());
}

TEST_F(SnapshotTest, ReaderVersionAboveThreeAndUnknownColumnMappingModesAreNotSupported) {
  Commit(0, {P(4, 7), M()});
  EXPECT_TRUE(Load().status().IsNotSupported());
  // Column mapping is read (delta/column_mapping.h); a mode we do not know is not.
  SetUp();
  Metadata m = M();
  m.configuration = {{"delta.columnMapping.mode", "byColour"}};
  Commit(0, {P(2, 5), m});
  auto s = Load();
  ASSERT_TRUE(s.status().IsNotSupported());
  EXPECT_NE(s.status().message().find("columnMapping"), std::string::npos);
  SnapshotOptions inspect;
  inspect.check_reader_features = false;
  EXPECT_TRUE(Load(inspect).ok()) << "describe still shows the log";
}

TEST_F(SnapshotTest, NameModeWithoutPhysicalNamesIsCorruptionNamingTheColumn) {
  Metadata m = M();
  m.configuration = {{"delta.columnMapping.mode", "name"}};
  Commit(0, {P(2, 5), m});
  auto s = Load();
  ASSERT_TRUE(s.status().IsCorruption()) << s.status().ToString();
  EXPECT_NE(s.status().message().find("column id has no delta.columnMapping.physicalName"),
            std::string::npos)
      << s.status().message();
}

TEST_F(SnapshotTest, CheckpointRoundTripReplacesTheCommitsBeforeIt) {
  ThreeCommits();
  auto s = Load();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto lc = WriteCheckpoint(**s);
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  EXPECT_EQ(lc->version, 2);
  // protocol, metaData, 1 txn, 1 domain, 2 adds, 1 remove
  EXPECT_EQ(lc->size, 7);
  EXPECT_EQ(lc->num_of_add_files, 2);
  auto hint = store_->ReadLastCheckpoint();
  ASSERT_TRUE(hint.ok() && hint->has_value());
  EXPECT_EQ((*hint)->version, 2);

  // Drop the commits; the checkpoint alone rebuilds the state.
  for (int v = 0; v <= 2; ++v) {
    ASSERT_TRUE(fs_->Delete(store_->LogPath(CommitFileName(v))).ok());
  }
  Commit(3, {Add("p=x/d.parquet")});
  auto again = Load();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->checkpoint_version(), 2);
  EXPECT_EQ(Paths(**again),
            (std::vector<std::string>{"p=x/b.parquet", "p=x/c.parquet", "p=x/d.parquet"}));
  EXPECT_EQ((*again)->protocol(), (*s)->protocol());
  EXPECT_EQ((*again)->metadata(), (*s)->metadata());
  EXPECT_EQ((*again)->tombstones().size(), 1u);
  EXPECT_EQ((*again)->TransactionVersion("app"), 2);
  EXPECT_EQ((*again)->domain_metadata().size(), 1u);
  EXPECT_EQ((*again)->files()[1].stats, (*s)->files()[1].stats);
  EXPECT_EQ((*again)->files()[0].partition_values, (*s)->files()[0].partition_values);
}

TEST_F(SnapshotTest, CheckpointKeepsEveryAddFileField) {
  AddFile a = Add("f");
  a.tags = StringMap{{"k", "v"}};
  a.base_row_id = 5;
  a.default_row_commit_version = 0;
  a.clustering_provider = "liquid";
  a.partition_values["q"] = std::nullopt;
  a.data_change = false;
  Metadata m = M();
  m.name = "n";
  m.description = "d";
  m.created_time = 12;
  m.configuration = {{"a", "b"}};
  Commit(0, {P(), m, a});
  auto s = Load();
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(WriteCheckpoint(**s).ok());
  std::vector<Action> actions;
  ASSERT_TRUE(ReadCheckpointFile(*fs_, store_->LogPath(CheckpointFileName(0)), [&](Action&& x) {
                actions.push_back(std::move(x));
                return Status::OK();
              }).ok());
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(std::get<Protocol>(actions[0]), P());
  EXPECT_EQ(std::get<Metadata>(actions[1]), m);
  EXPECT_EQ(std::get<AddFile>(actions[2]), a);
}

TEST_F(SnapshotTest, MissingCheckpointNamedByLastCheckpointFallsBackOrSaysWhy) {
  Commit(0, {P(), M(), Add("a")});
  Commit(1, {Add("b")});
  LastCheckpoint lc;
  lc.version = 1;
  lc.size = 3;
  ASSERT_TRUE(store_->WriteLastCheckpoint(lc).ok());
  auto s = Load();
  ASSERT_TRUE(s.ok()) << "the commits are all there: " << s.status().ToString();
  EXPECT_EQ((*s)->checkpoint_version(), std::nullopt);
  // Without commit 0 the log cannot be rebuilt; the error says why.
  ASSERT_TRUE(fs_->Delete(store_->LogPath(CommitFileName(0))).ok());
  s = Load();
  ASSERT_TRUE(s.status().IsCorruption());
  EXPECT_NE(s.status().message().find("_last_checkpoint names checkpoint 1, which does not exist"),
            std::string::npos)
      << s.status().message();
}

TEST_F(SnapshotTest, IncompleteMultiPartCheckpointIsIgnored) {
  Commit(0, {P(), M(), Add("a")});
  Commit(1, {Add("b")});
  ASSERT_TRUE(fs_->WriteFile(store_->LogPath(MultiPartCheckpointFileName(1, 1, 2)), "junk").ok());
  auto s = Load();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->checkpoint_version(), std::nullopt);
  EXPECT_EQ((*s)->files().size(), 2u);
}

TEST_F(SnapshotTest, MultiPartCheckpointIsReadPartByPart) {
  // Part 1 holds file a, part 2 file b (both restate protocol and metadata,
  // which replay tolerates).
  auto other = std::make_shared<LogStore>(fs_, "/tables/other");
  ASSERT_TRUE(other->WriteCommit(0, SerializeCommit({P(), M(), Add("b")})).ok());
  auto os = Snapshot::Load(other);
  ASSERT_TRUE(os.ok());
  ASSERT_TRUE(WriteCheckpoint(**os).ok());
  Commit(0, {P(), M(), Add("a")});
  auto s0 = Load();
  ASSERT_TRUE(s0.ok());
  ASSERT_TRUE(WriteCheckpoint(**s0).ok());
  Commit(1, {Add("b")});
  auto part1 = fs_->ReadFile(store_->LogPath(CheckpointFileName(0)));
  auto part2 = fs_->ReadFile(other->LogPath(CheckpointFileName(0)));
  ASSERT_TRUE(part1.ok() && part2.ok());
  ASSERT_TRUE(fs_->WriteFile(store_->LogPath(MultiPartCheckpointFileName(1, 1, 2)), *part1).ok());
  ASSERT_TRUE(fs_->WriteFile(store_->LogPath(MultiPartCheckpointFileName(1, 2, 2)), *part2).ok());
  for (int v = 0; v <= 1; ++v) {
    ASSERT_TRUE(fs_->Delete(store_->LogPath(CommitFileName(v))).ok());
  }
  ASSERT_TRUE(fs_->Delete(store_->LogPath(CheckpointFileName(0))).ok());
  auto s = Load();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->version(), 1);
  EXPECT_EQ((*s)->checkpoint_version(), 1);
  EXPECT_EQ(Paths(**s), (std::vector<std::string>{"a", "b"}));
}

TEST_F(SnapshotTest, LogFileNamesParse) {
  EXPECT_EQ(CommitFileName(7), "00000000000000000007.json");
  auto n = ParseLogFileName("00000000000000000010.checkpoint.0000000002.0000000003.parquet");
  EXPECT_EQ(n.kind, LogFileName::Kind::kMultiPartCheckpoint);
  EXPECT_EQ(n.version, 10);
  EXPECT_EQ(n.part, 2);
  EXPECT_EQ(n.num_parts, 3);
  EXPECT_EQ(ParseLogFileName("00000000000000000010.checkpoint.parquet").kind,
            LogFileName::Kind::kClassicCheckpoint);
  EXPECT_EQ(
      ParseLogFileName("00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json")
          .kind,
      LogFileName::Kind::kUuidCheckpoint);
  EXPECT_EQ(ParseLogFileName("00000000000000000004.00000000000000000006.compacted.json").kind,
            LogFileName::Kind::kCompaction);
  EXPECT_EQ(ParseLogFileName("00000000000000000004.crc").kind, LogFileName::Kind::kChecksum);
  EXPECT_EQ(ParseLogFileName("_last_checkpoint").kind, LogFileName::Kind::kLastCheckpoint);
  EXPECT_EQ(ParseLogFileName("foo.json").kind, LogFileName::Kind::kOther);
}

TEST_F(SnapshotTest, CommitRaceIsConflict) {
  Commit(0, {P(), M()});
  Status s = store_->WriteCommit(0, SerializeCommit({Add("x")}));
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
}

TEST_F(SnapshotTest, LastCheckpointParsesBothSpellingsOfSize) {
  auto a = LastCheckpoint::Parse(R"j({"size":4,"size_in_bytes":41898,"version":2})j", "x");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size_in_bytes, 41898);
  auto b = LastCheckpoint::Parse(
      R"j({"version":8,"size":11,"sizeInBytes":20432,"numOfAddFiles":7})j", "x");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->num_of_add_files, 7);
  EXPECT_TRUE(LastCheckpoint::Parse("{", "x").status().IsCorruption());
}

}  // namespace
}  // namespace lakestream::delta
