// Tables with deletion vectors, as Spark leaves them after a DELETE: every
// reader path (ScanNdjson, ReadFileRows) skips the deleted rows, DELETE
// rewrites such files without them, vacuum keeps DV files while referenced,
// checkpoints carry the descriptor, and table features gate writes.
#include <gtest/gtest.h>
#include <zlib.h>

#include "delta/checkpoint_writer.h"
#include "delta/deletion_vector.h"
#include "delta/features.h"
#include "delta/merge.h"
#include "delta/operations.h"
#include "delta/table_scan.h"
#include "delta/vacuum.h"
#include "delta/write_test_util.h"
#include "delta/z85.h"
#include "io/fault_injection_file_system.h"

namespace lakestream::delta {
namespace {

using testing::EventRows;
using testing::EventSchema;
using testing::Ids;
using testing::ReadAll;

constexpr char kUuidBytes[] = "0123456789abcdef";

Protocol DvProtocol() {
  Protocol p;
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = std::vector<std::string>{"deletionVectors"};
  p.writer_features = std::vector<std::string>{"deletionVectors"};
  return p;
}

class DeletionVectorTableTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");

  std::string DvPath() const { return "/t/deletion_vector_" + UuidText(kUuidBytes) + ".bin"; }

  // Ids 0..9 in one file, then a commit that deletes `rows` through a DV
  // file as Spark's DELETE does (remove + add of the same path with the DV).
  void WriteTableWithDeleted(const std::vector<uint64_t>& rows) {
    WriteRequest req;
    ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 10), req).ok());
    std::string bitmap = SerializeRoaringBitmapArray(rows);
    uint32_t crc = static_cast<uint32_t>(crc32(
        0, reinterpret_cast<const Bytef*>(bitmap.data()), static_cast<uInt>(bitmap.size())));
    std::string file(1, '\x01');
    for (uint32_t v : {static_cast<uint32_t>(bitmap.size())}) {
      for (int i = 3; i >= 0; --i) file.push_back(static_cast<char>(v >> (8 * i)));
    }
    file += bitmap;
    for (int i = 3; i >= 0; --i) file.push_back(static_cast<char>(crc >> (8 * i)));
    ASSERT_TRUE(fs_->PutIfAbsent(DvPath(), file).ok());
    auto snap = Snapshot::Load(store_).value();
    ASSERT_EQ(snap->files().size(), 1u);
    AddFile add = snap->files()[0];
    DeletionVector dv;
    dv.storage_type = "u";
    dv.path_or_inline_dv = Z85Encode(std::string(kUuidBytes, 16));
    dv.offset = 1;
    dv.size_in_bytes = static_cast<int32_t>(bitmap.size());
    dv.cardinality = static_cast<int64_t>(rows.size());
    Transaction txn(store_, snap);
    txn.SetProtocol(DvProtocol());
    // delta.enableDeletionVectors stays unset (as after Spark's ALTER TABLE ... unset): readers
    // still honour the DV, and our DELETE rewrites.
    txn.Remove(add);
    add.deletion_vector = dv;
    txn.AddFiles({add});
    auto c = txn.Commit();
    ASSERT_TRUE(c.ok()) << c.status().ToString();
  }

  std::string Cat(ScanStats* stats = nullptr) {
    ScanOptions so;
    so.columns = {"id"};
    return testing::ScanText(store_, so, stats);
  }
};

TEST_F(DeletionVectorTableTest, ScansAndRowReadsSkipDeletedRows) {
  WriteTableWithDeleted({0, 3, 9});
  EXPECT_EQ(Ids(ReadAll(store_)), (std::multiset<int64_t>{1, 2, 4, 5, 6, 7, 8}));
  ScanStats stats;
  std::string out = Cat(&stats);
  EXPECT_EQ(stats.rows, 7);
  EXPECT_EQ(stats.rows_deleted, 3);
  EXPECT_EQ(out.find(R"({"id":3})"), std::string::npos) << out;
  EXPECT_NE(out.find(R"({"id":4})"), std::string::npos) << out;
  auto snap = Snapshot::Load(store_).value();
  EXPECT_EQ(snap->total_records(), 7);
  EXPECT_EQ(snap->files()[0].LiveRecords(), 7);
  // The version before the DELETE still has every row.
  EXPECT_EQ(Ids(ReadAll(store_, 0)).size(), 10u);
}

