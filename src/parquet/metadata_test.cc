// Synthetic footers and page headers: round trips, hand-built bytes, and the
// error paths. Real files are in metadata_testdata_test.cc.
#include "parquet/metadata.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "parquet/metadata_test_util.h"
#include "parquet/thrift_compact.h"

namespace lakestream::parquet {
namespace {

using thrift::CompactWriter;
using thrift::Type;

Statistics FullStatistics() {
  Statistics s;
  s.max = std::string("\xff\x01", 2);
  s.min = "";
  s.null_count = 3;
  s.distinct_count = 1LL << 40;
  s.max_value = "zzz";
  s.min_value = "aaa";
  s.is_max_value_exact = false;
  s.is_min_value_exact = true;
  return s;
}

ColumnMetaData FullColumnMetaData() {
  ColumnMetaData m;
  m.type = PhysicalType::kByteArray;
  m.encodings = {Encoding::kPlain, Encoding::kRleDictionary, Encoding::kRle};
  m.path_in_schema = {"a", "b", "c"};
  m.codec = CompressionCodec::kZstd;
  m.num_values = 1000;
  m.total_uncompressed_size = 123456;
  m.total_compressed_size = 6543;
  m.key_value_metadata = {{"k", "v"}, {"no_value", std::nullopt}};
  m.data_page_offset = 4;
  m.index_page_offset = 77;
  m.dictionary_page_offset = 4;
  m.statistics = FullStatistics();
  m.encoding_stats = {{PageType::kDictionaryPage, Encoding::kPlain, 1},
                      {PageType::kDataPage, Encoding::kRleDictionary, 9}};
  m.bloom_filter_offset = 999;
  m.bloom_filter_length = 64;
  return m;
}

SchemaElement Leaf(std::string name, PhysicalType type, std::optional<LogicalType> lt) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = Repetition::kOptional;
  e.logical_type = lt;
  return e;
}

LogicalType Logical(LogicalType::Kind kind) {
  LogicalType lt;
  lt.kind = kind;
  return lt;
}

FileMetaData FullFileMetaData() {
  FileMetaData md;
  md.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 0;
  md.schema.push_back(root);
  // One leaf per logical type, with every optional SchemaElement field on the first.
  SchemaElement first = Leaf("dec", PhysicalType::kFixedLenByteArray, std::nullopt);
  first.type_length = 16;
  first.converted_type = ConvertedType::kDecimal;
  first.scale = 2;
  first.precision = 38;
  first.field_id = 7;
  LogicalType dec = Logical(LogicalType::Kind::kDecimal);
  dec.scale = 2;
  dec.precision = 38;
  first.logical_type = dec;
  md.schema.push_back(first);
  using Kind = LogicalType::Kind;
  for (Kind k : {Kind::kString, Kind::kMap, Kind::kList, Kind::kEnum, Kind::kDate, Kind::kUnknown,
                 Kind::kJson, Kind::kBson, Kind::kUuid, Kind::kFloat16, Kind::kVariant,
                 Kind::kGeometry, Kind::kGeography}) {
    md.schema.push_back(
        Leaf("k" + std::to_string(static_cast<int>(k)), PhysicalType::kByteArray, Logical(k)));
  }
  for (TimeUnit unit : {TimeUnit::kMillis, TimeUnit::kMicros, TimeUnit::kNanos}) {
    LogicalType t = Logical(Kind::kTime);
    t.unit = unit;
    t.is_adjusted_to_utc = unit != TimeUnit::kMicros;
    md.schema.push_back(Leaf("time", PhysicalType::kInt64, t));
    t.kind = Kind::kTimestamp;
    md.schema.push_back(Leaf("ts", PhysicalType::kInt64, t));
  }
  LogicalType i8 = Logical(Kind::kInteger);
  i8.bit_width = 8;
  i8.is_signed = false;
  md.schema.push_back(Leaf("u8", PhysicalType::kInt32, i8));
  md.schema[0].num_children = static_cast<int32_t>(md.schema.size() - 1);
  md.num_rows = 5000000000LL;

  RowGroup g;
  ColumnChunk c;
  c.file_path = "other.parquet";
  c.file_offset = 4;
  c.meta_data = FullColumnMetaData();
  c.offset_index_offset = 1 << 30;
  c.offset_index_length = 100;
  c.column_index_offset = (1LL << 33) + 1;
  c.column_index_length = 200;
  g.columns = {c, ColumnChunk{}};
  g.total_byte_size = 1 << 20;
  g.num_rows = 5000000000LL;
  g.sorting_columns = {{0, true, false}, {1, false, true}};
  g.file_offset = 4;
  g.total_compressed_size = 1 << 19;
  g.ordinal = 0;
  md.row_groups = {g, RowGroup{}};
  md.key_value_metadata = {{"ARROW:schema", "..."}, {"empty", ""}, {"null", std::nullopt}};
  md.created_by = "lakestream version 0.1.0";
  md.column_orders = {ColumnOrder{true}, ColumnOrder{false}};
  return md;
}

class MetadataTest : public ::testing::Test {
 protected:
  static Result<FileMetaData> Parse(const std::string& bytes) {
    return DeserializeFileMetaData(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  static Result<PageHeader> ParsePage(const std::string& bytes, size_t* len = nullptr) {
    size_t ignored;
    return DeserializePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                 len ? len : &ignored);
  }
  static FileMetaData RoundTrip(const FileMetaData& md) {
    std::string bytes;
    SerializeFileMetaData(md, &bytes);
    auto parsed = Parse(bytes);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    return parsed.ok() ? *parsed : FileMetaData{};
  }
  static PageHeader RoundTrip(const PageHeader& h) {
    std::string bytes;
    SerializePageHeader(h, &bytes);
    size_t len = 0;
    auto parsed = ParsePage(bytes, &len);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(len, bytes.size());
    return parsed.ok() ? *parsed : PageHeader{};
  }
  // A FileMetaData with one row group whose ColumnMetaData is written by
  // `write_meta` (everything else valid).
  template <typename F>
  static std::string FooterWithColumnMetaData(F&& write_meta) {
    std::string out;
    CompactWriter w(&out);
    w.BeginStruct();
    w.WriteI32Field(1, 1);
    w.WriteFieldHeader(Type::kList, 2);
    w.WriteListHeader(Type::kStruct, 1);
    w.BeginStruct();
    w.WriteBinaryField(4, "root");
    w.EndStruct();
    w.WriteI64Field(3, 1);
    w.WriteFieldHeader(Type::kList, 4);
    w.WriteListHeader(Type::kStruct, 2);
    for (int i = 0; i < 2; ++i) {
      w.BeginStruct();
      w.WriteFieldHeader(Type::kList, 1);
      w.WriteListHeader(Type::kStruct, 1);
      w.BeginStruct();
      w.WriteI64Field(2, 4);
      w.WriteFieldHeader(Type::kStruct, 3);
      w.BeginStruct();
      if (i == 1) {
        write_meta(w);
      } else {
        WriteValidColumnMetaDataFields(w);
      }
      w.EndStruct();
      w.EndStruct();
      w.WriteI64Field(2, 10);
      w.WriteI64Field(3, 1);
      w.EndStruct();
    }
    w.EndStruct();
    return out;
  }
  static void WriteValidColumnMetaDataFields(CompactWriter& w, bool with_data_page_offset = true) {
    w.WriteI32Field(1, 1);
    w.WriteFieldHeader(Type::kList, 2);
    w.WriteListHeader(Type::kI32, 1);
    w.WriteI32(0);
    w.WriteFieldHeader(Type::kList, 3);
    w.WriteListHeader(Type::kBinary, 1);
    w.WriteBinary("x");
    w.WriteI32Field(4, 0);
    w.WriteI64Field(5, 1);
    w.WriteI64Field(6, 4);
    w.WriteI64Field(7, 4);
    if (with_data_page_offset) w.WriteI64Field(9, 4);
  }
};

// ---------------------------------------------------------------- round trips

TEST_F(MetadataTest, FileMetaDataWithEveryOptionalFieldSetRoundTrips) {
  const FileMetaData md = FullFileMetaData();
  EXPECT_TRUE(RoundTrip(md) == md);
}

TEST_F(MetadataTest, FileMetaDataWithNothingOptionalRoundTrips) {
  FileMetaData md;
  SchemaElement root;
  root.name = "root";
  md.schema = {root};
  EXPECT_TRUE(RoundTrip(md) == md);
  EXPECT_TRUE(RoundTrip(FileMetaData{}) == FileMetaData{});
}

TEST_F(MetadataTest, ColumnMetaDataWithNothingOptionalRoundTrips) {
  FileMetaData md;
  md.schema = {SchemaElement{}};
  RowGroup g;
  ColumnChunk c;
  c.meta_data.emplace();
  g.columns = {c};
  md.row_groups = {g};
  FileMetaData back = RoundTrip(md);
  EXPECT_TRUE(back == md);
  ASSERT_TRUE(back.row_groups[0].columns[0].meta_data.has_value());
  EXPECT_FALSE(back.row_groups[0].columns[0].meta_data->statistics.has_value());
}

TEST_F(MetadataTest, EmptyStatisticsStaySetButEmpty) {
  PageHeader h;
  h.data_page_header.emplace();
  h.data_page_header->statistics.emplace();
  const PageHeader back = RoundTrip(h);
  ASSERT_TRUE(back.data_page_header->statistics.has_value());
  EXPECT_TRUE(*back.data_page_header->statistics == Statistics{});
}

TEST_F(MetadataTest, DataPageHeaderV1RoundTrips) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 1000;
  h.compressed_page_size = 600;
  h.crc = -12345;
  DataPageHeader& d = h.data_page_header.emplace();
  d.num_values = 100;
  d.encoding = Encoding::kDeltaBinaryPacked;
  d.definition_level_encoding = Encoding::kRle;
  d.repetition_level_encoding = Encoding::kBitPacked;
  d.statistics = FullStatistics();
  EXPECT_TRUE(RoundTrip(h) == h);
  d.statistics.reset();
  h.crc.reset();
  EXPECT_TRUE(RoundTrip(h) == h);
}

TEST_F(MetadataTest, DictionaryPageHeaderRoundTrips) {
  PageHeader h;
  h.type = PageType::kDictionaryPage;
  h.uncompressed_page_size = 10;
  h.compressed_page_size = 10;
  DictionaryPageHeader& d = h.dictionary_page_header.emplace();
  d.num_values = 3;
  d.encoding = Encoding::kPlainDictionary;
  d.is_sorted = true;
  EXPECT_TRUE(RoundTrip(h) == h);
  d.is_sorted = false;
  EXPECT_TRUE(RoundTrip(h) == h);
  d.is_sorted.reset();
  EXPECT_TRUE(RoundTrip(h) == h);
}

TEST_F(MetadataTest, DataPageHeaderV2RoundTrips) {
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.uncompressed_page_size = 4096;
  h.compressed_page_size = 2048;
  DataPageHeaderV2& d = h.data_page_header_v2.emplace();
  d.num_values = 50;
  d.num_nulls = 5;
  d.num_rows = 40;
  d.encoding = Encoding::kByteStreamSplit;
  d.definition_levels_byte_length = 7;
  d.repetition_levels_byte_length = 3;
  d.is_compressed = false;
  d.statistics = FullStatistics();
  EXPECT_TRUE(RoundTrip(h) == h);
  d.is_compressed.reset();
  d.statistics.reset();
  EXPECT_TRUE(RoundTrip(h) == h);
}

TEST_F(MetadataTest, PageHeaderWithEverySubHeaderRoundTrips) {
  PageHeader h;
  h.data_page_header.emplace();
  h.dictionary_page_header.emplace();
  h.data_page_header_v2.emplace();
  EXPECT_TRUE(RoundTrip(h) == h);
}

TEST_F(MetadataTest, SerializationAppendsToTheOutput) {
  std::string out = "prefix";
  SerializePageHeader(PageHeader{}, &out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  size_t len = 0;
  auto parsed =
      DeserializePageHeader(reinterpret_cast<const uint8_t*>(out.data()) + 6, out.size() - 6, &len);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(len, out.size() - 6);
}

// ---------------------------------------------------------------- hand-built bytes

TEST_F(MetadataTest, PageHeaderBytesMatchTheSpec) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 5;
  h.compressed_page_size = 70;
  h.data_page_header.emplace();
  h.data_page_header->num_values = 3;
  h.data_page_header->encoding = Encoding::kPlain;
  h.data_page_header->definition_level_encoding = Encoding::kRle;
  h.data_page_header->repetition_level_encoding = Encoding::kRle;
  std::string out;
  SerializePageHeader(h, &out);
  const std::string expected = {
      0x15, 0x00,                     // 1: type = DATA_PAGE (i32 0)
      0x15, 0x0a,                     // 2: uncompressed_page_size = 5
      0x15, static_cast<char>(0x8c),  // 3: compressed_page_size = 70 (zigzag 140)
      0x01,                           //    ... varint continuation
      0x2c,                           // 5: data_page_header (delta 2, struct)
      0x15, 0x06,                     //    1: num_values = 3
      0x15, 0x00,                     //    2: encoding = PLAIN
      0x15, 0x06,                     //    3: definition_level_encoding = RLE
      0x15, 0x06,                     //    4: repetition_level_encoding = RLE
      0x00,                           //    stop
      0x00,                           // stop
  };
  EXPECT_EQ(out, expected);
  auto parsed = ParsePage(expected);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(*parsed == h);
}

TEST_F(MetadataTest, PageHeaderReportsItsLengthAndIgnoresWhatFollows) {
  std::string bytes;
  PageHeader h;
  h.compressed_page_size = 3;
  SerializePageHeader(h, &bytes);
  const size_t header_bytes = bytes.size();
  bytes += "abc";
  size_t len = 0;
  auto parsed = ParsePage(bytes, &len);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(len, header_bytes);
  EXPECT_EQ(parsed->compressed_page_size, 3);
}

TEST_F(MetadataTest, FileMetaDataRejectsTrailingBytes) {
  std::string bytes;
  SerializeFileMetaData(FileMetaData{}, &bytes);
  bytes.push_back(0);
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("trailing"), std::string::npos);
}

