// Conformance against apache/parquet-testing: every file in data/ reads (or
// fails with NotSupported for a feature we pin below), values are checked
// against the expectations the repository ships, and every file in
// bad_data/ yields an error without crashing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/file_system.h"
#include "parquet/file_reader.h"
#include "parquet/json_printer.h"
#include "parquet/record_assembler.h"

namespace lakestream::parquet {
namespace {

namespace fs = std::filesystem;

std::string TestData() { return std::string(LAKESTREAM_TESTDATA_DIR) + "/parquet-testing"; }

// Reads a whole file to NDJSON, or returns the first error.
Result<std::string> ReadToNdjson(const std::string& path) {
  auto local = io::NewLocalFileSystem();
  ASSIGN_OR_RETURN(auto reader, FileReader::Open(*local, path));
  RecordAssembler assembler(reader->schema());
  std::vector<ColumnData> data;
  std::string out;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    RETURN_IF_ERROR(reader->ReadRowGroup(g, {}, &data));
    std::vector<Value> rows;
    RETURN_IF_ERROR(assembler.Assemble(data, reader->metadata().row_groups[g].num_rows, &rows));
    for (const auto& r : rows) AppendRowJson(reader->schema(), assembler.fields(), r, &out);
  }
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

// Files we knowingly do not read, and why (the reader must say NotSupported).
const std::map<std::string, std::string>& NotSupportedFiles() {
  static const std::map<std::string, std::string> m = {};
  return m;
}

TEST(ParquetTestingTest, EveryDataFileReadsOrIsPinnedAsNotSupported) {
  int read = 0;
  std::vector<std::string> failures;
  for (const auto& entry : fs::recursive_directory_iterator(TestData() + "/data")) {
    if (entry.path().extension() != ".parquet") continue;
    std::string name = fs::relative(entry.path(), TestData() + "/data").string();
    Result<std::string> r = ReadToNdjson(entry.path().string());
    auto pinned = NotSupportedFiles().find(name);
    if (pinned != NotSupportedFiles().end()) {
      if (!r.status().IsNotSupported()) failures.push_back(name + ": expected NotSupported (" + pinned->second + "), got " + r.status().ToString());
      continue;
    }
    if (!r.ok()) {
      failures.push_back(name + ": " + r.status().ToString());
      continue;
    }
    ++read;
  }
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(read, 60);
}

TEST(ParquetTestingTest, AllTypesPlainHasKnownValues) {
  auto r = ReadToNdjson(TestData() + "/data/alltypes_plain.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> lines = Lines(*r);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0],
            "{\"id\":4,\"bool_col\":true,\"tinyint_col\":0,\"smallint_col\":0,\"int_col\":0,"
            "\"bigint_col\":0,\"float_col\":0,\"double_col\":0,\"date_string_col\":\"MDMvMDEvMDk=\","
            "\"string_col\":\"MA==\",\"timestamp_col\":\"2009-03-01T00:00:00.000000Z\"}");
  EXPECT_NE(lines[7].find("\"id\":1,"), std::string::npos);
  auto snappy = ReadToNdjson(TestData() + "/data/alltypes_plain.snappy.parquet");
  ASSERT_TRUE(snappy.ok()) << snappy.status().ToString();
  EXPECT_EQ(Lines(*snappy).size(), 2u);
  auto dict = ReadToNdjson(TestData() + "/data/alltypes_dictionary.parquet");
  ASSERT_TRUE(dict.ok()) << dict.status().ToString();
  EXPECT_EQ(Lines(*dict)[1].substr(0, 8), "{\"id\":1,");
}

// Compares a file's values with the CSV the repository ships beside it.
void ExpectMatchesCsv(const std::string& parquet_name, const std::string& csv_name) {
  auto r = ReadToNdjson(TestData() + "/data/" + parquet_name);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::ifstream csv(TestData() + "/data/" + csv_name);
  std::string header;
  std::getline(csv, header);
  std::vector<std::string> cols;
  {
    std::stringstream hs(header);
    std::string c;
    while (std::getline(hs, c, ',')) cols.push_back(c);
  }
  std::vector<std::string> rows = Lines(*r);
  std::string line;
  size_t i = 0;
  for (; std::getline(csv, line); ++i) {
    ASSERT_LT(i, rows.size());
    std::stringstream ls(line);
    std::string cell;
    std::string expected = "{";
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!std::getline(ls, cell, ',')) cell.clear();
      if (c) expected += ",";
      expected += "\"" + cols[c] + "\":";
      bool numeric = !cell.empty() && cell.find_first_not_of("-0123456789") == std::string::npos;
      expected += cell.empty() ? "null" : numeric ? cell : "\"" + cell + "\"";
    }
    expected += "}";
    ASSERT_EQ(rows[i], expected) << parquet_name << " row " << i;
  }
  EXPECT_EQ(i, rows.size());
}

TEST(ParquetTestingTest, DeltaBinaryPackedMatchesExpectedCsv) {
  ExpectMatchesCsv("delta_binary_packed.parquet", "delta_binary_packed_expect.csv");
}

TEST(ParquetTestingTest, DeltaByteArrayMatchesExpectedCsv) {
  ExpectMatchesCsv("delta_byte_array.parquet", "delta_byte_array_expect.csv");
}

TEST(ParquetTestingTest, DeltaEncodedRequiredAndOptionalColumnsMatchExpectedCsv) {
  ExpectMatchesCsv("delta_encoding_required_column.parquet", "delta_encoding_required_column_expect.csv");
  ExpectMatchesCsv("delta_encoding_optional_column.parquet", "delta_encoding_optional_column_expect.csv");
}

TEST(ParquetTestingTest, LegacyAndUnannotatedListsAssemble) {
  auto old_list = ReadToNdjson(TestData() + "/data/old_list_structure.parquet");
  ASSERT_TRUE(old_list.ok()) << old_list.status().ToString();
  EXPECT_EQ(Lines(*old_list)[0], "{\"a\":[[1,2],[3,4]]}");
  auto map_no_value = ReadToNdjson(TestData() + "/data/map_no_value.parquet");
  ASSERT_TRUE(map_no_value.ok()) << map_no_value.status().ToString();
  auto nested = ReadToNdjson(TestData() + "/data/nested_lists.snappy.parquet");
  ASSERT_TRUE(nested.ok()) << nested.status().ToString();
  EXPECT_EQ(Lines(*nested)[0], "{\"a\":[[[\"a\",\"b\"],[\"c\"]],[null,[\"d\"]]],\"b\":1}");
}

TEST(ParquetTestingTest, Int96TimestampsFromSpark) {
  auto r = ReadToNdjson(TestData() + "/data/int96_from_spark.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->find("\"2024-01-01T20:34:56.123456Z\""), std::string::npos) << *r;
}

TEST(ParquetTestingTest, EveryBadDataFileFailsWithoutCrashing) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(TestData() + "/bad_data")) {
    if (entry.path().extension() != ".parquet") continue;
    ++files;
    Result<std::string> r = ReadToNdjson(entry.path().string());
    EXPECT_FALSE(r.ok()) << entry.path().filename() << " was read without error";
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(entry.path().filename().string()), std::string::npos)
          << "error should name the file: " << r.status().ToString();
    }
  }
  EXPECT_GE(files, 8);
}

}  // namespace
}  // namespace lakestream::parquet