TEST_F(DeletionVectorTableTest, DeleteRewritesWithoutTheDeletedRows) {
  WriteTableWithDeleted({0, 3, 9});
  auto d = DeleteWhere(store_, "id = 4");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->rows_deleted, 1);
  EXPECT_EQ(d->rows_copied, 6);
  EXPECT_EQ(Ids(ReadAll(store_)), (std::multiset<int64_t>{1, 2, 5, 6, 7, 8}));
  // The remove names the file with its DV, so the (path, DV) pair leaves the table.
  auto snap = Snapshot::Load(store_).value();
  for (const auto& f : snap->files()) EXPECT_FALSE(f.deletion_vector);
}

TEST_F(DeletionVectorTableTest, VacuumKeepsDvFilesWhileReferenced) {
  WriteTableWithDeleted({0, 3, 9});
  VacuumOptions o;
  o.retention_ms = 0;
  o.allow_short_retention = true;
  o.now_ms = NowMillis() + 3'600'000;
  auto v = Vacuum(store_, o);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(fs_->Stat(DvPath()).ok());
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 7u);
  // Once no add or unexpired tombstone names it, it goes.
  ASSERT_TRUE(DeleteWhere(store_, "id = 4").ok());
  o.now_ms = NowMillis() + 7'200'000;
  v = Vacuum(store_, o);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(fs_->Stat(DvPath()).status().IsNotFound());
}

TEST_F(DeletionVectorTableTest, CheckpointCarriesTheDescriptor) {
  WriteTableWithDeleted({0, 3, 9});
  auto snap = Snapshot::Load(store_).value();
  ASSERT_TRUE(WriteCheckpoint(*snap).ok());
  ASSERT_TRUE(fs_->Delete("/t/_delta_log/00000000000000000001.json").ok());
  auto again = Snapshot::Load(store_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_EQ((*again)->files().size(), 1u);
  EXPECT_EQ((*again)->files()[0].deletion_vector, snap->files()[0].deletion_vector);
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 7u);
}

TEST_F(DeletionVectorTableTest, CorruptDvFileFailsReadsNamingIt) {
  WriteTableWithDeleted({0, 3, 9});
  ASSERT_TRUE(fs_->Delete(DvPath()).ok());
  ASSERT_TRUE(fs_->PutIfAbsent(DvPath(), std::string(40, '\x01')).ok());
  auto snap = Snapshot::Load(store_).value();
  std::vector<parquet::Value> rows;
  Status s = ReadFileRows(*snap, snap->files()[0], &rows);
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find(snap->files()[0].path + ": deletion vector u"), std::string::npos)
      << s.ToString();
  EXPECT_NE(s.message().find(DvPath()), std::string::npos) << s.ToString();
}

TEST_F(DeletionVectorTableTest, WritesToTablesWithFeaturesWeDoNotHonourAreRefused) {
  WriteTableWithDeleted({1});
  auto snap = Snapshot::Load(store_).value();
  // deletionVectors is honoured: appends work.
  WriteRequest req;
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(10, 2), req).ok());
  // A writer feature we lack refuses every write, naming it; reading still works.
  Transaction up(store_, Snapshot::Load(store_).value());
  Protocol p = DvProtocol();
  p.writer_features->push_back("rowTracking");
  up.SetProtocol(p);
  auto refused = up.Commit();
  ASSERT_TRUE(refused.status().IsNotSupported()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("writer features not supported: rowTracking"),
            std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(Ids(ReadAll(store_)).size(), 11u);
}

