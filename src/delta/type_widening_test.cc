// Type widening (delta/type_widening.h): which changes the protocol allows,
// the delta.typeChanges check, and a table whose older data file holds
// SMALLINT, FLOAT, DATE, decimal(6,2), a struct's SMALLINT and an array of
// FLOAT while the schema says INT, DOUBLE, TIMESTAMP_NTZ, decimal(10,4),
// LONG and DOUBLE: every read path (scan with filters, ReadFileRows) returns
// the older file's rows exactly as a file written in the current types.
#include "delta/type_widening.h"

#include <gtest/gtest.h>

#include "delta/features.h"
#include "delta/row_reader.h"
#include "delta/table_scan.h"
#include "delta/write_test_util.h"
#include "parquet/file_writer.h"
#include "parquet/record_assembler.h"

namespace lakestream::delta {
namespace {

using parquet::Value;
namespace field = parquet::field;

DeltaType T(const std::string& json) {
  Result<DeltaType> t = ParseTypeJson(json);
  EXPECT_TRUE(t.ok()) << json << ": " << t.status().ToString();
  return t.ok() ? *t : DeltaType();
}

TEST(TypeWideningTest, SupportedChangesAreExactlyTheProtocols) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"byte\"", "\"short\""}, {"\"short\"", "\"integer\""}, {"\"integer\"", "\"long\""},
           {"\"byte\"", "\"long\""}, {"\"float\"", "\"double\""}, {"\"integer\"", "\"double\""},
           {"\"date\"", "\"timestamp_ntz\""}, {"\"decimal(6,2)\"", "\"decimal(10,4)\""},
           {"\"decimal(6,2)\"", "\"decimal(8,2)\""}, {"\"integer\"", "\"decimal(10,0)\""},
           {"\"short\"", "\"decimal(12,2)\""}, {"\"long\"", "\"decimal(20,0)\""},
           {"\"long\"", "\"decimal(22,2)\""}, {"\"string\"", "\"string\""}}) {
    EXPECT_TRUE(IsSupportedWidening(T(from), T(to))) << from << " -> " << to;
  }
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"long\"", "\"integer\""}, {"\"long\"", "\"double\""}, {"\"double\"", "\"float\""},
           {"\"date\"", "\"timestamp\""}, {"\"timestamp_ntz\"", "\"date\""},
           {"\"decimal(6,2)\"", "\"decimal(7,4)\""}, {"\"decimal(6,2)\"", "\"decimal(6,3)\""},
           {"\"decimal(10,4)\"", "\"decimal(6,2)\""}, {"\"integer\"", "\"decimal(9,0)\""},
           {"\"integer\"", "\"decimal(11,2)\""}, {"\"long\"", "\"decimal(19,0)\""},
           {"\"integer\"", "\"string\""}, {"\"float\"", "\"decimal(10,2)\""}}) {
    EXPECT_FALSE(IsSupportedWidening(T(from), T(to))) << from << " -> " << to;
  }
}

std::string SchemaWithChange(const std::string& from, const std::string& to) {
  return R"({"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[)"
         R"({"name":"v","type":")" + to + R"(","nullable":true,"metadata":{"delta.typeChanges":)"
         R"([{"fromType":")" + from + R"(","toType":")" + to + R"("}]}}]},)"
         R"("nullable":true,"metadata":{}}]})";
}