TEST_F(MetadataTest, UnknownFieldsAreSkipped) {
  const std::string bytes = FooterWithColumnMetaData([](CompactWriter& w) {
    WriteValidColumnMetaDataFields(w);
    w.WriteFieldHeader(Type::kStruct, 16);  // size_statistics
    w.BeginStruct();
    w.WriteI64Field(1, 5);
    w.WriteFieldHeader(Type::kList, 2);
    w.WriteListHeader(Type::kI64, 2);
    w.WriteI64(1);
    w.WriteI64(2);
    w.EndStruct();
    w.WriteBinaryField(99, "from the future");
    w.WriteFieldHeader(Type::kMap, 100);
    w.WriteMapHeader(Type::kBinary, Type::kDouble, 1);
    w.WriteBinary("k");
    w.WriteDouble(1.5);
  });
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->row_groups[1].columns[0].meta_data->data_page_offset, 4);
}

// ---------------------------------------------------------------- errors name struct and field

TEST_F(MetadataTest, MissingRequiredFieldNamesThePath) {
  const std::string bytes = FooterWithColumnMetaData(
      [](CompactWriter& w) { WriteValidColumnMetaDataFields(w, /*with_data_page_offset=*/false); });
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.status().IsCorruption());
  EXPECT_EQ(parsed.status().message(),
            "parquet: FileMetaData.row_groups[1].columns[0].meta_data: missing required field "
            "ColumnMetaData.data_page_offset");
}