TEST_F(DeletionVectorTableTest, DeleteWritesDeletionVectorsWhenEnabled) {
  WriteRequest req;
  req.configuration = {{"delta.enableDeletionVectors", "true"}};
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 10), req).ok());
  auto before = Snapshot::Load(store_).value();
  EXPECT_TRUE(before->protocol().HasReaderFeature("deletionVectors"));
  EXPECT_TRUE(before->protocol().HasWriterFeature("deletionVectors"));
  const AddFile data = before->files()[0];

  auto d = DeleteWhere(store_, "id = 3 OR id = 7");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->deletion_vectors_added, 1);
  EXPECT_EQ(d->files_rewritten, 0);
  EXPECT_EQ(d->rows_deleted, 2);
  auto snap = Snapshot::Load(store_).value();
  ASSERT_EQ(snap->files().size(), 1u);
  const AddFile& marked = snap->files()[0];
  EXPECT_EQ(marked.path, data.path);  // the data file stays
  ASSERT_TRUE(marked.deletion_vector);
  EXPECT_EQ(marked.deletion_vector->cardinality, 2);
  EXPECT_NE(marked.stats->find("\"tightBounds\":false"), std::string::npos) << *marked.stats;
  EXPECT_EQ(Ids(ReadAll(store_)), (std::multiset<int64_t>{0, 1, 2, 4, 5, 6, 8, 9}));

  // A second DELETE adds to the file's deleted rows in a new DV.
  d = DeleteWhere(store_, "id = 0");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  snap = Snapshot::Load(store_).value();
  ASSERT_EQ(snap->files().size(), 1u);
  EXPECT_EQ(snap->files()[0].deletion_vector->cardinality, 3);
  EXPECT_EQ(Ids(ReadAll(store_)), (std::multiset<int64_t>{1, 2, 4, 5, 6, 8, 9}));
  EXPECT_EQ(snap->total_records(), 7);
  auto rows = LoadDeletionVector(*fs_, "/t", snap->files()[0].path,
                                 *snap->files()[0].deletion_vector);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows(), (std::vector<uint64_t>{0, 3, 7}));

  // Deleting the rest drops the file.
  d = DeleteWhere(store_, "id >= 0");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->rows_deleted, 7);
  EXPECT_TRUE(Snapshot::Load(store_).value()->files().empty());
}

TEST_F(DeletionVectorTableTest, ConcurrentDeletionVectorsOnOneFileConflictAndBothStick) {
  WriteRequest req;
  req.configuration = {{"delta.enableDeletionVectors", "true"}};
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 10), req).ok());
  // Between our DELETE's plan and its commit, another writer gives the same file a DV.
  auto fi = std::make_shared<io::FaultInjectionFileSystem>(fs_);
  Status raced = Status::Internal("the concurrent delete never ran");
  fi->BeforeNth(io::FsOp::kPutIfAbsent, 1, [&] { raced = DeleteWhere(store_, "id = 1").status(); },
                "/t/_delta_log/");
  auto ours = DeleteWhere(std::make_shared<LogStore>(fi, "/t"), "id = 8");
  ASSERT_TRUE(raced.ok()) << raced.ToString();
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  // Our first attempt lost (the winner removed the file we read); the retry built its DV on
  // the winner's, so neither delete is lost.
  EXPECT_EQ(ours->commit.version, 2);
  EXPECT_EQ(Ids(ReadAll(store_)), (std::multiset<int64_t>{0, 2, 3, 4, 5, 6, 7, 9}));
  auto snap = Snapshot::Load(store_).value();
  ASSERT_EQ(snap->files().size(), 1u);
  EXPECT_EQ(snap->files()[0].deletion_vector->cardinality, 2);
}

