#include "delta/deletion_vector.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "delta/z85.h"
#include "io/file_system.h"

namespace lakestream::delta {
namespace {

std::string Be32(uint32_t v) {
  std::string s;
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}

// A DV file as Delta writes one: version 1, then size, data, CRC-32 per DV.
std::string DvFile(const std::vector<std::string>& dvs) {
  std::string out(1, '\x01');
  for (const auto& d : dvs) {
    uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(d.data()), static_cast<uInt>(d.size())));
    out += Be32(static_cast<uint32_t>(d.size())) + d + Be32(crc);
  }
  return out;
}

// The `u` value of a UUID with a prefix.
const std::string kUuid = "d2c639aa-8816-431a-aaf6-d3fe2512ff61";
std::string UuidBytes() {
  std::string hex;
  for (char c : kUuid) {
    if (c != '-') hex.push_back(c);
  }
  std::string b;
  for (size_t i = 0; i < hex.size(); i += 2) {
    b.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return b;
}

DeletionVector Descriptor(const std::string& type, const std::string& value,
                           std::optional<int32_t> offset, int32_t size, int64_t cardinality) {
  DeletionVector dv;
  dv.storage_type = type;
  dv.path_or_inline_dv = value;
  dv.offset = offset;
  dv.size_in_bytes = size;
  dv.cardinality = cardinality;
  return dv;
}

class DeletionVectorTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();

  // Writes `file` as the DV file of a `u` descriptor for kUuid under /t/ab and
  // returns the descriptor of DV `index` in it.
  DeletionVector Stored(const std::string& file, int32_t offset, int32_t size, int64_t card) {
    EXPECT_TRUE(fs_->PutIfAbsent("/t/ab/deletion_vector_" + kUuid + ".bin", file).ok());
    return Descriptor("u", "ab" + Z85Encode(UuidBytes()), offset, size, card);
  }

  Result<DeletedRows> Load(const DeletionVector& dv) {
    return LoadDeletionVector(*fs_, "/t", "part-0.parquet", dv);
  }
};

TEST_F(DeletionVectorTest, InlineSpecExampleDecodesToItsSixRows) {
  // PROTOCOL.md "JSON Example 3 — Inline".
  auto rows =
      Load(Descriptor("i", "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", {}, 40, 6));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows(), (std::vector<uint64_t>{3, 4, 7, 11, 18, 29}));
  EXPECT_TRUE(rows->Contains(11));
  EXPECT_FALSE(rows->Contains(12));
}

TEST_F(DeletionVectorTest, RelativePathSpecExampleResolvesUnderItsPrefix) {
  // PROTOCOL.md "JSON Example 1": prefix "ab", then the Z85 UUID.
  DeletionVector dv;
  dv.storage_type = "u";
  dv.path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^";
  auto p = DeletionVectorFilePath("/mytable", dv);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, "/mytable/ab/deletion_vector_" + kUuid + ".bin");
  dv.path_or_inline_dv = "^-aqEH.-t@S}K{vb[*k^";  // no prefix
  EXPECT_EQ(DeletionVectorFilePath("/mytable", dv).value(),
            "/mytable/deletion_vector_" + kUuid + ".bin");
  dv.storage_type = "p";
  dv.path_or_inline_dv = "file:///abs/deletion_vector_x.bin";
  EXPECT_EQ(DeletionVectorFilePath("/mytable", dv).value(), "/abs/deletion_vector_x.bin");
  dv.storage_type = "u";
  dv.path_or_inline_dv = "short";
  EXPECT_TRUE(DeletionVectorFilePath("/mytable", dv).status().IsCorruption());
}

TEST_F(DeletionVectorTest, SerializeThenParseAcrossBucketsAndRuns) {
  std::vector<uint64_t> rows;
  for (uint64_t r = 0; r < 70000; ++r) rows.push_back(r);  // a run over two containers
  for (uint64_t r = 100000; r < 200000; r += 7) rows.push_back(r);  // array and bitmap
  rows.push_back((uint64_t{1} << 32) + 5);                        // a second bucket
  rows.push_back((uint64_t{3} << 32) + 0xFFFFFFFFu);
  std::string bytes = SerializeRoaringBitmapArray(rows);
  auto parsed = ParseRoaringBitmapArray(bytes, static_cast<int64_t>(rows.size()));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->rows(), rows);
  // The cap is checked before the rows are materialized.
  EXPECT_TRUE(ParseRoaringBitmapArray(bytes, 10).status().IsCorruption());
  auto empty = ParseRoaringBitmapArray(SerializeRoaringBitmapArray({}), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST_F(DeletionVectorTest, FileStoredVectorsAreFoundByOffset) {
  std::string a = SerializeRoaringBitmapArray({1, 2, 3});
  std::string b = SerializeRoaringBitmapArray({0, 9});
  std::string file = DvFile({a, b});
  int32_t second = static_cast<int32_t>(1 + 4 + a.size() + 4);
  auto rows = Load(Stored(file, second, static_cast<int32_t>(b.size()), 2));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows(), (std::vector<uint64_t>{0, 9}));
}