TEST_F(MetadataTest, OptionalFieldOfTheWrongWireTypeIsSkippedLikeThriftDoes) {
  const std::string bytes = FooterWithColumnMetaData([](CompactWriter& w) {
    WriteValidColumnMetaDataFields(w);
    w.WriteBinaryField(10, "not an i64");  // index_page_offset
    w.WriteFieldHeader(Type::kList, 15);   // bloom_filter_length, as Dremio wrote it
    w.WriteListHeader(Type::kStruct, 1);
    w.BeginStruct();
    w.WriteI32Field(1, 0);
    w.EndStruct();
    w.WriteFieldHeader(Type::kList, 13);  // encoding_stats with the wrong element type
    w.WriteListHeader(Type::kI32, 2);
    w.WriteI32(1);
    w.WriteI32(2);
  });
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const ColumnMetaData& m = *parsed->row_groups[1].columns[0].meta_data;
  EXPECT_FALSE(m.index_page_offset.has_value());
  EXPECT_FALSE(m.bloom_filter_length.has_value());
  EXPECT_TRUE(m.encoding_stats.empty());
}

TEST_F(MetadataTest, RequiredFieldOfTheWrongWireTypeIsReportedMissing) {
  const std::string bytes = FooterWithColumnMetaData([](CompactWriter& w) {
    WriteValidColumnMetaDataFields(w, /*with_data_page_offset=*/false);
    w.WriteI32Field(9, 4);  // data_page_offset is i64
  });
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "parquet: FileMetaData.row_groups[1].columns[0].meta_data: missing required field "
            "ColumnMetaData.data_page_offset");
}