TEST(TypeWideningTest, ReadersRefuseAnUnsupportedRecordedChangeNamingIt) {
  Protocol p;
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = std::vector<std::string>{"typeWidening"};
  p.writer_features = std::vector<std::string>{"typeWidening"};
  Metadata m;
  m.schema_string = SchemaWithChange("short", "long");
  EXPECT_TRUE(CheckReadSupported(p, m, "/t").ok());
  EXPECT_TRUE(CheckWriteSupported(p, m, "/t").ok());
  m.schema_string = SchemaWithChange("long", "integer");
  Status s = CheckReadSupported(p, m, "/t");
  EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_NE(s.message().find("column s.v"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("long -> int"), std::string::npos) << s.message();
  m.schema_string = SchemaWithChange("short", "nonsense");
  EXPECT_FALSE(CheckReadSupported(p, m, "/t").ok());
}

// id long, small int (was short), f double (was float), d timestamp_ntz (was
// date), amt decimal(10,4) (was decimal(6,2)), big decimal(20,4) (was
// decimal(10,2)), s struct<q long (was short)>, arr array<double (was float)>.
constexpr const char* kWideSchema =
    R"j({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)j"
    R"j({"name":"small","type":"integer","nullable":true,"metadata":{}},)j"
    R"j({"name":"f","type":"double","nullable":true,"metadata":{}},)j"
    R"j({"name":"d","type":"timestamp_ntz","nullable":true,"metadata":{}},)j"
    R"j({"name":"amt","type":"decimal(10,4)","nullable":true,"metadata":{}},)j"
    R"j({"name":"big","type":"decimal(20,4)","nullable":true,"metadata":{}},)j"
    R"j({"name":"s","type":{"type":"struct","fields":[{"name":"q","type":"long",)j"
    R"j("nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},)j"
    R"j({"name":"arr","type":{"type":"array","elementType":"double","containsNull":true},)j"
    R"j("nullable":true,"metadata":{}}]})j";

class TypeWideningTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The older file: rows 0..2 in the narrow types.
    WriteFile("old.parquet",
              field::Struct("spark_schema",
                            {field::Int64("id"), field::Int16("small"), field::Float("f"),
                             field::Date("d"), field::Decimal("amt", 6, 2),
                             field::Decimal("big", 10, 2),
                             field::Struct("s", {field::Int16("q")}),
                             field::List("arr", field::Float("element"))}),
              {Row(0, Value::Int32(-7), Value::Float(0.25f), Value::Int32(-1), Value::Int32(-12345),
                   Value::Int64(-1234567890), Value::Int32(3), Value::Float(1.5f)),
               Row(1, Value::Int32(32767), Value::Float(-2.5f), Value::Int32(19000),
                   Value::Int32(999999), Value::Int64(9999999999), Value::Int32(-32768),
                   Value::Float(-0.125f)),
               Value::Struct({Value::Int64(2), Value::Null(), Value::Null(), Value::Null(),
                              Value::Null(), Value::Null(), Value::Null(), Value::Null()})});
    // The newer file: the same values written in the current types.
    Result<DeltaType> wide = ParseSchemaString(kWideSchema);
    ASSERT_TRUE(wide.ok());
    Result<parquet::Schema> ps = ToParquetSchema(*wide);
    ASSERT_TRUE(ps.ok()) << ps.status().ToString();
    const int64_t day = 86'400'000'000;
    WriteFile("new.parquet", ps->root(),
              {Row(0, Value::Int32(-7), Value::Double(0.25), Value::Int64(-day),
                   Value::Int64(-1234500), Decimal20(-123456789000), Value::Int64(3),
                   Value::Double(1.5)),
               Row(1, Value::Int32(32767), Value::Double(-2.5), Value::Int64(19000 * day),
                   Value::Int64(99999900), Decimal20(999999999900), Value::Int64(-32768),
                   Value::Double(-0.125)),
               Value::Struct({Value::Int64(2), Value::Null(), Value::Null(), Value::Null(),
                              Value::Null(), Value::Null(), Value::Null(), Value::Null()})});
  }

  static Value Row(int64_t id, Value small, Value f, Value d, Value amt, Value big, Value q,
                   Value elem) {
    return Value::Struct({Value::Int64(id), std::move(small), std::move(f), std::move(d),
                          std::move(amt), std::move(big), Value::Struct({std::move(q)}),
                          Value::List({std::move(elem), Value::Null()})});
  }

  // decimal(20,4) is a 9-byte FIXED_LEN_BYTE_ARRAY, big-endian two's complement.
  static Value Decimal20(int64_t unscaled) {
    std::string b(9, unscaled < 0 ? '\xff' : '\0');
    for (int i = 8; i >= 1; --i) {
      b[static_cast<size_t>(i)] = static_cast<char>(unscaled & 0xff);
      unscaled >>= 8;
    }
    return Value::Bytes(std::move(b));
  }

  void WriteFile(const std::string& name, const parquet::SchemaNode& root,
                 const std::vector<Value>& rows) {
    auto schema = parquet::Schema::FromRoot(root);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    auto sink = fs_->OpenForWrite("/t/" + name);
    ASSERT_TRUE(sink.ok());
    auto w = parquet::FileWriter::Open(std::move(sink).value(), *schema);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    parquet::RecordShredder shredder(*schema);
    for (const Value& r : rows) ASSERT_TRUE(shredder.Add(r).ok());
    ASSERT_TRUE(shredder.WriteTo(w->get()).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }

  // A table of the one file `name`, typeWidening listed.
  void Commit(const std::string& name) {
    Protocol p;
    p.min_reader_version = 3;
    p.min_writer_version = 7;
    p.reader_features = std::vector<std::string>{"typeWidening"};
    p.writer_features = std::vector<std::string>{"typeWidening"};
    Metadata m;
    m.id = "tw";
    m.schema_string = kWideSchema;
    m.configuration = {{"delta.enableTypeWidening", "true"}};
    AddFile a;
    a.path = name;
    a.size = 1000;
    a.stats = R"({"numRecords":3})";
    ASSERT_TRUE(store_->WriteCommit(0, SerializeCommit({p, m, a})).ok());
  }

  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
  std::shared_ptr<LogStore> store_ = std::make_shared<LogStore>(fs_, "/t");
};

