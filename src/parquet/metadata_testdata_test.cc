// Footers and page headers of the real files in parquet-testing: parse,
// check against facts documented elsewhere (the files' .md/.csv notes and
// README), round-trip, and survive truncation and byte flips.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "parquet/metadata.h"
#include "parquet/metadata_test_util.h"

namespace lakestream::parquet {
namespace {

namespace fs = std::filesystem;

const fs::path kDataDir = fs::path(LAKESTREAM_TESTDATA_DIR) / "parquet-testing" / "data";
const fs::path kBadDataDir = fs::path(LAKESTREAM_TESTDATA_DIR) / "parquet-testing" / "bad_data";

class MetadataTestdataTest : public ::testing::Test {
 protected:
  static std::vector<fs::path> ParquetFiles(const fs::path& dir) {
    std::vector<fs::path> files;
    if (!fs::exists(dir)) return files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".parquet") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  static Result<FileMetaData> Parse(const std::string& footer) {
    return DeserializeFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
  }

  // Parses the footer of data/<name>; fails the test if it does not parse.
  static FileMetaData Footer(const std::string& name) {
    const std::string footer = FooterOf(ReadWholeFile((kDataDir / name).string()));
    EXPECT_FALSE(footer.empty()) << name;
    auto md = Parse(footer);
    EXPECT_TRUE(md.ok()) << name << ": " << md.status().ToString();
    return md.ok() ? *md : FileMetaData{};
  }

  static std::vector<std::string> LeafNames(const FileMetaData& md) {
    std::vector<std::string> names;
    for (const SchemaElement& e : md.schema) {
      if (e.type.has_value()) names.push_back(e.name);
    }
    return names;
  }