TEST_F(MetadataTest, TruncationInsideAListElementNamesTheElement) {
  FileMetaData md = FullFileMetaData();
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  // Cut inside the last schema element's name.
  ASSERT_EQ(md.schema.back().name, "u8");
  const size_t cut = bytes.find("u8") + 1;
  auto parsed = Parse(bytes.substr(0, cut));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().rfind("parquet: FileMetaData.schema[21].name: thrift: ", 0),
            0u)
      << parsed.status().message();
}

TEST_F(MetadataTest, MissingTopLevelFieldIsReported) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.WriteI32Field(1, 1);
  w.EndStruct();
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "parquet: FileMetaData: missing required field FileMetaData.schema");
}

TEST_F(MetadataTest, EmptyInputIsCorruption) {
  auto parsed = Parse("");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.status().IsCorruption());
  EXPECT_FALSE(ParsePage("").ok());
}

// ---------------------------------------------------------------- enums and unions

TEST_F(MetadataTest, UnknownEncodingAndCodecAreKeptAsTheirValues) {
  const std::string bytes = FooterWithColumnMetaData([](CompactWriter& w) {
    w.WriteI32Field(1, 1);
    w.WriteFieldHeader(Type::kList, 2);
    w.WriteListHeader(Type::kI32, 1);
    w.WriteI32(42);
    w.WriteFieldHeader(Type::kList, 3);
    w.WriteListHeader(Type::kBinary, 0);
    w.WriteI32Field(4, 99);
    w.WriteI64Field(5, 1);
    w.WriteI64Field(6, 4);
    w.WriteI64Field(7, 4);
    w.WriteI64Field(9, 4);
  });
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const ColumnMetaData& m = *parsed->row_groups[1].columns[0].meta_data;
  EXPECT_EQ(static_cast<int>(m.encodings.at(0)), 42);
  EXPECT_EQ(static_cast<int>(m.codec), 99);
}