TEST_F(DeletionVectorTableTest, MergeMarksReplacedRowsInsteadOfCopyingTheOthers) {
  WriteRequest req;
  req.configuration = {{"delta.enableDeletionVectors", "true"}};
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 10), req).ok());
  const std::string data = Snapshot::Load(store_).value()->files()[0].path;
  CdcSpec cdc;
  cdc.keys = {"id"};
  cdc.sequence_by = "ts";
  const int64_t later = int64_t{1'800'000'000'000'000};
  auto r = MergeScd1(store_, {testing::EventRow(3, "XX", 20000, 99.0, later),
                              testing::EventRow(20, "YY", 20000, 1.0, later)},
                     cdc);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->deletion_vectors_added, 1);
  EXPECT_EQ(r->rows_copied, 0);
  EXPECT_EQ(r->rows_updated, 1);
  // A second merge on the file with a DV: row 5 is the 5th row read (row 3 is hidden), yet
  // its DV names row index 5.
  r = MergeScd1(store_, {testing::EventRow(5, "ZZ", 20000, 55.0, later)}, cdc);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto snap = Snapshot::Load(store_).value();
  const AddFile* marked = nullptr;
  for (const auto& f : snap->files()) {
    if (f.path == data) marked = &f;
  }
  ASSERT_NE(marked, nullptr);
  ASSERT_TRUE(marked->deletion_vector);
  auto rows = LoadDeletionVector(*fs_, "/t", marked->path, *marked->deletion_vector);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows(), (std::vector<uint64_t>{3, 5}));
  std::vector<parquet::Value> all = ReadAll(store_);
  EXPECT_EQ(Ids(all), (std::multiset<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20}));
  for (const auto& row : all) {
    if (row.items[0].i64 == 3) EXPECT_EQ(row.items[1].bytes, "XX");
    if (row.items[0].i64 == 5) EXPECT_EQ(row.items[1].bytes, "ZZ");
  }
}

TEST_F(DeletionVectorTableTest, WithoutTheTablePropertyDeleteRewrites) {
  WriteRequest req;
  ASSERT_TRUE(WriteRows(store_, EventSchema(), EventRows(0, 10), req).ok());
  Protocol p = Snapshot::Load(store_).value()->protocol();
  EXPECT_EQ(p.min_reader_version, 1) << "no reader feature, deletionVectors neither";
  EXPECT_FALSE(p.HasWriterFeature("deletionVectors"));
  auto d = DeleteWhere(store_, "id = 3");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->deletion_vectors_added, 0);
  EXPECT_EQ(d->files_rewritten, 1);
  auto snap = Snapshot::Load(store_).value();
  for (const auto& f : snap->files()) EXPECT_FALSE(f.deletion_vector);
}

TEST(TableFeaturesTest, WriterFeaturesNeedHonouringOnlyWhileActive) {
  Metadata m;
  m.schema_string = R"({"type":"struct","fields":[{"name":"a","type":"long","nullable":true,)"
                    R"("metadata":{"delta.generationExpression":"b + 1"}}]})";
  Protocol legacy;
  legacy.min_writer_version = 4;
  EXPECT_EQ(UnsupportedWriterFeatures(legacy, m),
            (std::vector<std::string>{"generatedColumns (delta.generationExpression)"}));
  m.configuration["delta.appendOnly"] = "true";
  m.configuration["delta.constraints.positive"] = "a > 0";
  Status s = CheckWriteSupported(legacy, m, "/t");
  ASSERT_TRUE(s.IsNotSupported());
  EXPECT_NE(s.message().find("appendOnly (delta.appendOnly = true), checkConstraints "
                             "(delta.constraints.positive), generatedColumns"),
            std::string::npos)
      << s.ToString();
  Protocol v7 = DvProtocol();
  v7.writer_features = std::vector<std::string>{"appendOnly", "invariants", "deletionVectors",
                                                "timestampNtz", "domainMetadata", "clustering"};
  m.configuration.clear();
  m.schema_string = R"({"type":"struct","fields":[]})";
  EXPECT_EQ(UnsupportedWriterFeatures(v7, m), (std::vector<std::string>{"clustering"}));
  Protocol future;
  future.min_writer_version = 8;
  EXPECT_TRUE(CheckWriteSupported(future, m, "/t").IsNotSupported());
  Protocol readable = DvProtocol();
  EXPECT_TRUE(CheckReadSupported(readable, m, "/t").ok());
  EXPECT_TRUE(CheckWriteSupported(readable, m, "/t").ok());
  readable.reader_features->push_back("variantType");
  EXPECT_TRUE(CheckWriteSupported(readable, m, "/t").IsNotSupported());
}

}  // namespace
}  // namespace lakestream::delta