TEST_F(TypeWideningTableTest, AnOlderFileReadsAsIfWrittenInTheCurrentTypes) {
  Commit("new.parquet");
  std::string expected = testing::ScanText(store_);
  ASSERT_NE(expected.find("\"id\":1"), std::string::npos) << expected;
  ASSERT_TRUE(fs_->Delete(store_->LogPath(CommitFileName(0))).ok());
  Commit("old.parquet");
  EXPECT_EQ(testing::ScanText(store_), expected);
  // Spelled out once, so the reference file cannot be wrong the same way.
  EXPECT_NE(expected.find(R"("small":32767,"f":-2.5,"d":"2022-01-08T00:00:00)"),
            std::string::npos)
      << expected;
}

TEST_F(TypeWideningTableTest, FiltersCompareConvertedValues) {
  Commit("old.parquet");
  ScanOptions so;
  so.columns = {"id"};
  so.where = "f < -1.0";
  EXPECT_EQ(testing::ScanText(store_, so), "{\"id\":1}\n");
  so.where = "small > 30000";
  EXPECT_EQ(testing::ScanText(store_, so), "{\"id\":1}\n");
  so.where = "amt < 0";
  EXPECT_EQ(testing::ScanText(store_, so), "{\"id\":0}\n");
}

TEST_F(TypeWideningTableTest, ReadFileRowsGivesValuesOfTheCurrentTypes) {
  Commit("new.parquet");
  auto snap = Snapshot::Load(store_);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  std::vector<Value> expected;
  ASSERT_TRUE(ReadFileRows(**snap, (*snap)->files()[0], &expected).ok());
  ASSERT_TRUE(fs_->Delete(store_->LogPath(CommitFileName(0))).ok());
  Commit("old.parquet");
  snap = Snapshot::Load(store_);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  std::vector<Value> rows;
  ASSERT_TRUE(ReadFileRows(**snap, (*snap)->files()[0], &rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows, expected);
}

}  // namespace
}  // namespace lakestream::delta