TEST_F(MetadataTest, UnknownPhysicalTypeIsCorruption) {
  const std::string bytes = FooterWithColumnMetaData([](CompactWriter& w) {
    WriteValidColumnMetaDataFields(w);
    w.WriteI32Field(1, 8);  // a second `type`, past FIXED_LEN_BYTE_ARRAY
  });
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "parquet: FileMetaData.row_groups[1].columns[0].meta_data.type: invalid value 8");
}

TEST_F(MetadataTest, UnknownRepetitionIsCorruption) {
  FileMetaData md;
  md.schema.resize(1);
  md.schema[0].repetition_type = static_cast<Repetition>(3);
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "parquet: FileMetaData.schema[0].repetition_type: invalid value 3");
}

TEST_F(MetadataTest, UnknownLogicalTypeMemberLeavesTheAnnotationUnset) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.WriteI32Field(1, 1);
  w.WriteFieldHeader(Type::kList, 2);
  w.WriteListHeader(Type::kStruct, 1);
  w.BeginStruct();
  w.WriteBinaryField(4, "col");
  w.WriteI32Field(6, 0);  // converted_type UTF8 still applies
  w.WriteFieldHeader(Type::kStruct, 10);
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 2000);  // a member from the future
  w.BeginStruct();
  w.WriteBinaryField(1, "details");
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.WriteI64Field(3, 0);
  w.WriteFieldHeader(Type::kList, 4);
  w.WriteListHeader(Type::kStruct, 0);
  w.EndStruct();
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_FALSE(parsed->schema[0].logical_type.has_value());
  EXPECT_EQ(parsed->schema[0].converted_type, ConvertedType::kUtf8);
}

TEST_F(MetadataTest, TimestampWithUnknownUnitLeavesTheAnnotationUnset) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.WriteI32Field(1, 1);
  w.WriteFieldHeader(Type::kList, 2);
  w.WriteListHeader(Type::kStruct, 1);
  w.BeginStruct();
  w.WriteBinaryField(4, "ts");
  w.WriteFieldHeader(Type::kStruct, 10);
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 8);  // TIMESTAMP
  w.BeginStruct();
  w.WriteBoolField(1, true);
  w.WriteFieldHeader(Type::kStruct, 2);
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 4);  // PICOS?
  w.BeginStruct();
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.WriteI64Field(3, 0);
  w.WriteFieldHeader(Type::kList, 4);
  w.WriteListHeader(Type::kStruct, 0);
  w.EndStruct();
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_FALSE(parsed->schema[0].logical_type.has_value());
}

