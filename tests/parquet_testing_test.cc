// Conformance against apache/parquet-testing: every file in data/ reads (or
// fails with NotSupported for a feature we pin below), values are checked
// against the expectations the repository ships, and every file in
// bad_data/ yields an error without crashing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/time_format.h"
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
    RETURN_IF_ERROR(assembler.Assemble(data, reader->metadata().row_groups[g].num_rows, &rows)
                        .WithContext("parquet: " + path));
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

// Splits one CSV record (RFC 4180 quoting).
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

// Compares a file's values, column by column in order, with the CSV the
// repository ships beside it (empty cell = null).
void ExpectMatchesCsv(const std::string& parquet_name, const std::string& csv_name) {
  auto r = ReadToNdjson(TestData() + "/data/" + parquet_name);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::ifstream csv(TestData() + "/data/" + csv_name);
  std::string line;
  std::getline(csv, line);  // header
  std::vector<std::string> rows = Lines(*r);
  size_t i = 0;
  for (; std::getline(csv, line); ++i) {
    ASSERT_LT(i, rows.size());
    std::vector<std::string> cells = CsvFields(line);
    nlohmann::ordered_json row = nlohmann::ordered_json::parse(rows[i]);
    ASSERT_EQ(row.size(), cells.size()) << parquet_name << " row " << i;
    size_t c = 0;
    for (auto it = row.begin(); it != row.end(); ++it, ++c) {
      std::string got = it->is_null() ? "" : it->is_string() ? it->get<std::string>() : it->dump();
      ASSERT_EQ(got, cells[c]) << parquet_name << " row " << i << " column " << it.key();
    }
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
  // The .md beside the file gives the instants as microseconds since the epoch.
  EXPECT_EQ(*r,
            "{\"a\":\"2024-01-01T20:34:56.123456Z\"}\n{\"a\":\"2024-01-01T01:00:00.000000Z\"}\n"
            "{\"a\":\"9999-12-31T03:00:00.000000Z\"}\n{\"a\":\"2024-12-30T23:00:00.000000Z\"}\n"
            "{\"a\":null}\n{\"a\":\"" + FormatTimestampMicros(9089380393200000000) + "\"}\n");
}

TEST(ParquetTestingTest, EveryBadDataFileFailsWithoutCrashing) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(TestData() + "/bad_data")) {
    if (entry.path().extension() != ".parquet") continue;
    ++files;
    Result<std::string> r = ReadToNdjson(entry.path().string());
    if (entry.path().filename() == "ARROW-GH-43605.parquet") {
      // Dictionary pages with index bit width 0: they crashed Arrow, but
      // width 0 is legal when every index on the page is 0 (parquet-mr
      // writes it, see alltypes_tiny_pages), and DuckDB decodes the same
      // values we do (tests/parquet_interop_test.sh compares them).
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      continue;
    }
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