TEST_F(DeletionVectorTest, CursorVisitsRowsInOrder) {
  DeletedRows d({2, 5, 6});
  DeletedRows::Cursor c(&d);
  std::vector<uint64_t> seen;
  for (uint64_t r = 0; r < 10; ++r) {
    if (c.Deleted(r)) seen.push_back(r);
  }
  EXPECT_EQ(seen, (std::vector<uint64_t>{2, 5, 6}));
}

// Every corruption is an error naming the data file, the descriptor and the DV file.
void ExpectCorrupt(const Result<DeletedRows>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what;
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("part-0.parquet: deletion vector u"), std::string::npos) << m;
  EXPECT_NE(m.find("deletion_vector_" + kUuid + ".bin"), std::string::npos) << m;
  EXPECT_NE(m.find(what), std::string::npos) << m;
}

TEST_F(DeletionVectorTest, ChecksumMismatchIsCorruption) {
  std::string a = SerializeRoaringBitmapArray({1, 2, 3});
  std::string file = DvFile({a});
  file[file.size() - 1] ^= 1;
  ExpectCorrupt(Load(Stored(file, 1, static_cast<int32_t>(a.size()), 3)), "checksum mismatch");
}

TEST_F(DeletionVectorTest, FlippedDataByteIsCaughtByTheChecksum) {
  std::string a = SerializeRoaringBitmapArray({1, 2, 3});
  std::string file = DvFile({a});
  file[10] ^= 0x40;
  ExpectCorrupt(Load(Stored(file, 1, static_cast<int32_t>(a.size()), 3)), "checksum mismatch");
}

TEST_F(DeletionVectorTest, SizeCardinalityAndFramingMismatchesAreCorruption) {
  std::string a = SerializeRoaringBitmapArray({1, 2, 3});
  std::string file = DvFile({a});
  int32_t n = static_cast<int32_t>(a.size());
  ExpectCorrupt(Load(Stored(file, 1, n - 1, 3)), "differs from sizeInBytes");
}

TEST_F(DeletionVectorTest, CardinalityMismatchIsCorruption) {
  std::string a = SerializeRoaringBitmapArray({1, 2, 3});
  ExpectCorrupt(Load(Stored(DvFile({a}), 1, static_cast<int32_t>(a.size()), 4)),
                "cardinality says 4");
}

TEST_F(DeletionVectorTest, TruncatedFileIsCorruption) {
  std::string a = SerializeRoaringBitmapArray({1, 2, 3});
  std::string file = DvFile({a});
  file.resize(file.size() - 2);
  ExpectCorrupt(Load(Stored(file, 1, static_cast<int32_t>(a.size()), 3)), "the file has");
}

TEST_F(DeletionVectorTest, WrongVersionByteIsCorruption) {
  std::string a = SerializeRoaringBitmapArray({1});
  std::string file = DvFile({a});
  file[0] = 2;
  ExpectCorrupt(Load(Stored(file, 1, static_cast<int32_t>(a.size()), 1)), "format version 2");
}

TEST_F(DeletionVectorTest, WrongMagicIsCorruption) {
  std::string a = SerializeRoaringBitmapArray({1});
  a[0] ^= 1;
  ExpectCorrupt(Load(Stored(DvFile({a}), 1, static_cast<int32_t>(a.size()), 1)), "magic number");
}

TEST_F(DeletionVectorTest, MissingFileIsNotFoundNamingIt) {
  auto r = Load(Descriptor("p", "/t/deletion_vector_gone.bin", 1, 20, 1));
  ASSERT_TRUE(r.status().IsNotFound()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("part-0.parquet: deletion vector p/t/deletion_vector_gone"),
            std::string::npos)
      << r.status().ToString();
}

TEST_F(DeletionVectorTest, BadInlineDataAndStorageTypeAreCorruption) {
  // sizeInBytes 48: more than the 40 bytes the text holds.
  DeletionVector dv =
      Descriptor("i", "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", {}, 48, 6);
  EXPECT_TRUE(Load(dv).status().IsCorruption());
  dv.size_in_bytes = 40;
  dv.path_or_inline_dv[3] = '"';  // not Z85
  EXPECT_TRUE(Load(dv).status().IsCorruption());
  dv.storage_type = "x";
  auto r = Load(dv);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("unknown storageType 'x'"), std::string::npos);
}

TEST_F(DeletionVectorTest, MalformedBitmapsAreCorruption) {
  std::string ok = SerializeRoaringBitmapArray({1, 5});
  // Trailing bytes, a bucket count beyond the data, a key with the top bit set.
  EXPECT_TRUE(ParseRoaringBitmapArray(ok + "x", 10).status().IsCorruption());
  std::string many = ok;
  many[4] = 0x7f;
  EXPECT_TRUE(ParseRoaringBitmapArray(many, 10).status().IsCorruption());
  std::string neg = ok;
  neg[15] = static_cast<char>(0x80);
  auto r = ParseRoaringBitmapArray(neg, 10);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("most significant bit"), std::string::npos)
      << r.status().ToString();
  EXPECT_TRUE(ParseRoaringBitmapArray(ok.substr(0, 14), 10).status().IsCorruption());
  EXPECT_TRUE(ParseRoaringBitmapArray("", 10).status().IsCorruption());
}

}  // namespace
}  // namespace lakestream::delta