  void SetUp() override {
    if (!fs::exists(kDataDir)) GTEST_SKIP() << "no test data at " << kDataDir;
  }
};

TEST_F(MetadataTestdataTest, EveryFooterParsesAndRoundTrips) {
  int parsed = 0;
  for (const fs::path& path : ParquetFiles(kDataDir)) {
    SCOPED_TRACE(path.string());
    const std::string footer = FooterOf(ReadWholeFile(path.string()));
    ASSERT_FALSE(footer.empty());
    auto md = Parse(footer);
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    ASSERT_FALSE(md->schema.empty());
    std::string bytes;
    SerializeFileMetaData(*md, &bytes);
    auto back = Parse(bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(*back == *md);
    ++parsed;
  }
  EXPECT_GE(parsed, 10);
}

TEST_F(MetadataTestdataTest, AlltypesPlainHasEightRowsAndElevenColumns) {
  const FileMetaData md = Footer("alltypes_plain.parquet");
  EXPECT_EQ(md.num_rows, 8);
  ASSERT_EQ(md.row_groups.size(), 1u);
  EXPECT_EQ(md.row_groups[0].num_rows, 8);
  ASSERT_EQ(md.row_groups[0].columns.size(), 11u);
  EXPECT_EQ(LeafNames(md),
            (std::vector<std::string>{"id", "bool_col", "tinyint_col", "smallint_col", "int_col",
                                      "bigint_col", "float_col", "double_col", "date_string_col",
                                      "string_col", "timestamp_col"}));
  EXPECT_EQ(md.schema[0].num_children, 11);
  const ColumnMetaData& id = *md.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(id.type, PhysicalType::kInt32);
  EXPECT_EQ(id.path_in_schema, std::vector<std::string>{"id"});
  EXPECT_EQ(id.num_values, 8);
  EXPECT_EQ(md.row_groups[0].columns[10].meta_data->type, PhysicalType::kInt96);
}

TEST_F(MetadataTestdataTest, RowCountsMatchTheFilesNotes) {
  // From data/*.md and the *_expect.csv line counts.
  EXPECT_EQ(Footer("delta_binary_packed.parquet").num_rows, 200);
  EXPECT_EQ(Footer("delta_byte_array.parquet").num_rows, 1000);
  EXPECT_EQ(Footer("delta_encoding_optional_column.parquet").num_rows, 100);
  EXPECT_EQ(Footer("int96_from_spark.parquet").num_rows, 6);
  EXPECT_EQ(Footer("fixed_length_byte_array.parquet").num_rows, 1000);
  EXPECT_EQ(Footer("int32_with_null_pages.parquet").num_rows, 1000);
  EXPECT_EQ(Footer("old_list_structure.parquet").num_rows, 1);
}

TEST_F(MetadataTestdataTest, DeltaRequiredColumnsMatchTheExpectedCsvHeader) {
  const FileMetaData md = Footer("delta_encoding_required_column.parquet");
  EXPECT_EQ(md.num_rows, 100);
  const std::string csv =
      ReadWholeFile((kDataDir / "delta_encoding_required_column_expect.csv").string());
  std::vector<std::string> header;
  std::string cell;
  for (char c : csv.substr(0, csv.find('\n'))) {
    if (c == ',') {
      header.push_back(cell);
      cell.clear();
    } else if (c != '\r' && c != '"' && c != ' ') {
      cell.push_back(c);
    }
  }
  header.push_back(cell);
  // The file's column names carry a trailing ':' (see the Spark schema in
  // delta_encoding_required_column.md); the CSV's do not.
  std::vector<std::string> names = LeafNames(md);
  for (std::string& n : names) {
    if (!n.empty() && n.back() == ':') n.pop_back();
  }
  EXPECT_EQ(names, header);
  ASSERT_TRUE(md.created_by.has_value());
  EXPECT_NE(md.created_by->find("parquet-mr version 1.12.1"), std::string::npos);
}

TEST_F(MetadataTestdataTest, ColumnChunkKeyValueMetadataKeepsAKeyWithoutValue) {
  const FileMetaData md = Footer("column_chunk_key_value_metadata.parquet");
  ASSERT_FALSE(md.row_groups.empty());
  const auto& kvs = md.row_groups[0].columns[0].meta_data->key_value_metadata;
  ASSERT_EQ(kvs.size(), 2u);
  EXPECT_EQ(kvs[0].key, "foo");
  EXPECT_EQ(kvs[0].value, "bar");
  EXPECT_EQ(kvs[1].key, "thisiskeywithoutvalue");
  EXPECT_FALSE(kvs[1].value.has_value());
}

TEST_F(MetadataTestdataTest, SortColumnsAreRead) {
  const FileMetaData md = Footer("sort_columns.parquet");
  ASSERT_EQ(md.row_groups.size(), 2u);
  for (const RowGroup& g : md.row_groups) {
    ASSERT_EQ(g.sorting_columns.size(), 2u);
    EXPECT_EQ(g.sorting_columns[0].column_idx, 0);
    EXPECT_TRUE(g.sorting_columns[0].descending);
    EXPECT_TRUE(g.sorting_columns[0].nulls_first);
    EXPECT_EQ(g.sorting_columns[1].column_idx, 1);
    EXPECT_FALSE(g.sorting_columns[1].descending);
    EXPECT_FALSE(g.sorting_columns[1].nulls_first);
  }
}

TEST_F(MetadataTestdataTest, TruncatedBinaryStatisticsCarryExactnessFlags) {
  const FileMetaData md = Footer("binary_truncated_min_max.parquet");
  ASSERT_FALSE(md.row_groups.empty());
  int inexact = 0;
  int exact = 0;
  for (const ColumnChunk& c : md.row_groups[0].columns) {
    ASSERT_TRUE(c.meta_data && c.meta_data->statistics);
    const Statistics& s = *c.meta_data->statistics;
    ASSERT_TRUE(s.is_max_value_exact.has_value());
    ASSERT_TRUE(s.is_min_value_exact.has_value());
    (*s.is_max_value_exact ? exact : inexact)++;
  }
  EXPECT_GT(exact, 0);
  EXPECT_GT(inexact, 0);
}

TEST_F(MetadataTestdataTest, BloomFilterLengthIsRead) {
  const FileMetaData md = Footer("data_index_bloom_encoding_with_length.parquet");
  const ColumnMetaData& m = *md.row_groups.at(0).columns.at(0).meta_data;
  EXPECT_TRUE(m.bloom_filter_offset.has_value());
  EXPECT_TRUE(m.bloom_filter_length.has_value());
  EXPECT_FALSE(Footer("data_index_bloom_encoding_stats.parquet")
                   .row_groups.at(0)
                   .columns.at(0)
                   .meta_data->encoding_stats.empty());
  EXPECT_TRUE(md.row_groups[0].columns[0].column_index_offset.has_value());
  EXPECT_TRUE(md.row_groups[0].columns[0].offset_index_offset.has_value());
}

TEST_F(MetadataTestdataTest, UnknownLogicalTypeIsDroppedButTheFileReads) {
  const FileMetaData md = Footer("unknown-logical-type.parquet");
  ASSERT_GE(md.schema.size(), 2u);
  int without = 0;
  for (size_t i = 1; i < md.schema.size(); ++i) {
    if (!md.schema[i].logical_type.has_value()) ++without;
  }
  EXPECT_GE(without, 1);
}

TEST_F(MetadataTestdataTest, Float16AndDecimalLogicalTypesAreRead) {
  const FileMetaData f16 = Footer("float16_nonzeros_and_nans.parquet");
  ASSERT_GE(f16.schema.size(), 2u);
  ASSERT_TRUE(f16.schema[1].logical_type.has_value());
  EXPECT_EQ(f16.schema[1].logical_type->kind, LogicalType::Kind::kFloat16);
  EXPECT_EQ(f16.schema[1].type_length, 2);

  const FileMetaData dec = Footer("int32_decimal.parquet");
  ASSERT_GE(dec.schema.size(), 2u);
  EXPECT_EQ(dec.schema[1].converted_type, ConvertedType::kDecimal);
  EXPECT_EQ(dec.schema[1].precision, 4);
  EXPECT_EQ(dec.schema[1].scale, 2);
}

// Walks every page of every column chunk with DeserializePageHeader: the data
// pages' value counts must add up to the chunk's num_values.
TEST_F(MetadataTestdataTest, PageHeadersOfEveryChunkAddUpToItsValueCount) {
  int files_walked = 0;
  for (const char* name :
       {"alltypes_plain.parquet", "alltypes_dictionary.parquet", "datapage_v2.snappy.parquet",
        "datapage_v1-uncompressed-checksum.parquet", "delta_binary_packed.parquet",
        "nested_lists.snappy.parquet", "int32_with_null_pages.parquet", "nulls.snappy.parquet",
        "rle-dict-snappy-checksum.parquet", "byte_stream_split.zstd.parquet"}) {
    SCOPED_TRACE(name);
    const std::string file = ReadWholeFile((kDataDir / name).string());
    auto md = Parse(FooterOf(file));
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    bool saw_crc = false;
    for (const RowGroup& g : md->row_groups) {
      for (const ColumnChunk& c : g.columns) {
        ASSERT_TRUE(c.meta_data.has_value());
        const ColumnMetaData& m = *c.meta_data;
        int64_t pos = m.data_page_offset;
        if (m.dictionary_page_offset && *m.dictionary_page_offset > 0) {
          pos = std::min(pos, *m.dictionary_page_offset);
        }
        const int64_t end = pos + m.total_compressed_size;
        ASSERT_LE(end, static_cast<int64_t>(file.size()));
        int64_t values = 0;
        while (pos < end) {
          size_t header_len = 0;
          auto h = DeserializePageHeader(reinterpret_cast<const uint8_t*>(file.data()) + pos,
                                         end - pos, &header_len);
          ASSERT_TRUE(h.ok()) << "offset " << pos << ": " << h.status().ToString();
          if (h->type == PageType::kDataPage) {
            ASSERT_TRUE(h->data_page_header.has_value());
            values += h->data_page_header->num_values;
          } else if (h->type == PageType::kDataPageV2) {
            ASSERT_TRUE(h->data_page_header_v2.has_value());
            values += h->data_page_header_v2->num_values;
          } else if (h->type == PageType::kDictionaryPage) {
            ASSERT_TRUE(h->dictionary_page_header.has_value());
          }
          saw_crc |= h->crc.has_value();
          std::string bytes;
          SerializePageHeader(*h, &bytes);
          size_t reparsed_len = 0;
          auto reparsed = DeserializePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                bytes.size(), &reparsed_len);
          ASSERT_TRUE(reparsed.ok());
          EXPECT_EQ(reparsed_len, bytes.size());
          EXPECT_TRUE(*reparsed == *h);
          pos += static_cast<int64_t>(header_len) + h->compressed_page_size;
        }
        EXPECT_EQ(pos, end);
        EXPECT_EQ(values, m.num_values);
      }
    }
    if (std::string(name).find("checksum") != std::string::npos) {
      EXPECT_TRUE(saw_crc);
    }
    ++files_walked;
  }
  EXPECT_EQ(files_walked, 10);
}

TEST_F(MetadataTestdataTest, EveryTruncationOfEveryFooterFails) {
  for (const fs::path& path : ParquetFiles(kDataDir)) {
    SCOPED_TRACE(path.string());
    const std::string footer = FooterOf(ReadWholeFile(path.string()));
    // Every length for small footers; a stride through the large ones keeps
    // sanitizer runs short.
    const size_t step = footer.size() > 8192 ? 7 : 1;
    for (size_t n = 0; n < footer.size(); n += step) {
      auto md = DeserializeFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), n);
      ASSERT_FALSE(md.ok()) << "prefix of " << n << " bytes parsed";
      ASSERT_TRUE(md.status().IsCorruption());
    }
  }
}