TEST_F(MetadataTest, DecimalWithoutPrecisionIsCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.WriteI32Field(1, 1);
  w.WriteFieldHeader(Type::kList, 2);
  w.WriteListHeader(Type::kStruct, 1);
  w.BeginStruct();
  w.WriteBinaryField(4, "d");
  w.WriteFieldHeader(Type::kStruct, 10);
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 5);
  w.BeginStruct();
  w.WriteI32Field(1, 2);
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  auto parsed = Parse(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "parquet: FileMetaData.schema[0].logical_type.DECIMAL: missing required field "
            "DecimalType.precision");
}

TEST_F(MetadataTest, LogicalTypeOfKindNoneIsNotWritten) {
  FileMetaData md;
  md.schema.resize(1);
  md.schema[0].logical_type = LogicalType{};
  FileMetaData back = RoundTrip(md);
  EXPECT_FALSE(back.schema[0].logical_type.has_value());
}

TEST_F(MetadataTest, ColumnOrderOtherThanTypeDefinedReadsAsFalse) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.WriteI32Field(1, 1);
  w.WriteFieldHeader(Type::kList, 2);
  w.WriteListHeader(Type::kStruct, 0);
  w.WriteI64Field(3, 0);
  w.WriteFieldHeader(Type::kList, 4);
  w.WriteListHeader(Type::kStruct, 0);
  w.WriteFieldHeader(Type::kList, 7);
  w.WriteListHeader(Type::kStruct, 2);
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 2);  // IEEE_754_TOTAL_ORDER
  w.BeginStruct();
  w.EndStruct();
  w.EndStruct();
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 1);  // TYPE_ORDER
  w.BeginStruct();
  w.EndStruct();
  w.EndStruct();
  w.EndStruct();
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->column_orders.size(), 2u);
  EXPECT_FALSE(parsed->column_orders[0].type_defined_order);
  EXPECT_TRUE(parsed->column_orders[1].type_defined_order);
}

TEST_F(MetadataTest, EncryptionFieldsSetFlagsAndAreNotWrittenBack) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.WriteI32Field(1, 1);
  w.WriteFieldHeader(Type::kList, 2);
  w.WriteListHeader(Type::kStruct, 0);
  w.WriteI64Field(3, 0);
  w.WriteFieldHeader(Type::kList, 4);
  w.WriteListHeader(Type::kStruct, 1);
  w.BeginStruct();  // RowGroup
  w.WriteFieldHeader(Type::kList, 1);
  w.WriteListHeader(Type::kStruct, 1);
  w.BeginStruct();  // ColumnChunk
  w.WriteI64Field(2, 4);
  w.WriteFieldHeader(Type::kStruct, 8);  // crypto_metadata: ENCRYPTION_WITH_COLUMN_KEY
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 2);
  w.BeginStruct();
  w.WriteFieldHeader(Type::kList, 1);
  w.WriteListHeader(Type::kBinary, 1);
  w.WriteBinary("secret_col");
  w.WriteBinaryField(2, "key-id");
  w.EndStruct();
  w.EndStruct();
  w.WriteBinaryField(9, std::string(40, '\x7f'));  // encrypted_column_metadata
  w.EndStruct();
  w.WriteI64Field(2, 0);
  w.WriteI64Field(3, 0);
  w.EndStruct();
  w.WriteFieldHeader(Type::kStruct, 8);  // encryption_algorithm: AES_GCM_V1
  w.BeginStruct();
  w.WriteFieldHeader(Type::kStruct, 1);
  w.BeginStruct();
  w.WriteBinaryField(2, "unique");
  w.EndStruct();
  w.EndStruct();
  w.WriteBinaryField(9, "signing key");  // footer_signing_key_metadata
  w.EndStruct();
  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->has_encryption_algorithm);
  EXPECT_TRUE(parsed->row_groups[0].columns[0].has_crypto_metadata);
  EXPECT_TRUE(parsed->row_groups[0].columns[0].has_encrypted_column_metadata);

  FileMetaData back = RoundTrip(*parsed);
  EXPECT_FALSE(back.has_encryption_algorithm);
  EXPECT_FALSE(back.row_groups[0].columns[0].has_crypto_metadata);
  EXPECT_FALSE(back.row_groups[0].columns[0].has_encrypted_column_metadata);
}

