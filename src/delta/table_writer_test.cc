#include "delta/table_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "delta/file_stats.h"
#include "delta/partition_path.h"
#include "delta/write_test_util.h"

namespace lakestream::delta {
namespace {

using testing::EventRows;
using testing::EventSchema;

class TableWriterTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::FileSystem> fs_ = io::NewMemoryFileSystem();
};

TEST_F(TableWriterTest, WritesOneFilePerPartitionWithStatsAndHivePaths) {
  auto w = TableWriter::Make(fs_, "/t", EventSchema(), {"country"});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Write(EventRows(0, 30)).ok());
  auto adds = (*w)->Finish();
  ASSERT_TRUE(adds.ok()) << adds.status().ToString();
  ASSERT_EQ(adds->size(), 3u);
  for (const auto& a : *adds) {
    ASSERT_TRUE(a.partition_values.count("country"));
    std::string c = *a.partition_values.at("country");
    EXPECT_TRUE(a.path.starts_with("country=" + c + "/part-")) << a.path;
    EXPECT_TRUE(a.path.ends_with(".c000.zstd.parquet")) << a.path;
    EXPECT_EQ(fs_->Stat("/t/" + a.path).value().size, static_cast<uint64_t>(a.size));
    auto st = nlohmann::json::parse(*a.stats);
    EXPECT_EQ(st["numRecords"], 10);
    EXPECT_FALSE(st["minValues"].contains("country"));  // partition columns live elsewhere
    EXPECT_EQ(st["nullCount"]["id"], 0);
    EXPECT_TRUE(st["minValues"]["info"]["a"].is_number_integer());  // nested struct
    EXPECT_TRUE(st["maxValues"]["ts"].get<std::string>().ends_with("Z"));
    EXPECT_EQ(st["minValues"]["event_date"], FormatDate(20000));
    EXPECT_EQ(st["maxValues"]["event_date"], FormatDate(20001));
  }
}

TEST_F(TableWriterTest, TimestampStatsAreTruncatedToMilliseconds) {
  auto w = TableWriter::Make(fs_, "/t", EventSchema(), {});
  ASSERT_TRUE(w.ok());
  // 2023-11-14T22:13:20.001999Z and ...20.000500Z
  auto rows = EventRows(0, 2);
  rows[0].items[4] = parquet::Value::Int64(1'700'000'000'001'999);
  rows[1].items[4] = parquet::Value::Int64(1'700'000'000'000'500);
  ASSERT_TRUE((*w)->Write(rows).ok());
  auto adds = (*w)->Finish();
  ASSERT_TRUE(adds.ok());
  auto st = nlohmann::json::parse(*(*adds)[0].stats);
  EXPECT_EQ(st["minValues"]["ts"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(st["maxValues"]["ts"], "2023-11-14T22:13:20.001Z");
}

TEST_F(TableWriterTest, LongStringsArePrefixedAndMaxStaysAnUpperBound) {
  auto w = TableWriter::Make(fs_, "/t", EventSchema(), {});
  ASSERT_TRUE(w.ok());
  std::string long_a(40, 'a'), long_z(40, 'z');
  auto rows = EventRows(0, 2);
  rows[0].items[1] = parquet::Value::Bytes(long_a);
  rows[1].items[1] = parquet::Value::Bytes(long_z);
  rows[1].items[5] = parquet::Value::Null();
  ASSERT_TRUE((*w)->Write(rows).ok());
  auto adds = (*w)->Finish();
  ASSERT_TRUE(adds.ok());
  auto st = nlohmann::json::parse(*(*adds)[0].stats);
  EXPECT_EQ(st["minValues"]["country"], std::string(32, 'a'));
  std::string max = st["maxValues"]["country"];
  EXPECT_EQ(max, std::string(32, 'z') + "\xF4\x8F\xBF\xBF");
  EXPECT_GT(max, long_z);
  EXPECT_EQ(st["nullCount"]["info"]["a"], 1);
}

TEST_F(TableWriterTest, TargetFileSizeSplitsFiles) {
  TableWriterOptions o;
  o.target_file_size = 1;
  o.shred_batch_rows = 10;
  auto w = TableWriter::Make(fs_, "/t", EventSchema(), {}, o);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(EventRows(0, 35)).ok());
  auto adds = (*w)->Finish();
  ASSERT_TRUE(adds.ok());
  EXPECT_EQ(adds->size(), 4u);
  int64_t total = 0;
  for (const auto& a : *adds) total += *a.NumRecords();
  EXPECT_EQ(total, 35);
}

TEST(PartitionPathTest, EscapesLikeHiveAndUriEncodesThePath) {
  EXPECT_EQ(EscapePartitionPathComponent("A/A"), "A%2FA");
  EXPECT_EQ(EscapePartitionPathComponent("a b:c=d%"), "a%20b%3Ac%3Dd%25");
  EXPECT_EQ(PartitionDirectory({"x", "y"}, {std::string("1"), std::nullopt}),
            "x=1/y=__HIVE_DEFAULT_PARTITION__");
  auto fs = io::NewMemoryFileSystem();
  auto w = TableWriter::Make(fs, "/t", EventSchema(), {"country"});
  ASSERT_TRUE(w.ok());
  auto rows = EventRows(0, 2);
  rows[0].items[1] = parquet::Value::Bytes("A/A");
  rows[1].items[1] = parquet::Value::Null();
  ASSERT_TRUE((*w)->Write(rows).ok());
  auto adds = (*w)->Finish();
  ASSERT_TRUE(adds.ok());
  std::set<std::string> dirs;
  for (const auto& a : *adds) dirs.insert(a.path.substr(0, a.path.find('/')));
  EXPECT_EQ(dirs, (std::set<std::string>{"country=A%252FA", "country=__HIVE_DEFAULT_PARTITION__"}));
}

TEST(PartitionPathTest, SerializesTypedValues) {
  auto schema = EventSchema();
  auto node = ToParquetField(schema.fields[4]).value();
  auto s = SerializePartitionValue(schema.fields[4], node, parquet::Value::Int64(123456));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(**s, "1970-01-01T00:00:00.123456Z");
  auto d = SerializePartitionValue(schema.fields[2], ToParquetField(schema.fields[2]).value(),
                                   parquet::Value::Int32(0));
  EXPECT_EQ(**d, "1970-01-01");
  auto e = SerializePartitionValue(schema.fields[1], ToParquetField(schema.fields[1]).value(),
                                   parquet::Value::Bytes(""));
  EXPECT_FALSE(e->has_value());  // "" is null
}

}  // namespace
}  // namespace lakestream::delta