TEST_F(MetadataTestdataTest, RandomByteFlipsNeverCrash) {
  std::mt19937 rng(20240611);
  int survived = 0;
  int rejected = 0;
  for (const char* name :
       {"alltypes_plain.parquet", "nested_maps.snappy.parquet",
        "data_index_bloom_encoding_stats.parquet", "binary_truncated_min_max.parquet",
        "sort_columns.parquet", "datapage_v2.snappy.parquet",
        "column_chunk_key_value_metadata.parquet", "nullable.impala.parquet"}) {
    const std::string footer = FooterOf(ReadWholeFile((kDataDir / name).string()));
    ASSERT_FALSE(footer.empty()) << name;
    for (int iter = 0; iter < 1500; ++iter) {
      std::string mutated = footer;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        const size_t at = rng() % mutated.size();
        mutated[at] = static_cast<char>(rng() % 3 == 0 ? rng() : mutated[at] ^ (1 << (rng() % 8)));
      }
      auto md = Parse(mutated);
      if (!md.ok()) {
        EXPECT_TRUE(md.status().IsCorruption()) << md.status().ToString();
        ++rejected;
        continue;
      }
      ++survived;
      std::string bytes;
      SerializeFileMetaData(*md, &bytes);
      auto back = Parse(bytes);
      ASSERT_TRUE(back.ok()) << name << " iteration " << iter << ": " << back.status().ToString();
      EXPECT_TRUE(*back == *md);
    }
  }
  EXPECT_GT(survived, 0);
  EXPECT_GT(rejected, 0);
}

TEST_F(MetadataTestdataTest, BadDataFootersNeverCrash) {
  int seen = 0;
  for (const fs::path& path : ParquetFiles(kBadDataDir)) {
    const std::string footer = FooterOf(ReadWholeFile(path.string()));
    auto md = Parse(footer);
    if (md.ok()) {
      std::string bytes;
      SerializeFileMetaData(*md, &bytes);
      EXPECT_TRUE(Parse(bytes).ok()) << path;
    }
    ++seen;
  }
  EXPECT_GT(seen, 0);
}

}  // namespace
}  // namespace lakestream::parquet