// ---------------------------------------------------------------- page header sanity

TEST_F(MetadataTest, NegativePageSizesAreCorruption) {
  PageHeader h;
  h.compressed_page_size = -1;
  std::string bytes;
  SerializePageHeader(h, &bytes);
  auto parsed = ParsePage(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("compressed_page_size is negative"), std::string::npos);

  PageHeader v2;
  v2.data_page_header_v2.emplace();
  v2.data_page_header_v2->definition_levels_byte_length = -5;
  bytes.clear();
  SerializePageHeader(v2, &bytes);
  EXPECT_FALSE(ParsePage(bytes).ok());
}

TEST_F(MetadataTest, IndexPageHeaderIsSkipped) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.WriteI32Field(1, static_cast<int32_t>(PageType::kIndexPage));
  w.WriteI32Field(2, 0);
  w.WriteI32Field(3, 0);
  w.WriteFieldHeader(Type::kStruct, 6);
  w.BeginStruct();
  w.EndStruct();
  w.EndStruct();
  auto parsed = ParsePage(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->type, PageType::kIndexPage);
  EXPECT_FALSE(parsed->data_page_header || parsed->dictionary_page_header ||
               parsed->data_page_header_v2);
}

// ---------------------------------------------------------------- robustness and speed

TEST_F(MetadataTest, EveryTruncationOfASyntheticFooterFails) {
  std::string bytes;
  SerializeFileMetaData(FullFileMetaData(), &bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Parse(bytes.substr(0, n)).ok()) << n;
  }
}

// A wide footer (100 row groups x 50 columns) parses whole and exact. Its speed is
// measured by bench/parquet_footer_bench.cc beside pyarrow, not asserted here.
TEST_F(MetadataTest, ParsesAHundredRowGroupsOfFiftyColumns) {
  FileMetaData md;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 50;
  md.schema.push_back(root);
  for (int c = 0; c < 50; ++c) {
    md.schema.push_back(Leaf("column_" + std::to_string(c), PhysicalType::kInt64, std::nullopt));
  }
  for (int g = 0; g < 100; ++g) {
    RowGroup rg;
    for (int c = 0; c < 50; ++c) {
      ColumnChunk chunk;
      chunk.file_offset = g * 100000 + c * 1000;
      ColumnMetaData& m = chunk.meta_data.emplace();
      m.type = PhysicalType::kInt64;
      m.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
      m.path_in_schema = {"column_" + std::to_string(c)};
      m.codec = CompressionCodec::kZstd;
      m.num_values = 10000;
      m.total_uncompressed_size = 80000;
      m.total_compressed_size = 20000;
      m.data_page_offset = chunk.file_offset;
      m.statistics.emplace();
      m.statistics->min_value = std::string(8, 'a');
      m.statistics->max_value = std::string(8, 'z');
      m.statistics->null_count = 0;
      rg.columns.push_back(chunk);
    }
    rg.num_rows = 10000;
    rg.total_byte_size = 50 * 80000;
    md.row_groups.push_back(std::move(rg));
  }
  md.num_rows = 1000000;
  std::string bytes;
  SerializeFileMetaData(md, &bytes);

  auto parsed = Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->row_groups.size(), 100u);
  EXPECT_EQ(parsed->num_rows, 1000000);
  for (int g = 0; g < 100; ++g) {
    const RowGroup& rg = parsed->row_groups[g];
    ASSERT_EQ(rg.columns.size(), 50u) << g;
    EXPECT_EQ(rg.num_rows, 10000) << g;
    for (int c = 0; c < 50; ++c) {
      const ColumnChunk& chunk = rg.columns[c];
      ASSERT_TRUE(chunk.meta_data.has_value()) << g << "/" << c;
      EXPECT_EQ(chunk.file_offset, g * 100000 + c * 1000);
      EXPECT_EQ(chunk.meta_data->path_in_schema,
                std::vector<std::string>{"column_" + std::to_string(c)});
      EXPECT_EQ(chunk.meta_data->data_page_offset, chunk.file_offset);
      ASSERT_TRUE(chunk.meta_data->statistics.has_value());
      EXPECT_EQ(chunk.meta_data->statistics->max_value, std::string(8, 'z'));
    }
  }
  std::string again;
  SerializeFileMetaData(*parsed, &again);
  EXPECT_EQ(again, bytes);
}

}  // namespace
}  // namespace lakestream::parquet
