// Writer → reader round trips through the in-memory filesystem: every type,
// nulls, nesting, many pages and row groups, every codec, dictionary fallback,
// and statistics. Also: truncated and corrupted files fail cleanly.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
#include "parquet/json_printer.h"
#include "parquet/record_assembler.h"
#include "parquet/statistics.h"
#include "parquet/sample_rows.h"

namespace lakestream::parquet {
namespace {

struct Written {
  std::shared_ptr<io::FileSystem> fs;
  std::string path = "/t/file.parquet";
};

Written WriteRows(const Schema& schema, int64_t n, const WriterOptions& opts, int64_t batch = 1000) {
  Written w;
  w.fs = io::NewMemoryFileSystem();
  auto sink = w.fs->OpenForWrite(w.path);
  EXPECT_TRUE(sink.ok());
  auto writer = FileWriter::Open(std::move(*sink), schema, opts);
  EXPECT_TRUE(writer.ok());
  RecordShredder shredder(schema);
  for (int64_t i = 0; i < n; ++i) {
    Status s = shredder.Add(sample::AllTypesRow(i));
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (shredder.num_rows() == batch) EXPECT_TRUE(shredder.WriteTo(writer->get()).ok());
  }
  EXPECT_TRUE(shredder.WriteTo(writer->get()).ok());
  Status s = (*writer)->Close();
  EXPECT_TRUE(s.ok()) << s.ToString();
  return w;
}

std::vector<Value> ReadAll(const FileReader& reader) {
  RecordAssembler a(reader.schema());
  std::vector<Value> rows;
  std::vector<ColumnData> data;
  for (int g = 0; g < reader.num_row_groups(); ++g) {
    Status s = reader.ReadRowGroup(g, {}, &data);
    EXPECT_TRUE(s.ok()) << s.ToString();
    s = a.Assemble(data, reader.metadata().row_groups[g].num_rows, &rows);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return rows;
}

class FileRoundTripTest : public ::testing::TestWithParam<CompressionCodec> {};

TEST_P(FileRoundTripTest, EveryTypeNullsAndNestingSurvive) {
  Schema schema = sample::AllTypesSchema();
  WriterOptions opts;
  opts.compression = GetParam();
  opts.page_size_bytes = 4096;  // many pages
  opts.row_group_size_bytes = 256 << 10;  // several row groups
  const int64_t kRows = 20000;
  Written w = WriteRows(schema, kRows, opts);
  auto reader = FileReader::Open(*w.fs, w.path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_rows(), kRows);
  EXPECT_GT((*reader)->num_row_groups(), 1);
  std::vector<Value> rows = ReadAll(**reader);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kRows));
  for (int64_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(rows[i], sample::AllTypesRow(i)) << "row " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, FileRoundTripTest,
                         ::testing::Values(CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                                           CompressionCodec::kGzip, CompressionCodec::kZstd),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

TEST(FileWriterTest, DictionaryFallsBackToPlainWhenItGrowsTooLarge) {
  auto schema = Schema::FromRoot(field::Struct("s", {field::String("u", Repetition::kRequired)}));
  ASSERT_TRUE(schema.ok());
  WriterOptions opts;
  opts.dictionary_page_size_limit = 16 << 10;
  auto fs = io::NewMemoryFileSystem();
  auto writer = FileWriter::Open(*fs->OpenForWrite("/f"), *schema, opts);
  ASSERT_TRUE(writer.ok());
  ColumnValues v(PhysicalType::kByteArray);
  for (int i = 0; i < 5000; ++i) v.bytes.Append("unique-value-" + std::to_string(i));
  ASSERT_TRUE((*writer)->WriteColumn(0, nullptr, nullptr, 5000, v).ok());
  ASSERT_TRUE((*writer)->EndBatch(5000).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  const ColumnMetaData& md = *(*writer)->metadata().row_groups[0].columns[0].meta_data;
  bool dict_pages = false, plain_pages = false;
  for (const auto& es : md.encoding_stats) {
    if (es.page_type == PageType::kDataPage && es.encoding == Encoding::kRleDictionary) dict_pages = true;
    if (es.page_type == PageType::kDataPage && es.encoding == Encoding::kPlain) plain_pages = true;
  }
  EXPECT_TRUE(dict_pages);
  EXPECT_TRUE(plain_pages);
  auto reader = FileReader::Open(*fs, "/f");
  ASSERT_TRUE(reader.ok());
  auto col = (*reader)->ReadColumn(0, 0);
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  ASSERT_EQ(col->values.size(), 5000u);
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(col->values.bytes.Get(i), "unique-value-" + std::to_string(i));
}

TEST(FileWriterTest, StatisticsAllowRowGroupSkipping) {
  auto schema = Schema::FromRoot(field::Struct("s", {field::Int64("k"), field::String("c")}));
  ASSERT_TRUE(schema.ok());
  WriterOptions opts;
  auto fs = io::NewMemoryFileSystem();
  auto writer = FileWriter::Open(*fs->OpenForWrite("/f"), *schema, opts);
  ASSERT_TRUE(writer.ok());
  for (int g = 0; g < 4; ++g) {  // row group g holds k in [g*100, g*100+99], one null
    ColumnValues k(PhysicalType::kInt64), c(PhysicalType::kByteArray);
    std::vector<int16_t> def_k, def_c;
    for (int i = 0; i < 100; ++i) {
      def_k.push_back(i == 50 ? 0 : 1);
      if (i != 50) k.i64.push_back(g * 100 + i);
      def_c.push_back(1);
      c.bytes.Append(std::string(1, static_cast<char>('a' + g)) + "x");
    }
    ASSERT_TRUE((*writer)->WriteColumn(0, def_k.data(), nullptr, 100, k).ok());
    ASSERT_TRUE((*writer)->WriteColumn(1, def_c.data(), nullptr, 100, c).ok());
    ASSERT_TRUE((*writer)->EndBatch(100).ok());
    ASSERT_TRUE((*writer)->FlushRowGroup().ok());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = FileReader::Open(*fs, "/f");
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ((*reader)->num_row_groups(), 4);
  const Statistics& st = *(*reader)->metadata().row_groups[2].columns[0].meta_data->statistics;
  EXPECT_EQ(st.null_count, 1);
  EXPECT_EQ(DecodeStatistic((*reader)->schema().column(0), *st.min_value), Value::Int64(200));
  EXPECT_EQ(DecodeStatistic((*reader)->schema().column(0), *st.max_value), Value::Int64(299));

  auto i64 = [](int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
  using Op = ColumnPredicate::Op;
  std::vector<int> match;
  for (int g = 0; g < 4; ++g) {
    if ((*reader)->RowGroupMayMatch(g, {{0, Op::kEq, i64(250)}})) match.push_back(g);
  }
  EXPECT_EQ(match, std::vector<int>{2});
  EXPECT_FALSE((*reader)->RowGroupMayMatch(0, {{0, Op::kGt, i64(99)}}));
  EXPECT_TRUE((*reader)->RowGroupMayMatch(0, {{0, Op::kGe, i64(99)}}));
  EXPECT_FALSE((*reader)->RowGroupMayMatch(1, {{0, Op::kLt, i64(100)}}));
  EXPECT_TRUE((*reader)->RowGroupMayMatch(1, {{0, Op::kLe, i64(100)}}));
  EXPECT_FALSE((*reader)->RowGroupMayMatch(3, {{1, Op::kEq, "bx"}}));
  EXPECT_TRUE((*reader)->RowGroupMayMatch(1, {{1, Op::kEq, "bx"}}));
  EXPECT_FALSE((*reader)->RowGroupMayMatch(1, {{1, Op::kIsNull, ""}}));
  EXPECT_TRUE((*reader)->RowGroupMayMatch(1, {{0, Op::kIsNull, ""}}));
}

TEST(FileWriterTest, LongStringStatisticsAreTruncatedToValidBounds) {
  auto schema = Schema::FromRoot(field::Struct("s", {field::String("c", Repetition::kRequired)}));
  ASSERT_TRUE(schema.ok());
  StatisticsBuilder b(schema->column(0));
  ColumnValues v(PhysicalType::kByteArray);
  v.bytes.Append(std::string(100, 'a'));
  v.bytes.Append(std::string(100, 'z'));
  b.Update(v, 0, 2);
  Statistics st = b.Finish(16);
  ASSERT_TRUE(st.min_value && st.max_value);
  EXPECT_EQ(*st.min_value, std::string(16, 'a'));
  EXPECT_EQ(*st.max_value, std::string(15, 'z') + "{");
  EXPECT_EQ(st.is_max_value_exact, false);
  EXPECT_LE(*st.min_value, std::string(100, 'a'));
  EXPECT_GE(*st.max_value, std::string(100, 'z'));
}

TEST(FileWriterTest, RejectsLevelsThatDoNotMatchValues) {
  auto schema = Schema::FromRoot(field::Struct("s", {field::Int32("x")}));
  ASSERT_TRUE(schema.ok());
  auto fs = io::NewMemoryFileSystem();
  auto writer = FileWriter::Open(*fs->OpenForWrite("/f"), *schema);
  ASSERT_TRUE(writer.ok());
  ColumnValues v(PhysicalType::kInt32);
  v.i32 = {1, 2};
  std::vector<int16_t> def{1, 1, 1};
  EXPECT_TRUE((*writer)->WriteColumn(0, def.data(), nullptr, 3, v).IsInvalidArgument());
  def = {1, 2};
  EXPECT_TRUE((*writer)->WriteColumn(0, def.data(), nullptr, 2, v).IsInvalidArgument());
  ColumnValues wrong(PhysicalType::kInt64);
  EXPECT_TRUE((*writer)->WriteColumn(0, def.data(), nullptr, 0, wrong).IsInvalidArgument());
}

TEST(FileReaderTest, UnclosedWriterLeavesNoFile) {
  auto schema = Schema::FromRoot(field::Struct("s", {field::Int32("x")}));
  auto fs = io::NewMemoryFileSystem();
  {
    auto writer = FileWriter::Open(*fs->OpenForWrite("/f"), *schema);
    ASSERT_TRUE(writer.ok());
  }
  EXPECT_FALSE(*fs->Exists("/f"));
}

TEST(FileReaderTest, EveryTruncationAndManyByteFlipsFailCleanly) {
  Schema schema = sample::AllTypesSchema();
  WriterOptions opts;
  opts.page_size_bytes = 2048;
  Written w = WriteRows(schema, 300, opts, 100);
  std::string bytes = *w.fs->ReadFile(w.path);
  auto fs = io::NewMemoryFileSystem();
  for (size_t len = 0; len < bytes.size(); len += 1 + len / 64) {
    ASSERT_TRUE(fs->WriteFile("/cut", bytes.substr(0, len)).ok());
    auto r = FileReader::Open(*fs, "/cut");
    if (!r.ok()) continue;  // the footer went with the cut: rejected up front
    (void)ReadAll(**r);
  }
  std::mt19937 rng(42);
  int failures = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string bad = bytes;
    for (int k = 0; k < 3; ++k) bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    ASSERT_TRUE(fs->WriteFile("/flip", bad).ok());
    auto r = FileReader::Open(*fs, "/flip");
    if (!r.ok()) {
      ++failures;
      continue;
    }
    RecordAssembler a((*r)->schema());
    std::vector<ColumnData> data;
    std::vector<Value> rows;
    for (int g = 0; g < (*r)->num_row_groups(); ++g) {
      Status s = (*r)->ReadRowGroup(g, {}, &data);
      if (s.ok()) s = a.Assemble(data, (*r)->metadata().row_groups[g].num_rows, &rows);
      if (!s.ok()) {
        ++failures;
        EXPECT_FALSE(s.message().empty());
        break;
      }
    }
  }
  EXPECT_GT(failures, 0);
}

TEST(FileReaderTest, RejectsNonParquetAndEncryptedFiles) {
  auto fs = io::NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteFile("/small", "PAR1").ok());
  EXPECT_TRUE(FileReader::Open(*fs, "/small").status().IsCorruption());
  ASSERT_TRUE(fs->WriteFile("/csv", "a,b,c\n1,2,3\n4,5,6\n").ok());
  Status s = FileReader::Open(*fs, "/csv").status();
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("/csv"), std::string::npos);
  ASSERT_TRUE(fs->WriteFile("/enc", std::string("PARE") + std::string(20, 'x') + "PARE").ok());
  EXPECT_TRUE(FileReader::Open(*fs, "/enc").status().IsNotSupported());
  std::string huge_footer = "PAR1" + std::string(8, 'x') + std::string("\xff\xff\xff\x7f", 4) + "PAR1";
  ASSERT_TRUE(fs->WriteFile("/huge", huge_footer).ok());
  EXPECT_TRUE(FileReader::Open(*fs, "/huge").status().IsCorruption());
}

TEST(JsonPrinterTest, FormatsEveryLogicalType) {
  Schema schema = sample::AllTypesSchema();
  RecordAssembler a(schema);
  std::string out;
  Value row = sample::AllTypesRow(3);
  AppendRowJson(schema, a.fields(), row, &out);
  EXPECT_NE(out.find("\"id\":3"), std::string::npos) << out;
  EXPECT_NE(out.find("\"ts\":\"2023-11-14T22:13:23.703701Z\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"ts_local\":\"1969-12-31T00:00:00.000003Z\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"tags\":[\"t0\",\"t1\",null]"), std::string::npos) << out;
  EXPECT_NE(out.find("\"matrix\":[]"), std::string::npos) << out;
  std::string row5;
  AppendRowJson(schema, a.fields(), sample::AllTypesRow(5), &row5);
  EXPECT_NE(row5.find("\"matrix\":[[0],null]"), std::string::npos) << row5;
  EXPECT_EQ(DecimalToString(-12345, 2), "-123.45");
  EXPECT_EQ(DecimalToString(5, 3), "0.005");
  EXPECT_EQ(DecimalToString(-5, 3), "-0.005");
  EXPECT_EQ(DecimalToString(sample::BigEndian(-1, 16), 0), "-1");
  __int128 max38 = static_cast<__int128>(9999999999999999999ULL) * 10000000000000000000ULL + 9999999999999999999ULL;
  EXPECT_EQ(DecimalToString(sample::BigEndian(max38, 16), 10), "9999999999999999999999999999.9999999999");
  EXPECT_EQ(DecimalToString(sample::BigEndian(-max38, 16), 38), "-0.99999999999999999999999999999999999999");
}

}  // namespace
}  // namespace lakestream::parquet
