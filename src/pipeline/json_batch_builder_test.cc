#include "pipeline/json_batch_builder.h"

#include <gtest/gtest.h>

#include "io/file_system.h"
#include "parquet/file_reader.h"
#include "parquet/json_printer.h"
#include "parquet/record_assembler.h"

namespace lakestream::pipeline {
namespace {

std::vector<ColumnSpec> Specs() {
  return {{"id", ColumnType::kString, false, "event_id"},
          {"n", ColumnType::kInt32},
          {"big", ColumnType::kInt64},
          {"x", ColumnType::kDouble},
          {"ok", ColumnType::kBoolean},
          {"at", ColumnType::kTimestamp},
          {"day", ColumnType::kDate},
          {"props", ColumnType::kJson}};
}

// Writes the builder's rows to Parquet in memory and reads them back as NDJSON.
std::string RoundTrip(JsonBatchBuilder& b) {
  auto fs = io::NewMemoryFileSystem();
  auto writer = parquet::FileWriter::Open(*fs->OpenForWrite("/f"), b.schema());
  EXPECT_TRUE(writer.ok());
  EXPECT_TRUE(b.WriteTo(writer->get()).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  auto reader = parquet::FileReader::Open(*fs, "/f");
  EXPECT_TRUE(reader.ok());
  parquet::RecordAssembler a((*reader)->schema());
  std::string out;
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    std::vector<parquet::ColumnData> data;
    EXPECT_TRUE((*reader)->ReadRowGroup(g, {}, &data).ok());
    std::vector<parquet::Value> rows;
    EXPECT_TRUE(a.Assemble(data, (*reader)->metadata().row_groups[g].num_rows, &rows).ok());
    for (auto& r : rows) parquet::AppendRowJson((*reader)->schema(), a.fields(), r, &out);
  }
  return out;
}

TEST(JsonBatchBuilderTest, CastsEachColumnByName) {
  auto b = JsonBatchBuilder::Make(Specs());
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->Add(R"({"event_id":"e1","n":"42","big":9007199254740993,"x":"1.5","ok":"true",)"
                        R"("at":"2026-11-24T10:15:30.123456Z","day":"2026-11-24","props":{"a":[1,2]},"extra":1})")
                  .ok());
  ASSERT_TRUE((*b)->Add(R"({"n":7.0,"event_id":"e2","at":1700000000000,"ok":1,"props":"s","x":3})").ok());
  EXPECT_EQ((*b)->num_rows(), 2);
  EXPECT_EQ(RoundTrip(**b),
            "{\"id\":\"e1\",\"n\":42,\"big\":9007199254740993,\"x\":1.5,\"ok\":true,"
            "\"at\":\"2026-11-24T10:15:30.123456Z\",\"day\":\"2026-11-24\",\"props\":\"{\\\"a\\\":[1,2]}\"}\n"
            "{\"id\":\"e2\",\"n\":7,\"big\":null,\"x\":3,\"ok\":true,"
            "\"at\":\"2023-11-14T22:13:20.000000Z\",\"day\":null,\"props\":\"\\\"s\\\"\"}\n");
}

TEST(JsonBatchBuilderTest, DrainToValuesAppendsTheCastRowsAndClears) {
  auto b = JsonBatchBuilder::Make(Specs());
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->Add(R"({"event_id":"e1","n":"42","big":7})").ok());
  ASSERT_TRUE((*b)->Add(R"({"event_id":"e2","n":5})").ok());
  std::vector<parquet::Value> rows(1);  // appended to, not replaced
  ASSERT_TRUE((*b)->DrainToValues(&rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ((*b)->num_rows(), 0);
  const parquet::Value& r1 = rows[1];
  ASSERT_EQ(r1.kind, parquet::Value::Kind::kStruct);
  ASSERT_EQ(r1.items.size(), Specs().size());
  EXPECT_EQ(r1.items[0].bytes, "e1");
  EXPECT_EQ(r1.items[1].kind, parquet::Value::Kind::kInt32);
  EXPECT_EQ(r1.items[1].i32, 42);  // "42" cast to int32, as WriteTo casts it
  EXPECT_EQ(r1.items[2].i64, 7);
  EXPECT_EQ(rows[2].items[2].kind, parquet::Value::Kind::kNull);
  ASSERT_TRUE((*b)->DrainToValues(&rows).ok());  // nothing buffered: nothing appended
  EXPECT_EQ(rows.size(), 3u);
}

TEST(JsonBatchBuilderTest, BadRecordsAreRejectedWholeAndNameTheColumn) {
  auto b = JsonBatchBuilder::Make(Specs());
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->Add(R"({"event_id":"good","n":1})").ok());
  struct Case {
    const char* record;
    const char* reason;
  } cases[] = {
      {R"({"event_id":"a","n":"abc"})", "column n: not an integer"},
      {R"({"event_id":"a","n":1,"at":"yesterday"})", "column at: not an ISO-8601 timestamp"},
      {R"({"n":1})", "column id: missing and not nullable"},
      {R"({"event_id":null})", "column id: null in a non-nullable column"},
      {R"({"event_id":"a","n":3000000000})", "column n: value out of int32 range"},
      {R"({"event_id":"a","n":1,"ok":"maybe"})", "column ok: not a boolean"},
      {R"({"event_id":"a","n":1)", ""},
      {R"([1,2,3])", "record is not a JSON object"},
      {R"({"event_id":"a"} {"x":1})", "trailing content"},
  };
  for (const auto& c : cases) {
    Status s = (*b)->Add(c.record);
    EXPECT_TRUE(s.IsInvalidArgument()) << c.record;
    EXPECT_NE(s.message().find(c.reason), std::string::npos) << c.record << " -> " << s.message();
  }
  ASSERT_TRUE((*b)->Add(R"({"event_id":"good2","n":2,"x":0.25})").ok());
  EXPECT_EQ((*b)->num_rows(), 2);
  std::string out = RoundTrip(**b);
  EXPECT_EQ(out,
            "{\"id\":\"good\",\"n\":1,\"big\":null,\"x\":null,\"ok\":null,\"at\":null,\"day\":null,\"props\":null}\n"
            "{\"id\":\"good2\",\"n\":2,\"big\":null,\"x\":0.25,\"ok\":null,\"at\":null,\"day\":null,\"props\":null}\n");
}

// Several columns may read one JSON field; each gets its own cast of the value (a column
// used to get null silently when another column had the same source).
TEST(JsonBatchBuilderTest, ColumnsSharingASourceEachGetTheValue) {
  std::vector<ColumnSpec> specs = {{"ts", ColumnType::kTimestamp},
                                   {"id", ColumnType::kString},
                                   {"d", ColumnType::kDate, false, "ts"},
                                   {"raw", ColumnType::kString, true, "ts"},
                                   {"p", ColumnType::kJson, true, "props"},
                                   {"p2", ColumnType::kString, true, "props"}};
  auto b = JsonBatchBuilder::Make(specs);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE((*b)->Add(R"({"ts":"2020-01-01T10:00:00Z","id":"a","props":{"k":[1,"x"]}})").ok());
  ASSERT_TRUE((*b)->Add(R"({"id":"b","props":null,"ts":"2021-02-03"})").ok());
  // A bad value for one of the sharing columns rejects the whole record.
  Status s = (*b)->Add(R"({"ts":"not a time","id":"c"})");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("column ts"), std::string::npos) << s.message();
  // Missing: every sharing column is null, and the non-nullable one names itself.
  s = (*b)->Add(R"({"id":"d"})");
  EXPECT_NE(s.message().find("column d: missing and not nullable"), std::string::npos)
      << s.message();
  s = (*b)->Add(R"({"ts":"2020-01-01T00:00:00Z","ts":"2020-01-02T00:00:00Z"})");
  EXPECT_NE(s.message().find("field appears twice"), std::string::npos) << s.message();
  EXPECT_EQ(RoundTrip(**b),
            "{\"ts\":\"2020-01-01T10:00:00.000000Z\",\"id\":\"a\",\"d\":\"2020-01-01\","
            "\"raw\":\"2020-01-01T10:00:00Z\",\"p\":\"{\\\"k\\\":[1,\\\"x\\\"]}\","
            "\"p2\":\"{\\\"k\\\":[1,\\\"x\\\"]}\"}\n"
            "{\"ts\":\"2021-02-03T00:00:00.000000Z\",\"id\":\"b\",\"d\":\"2021-02-03\","
            "\"raw\":\"2021-02-03\",\"p\":null,\"p2\":null}\n");
}

TEST(JsonBatchBuilderTest, ParsesColumnSpecFiles) {
  auto specs = ParseColumnSpecs(R"({"columns":[{"name":"a","type":"bigint"},{"name":"b","type":"json","nullable":false,"source":"B"}]})");
  ASSERT_TRUE(specs.ok());
  ASSERT_EQ(specs->size(), 2u);
  EXPECT_EQ((*specs)[0].type, ColumnType::kInt64);
  EXPECT_EQ((*specs)[1].source, "B");
  EXPECT_FALSE((*specs)[1].nullable);
  EXPECT_TRUE(ParseColumnSpecs(R"({"columns":[{"name":"a","type":"uuid"}]})").status().IsInvalidArgument());
  EXPECT_TRUE(ParseColumnSpecs("not json").status().IsInvalidArgument());
  EXPECT_TRUE(JsonBatchBuilder::Make({{"a"}, {"a"}}).status().IsInvalidArgument());
}

}  // namespace
}  // namespace lakestream::pipeline
